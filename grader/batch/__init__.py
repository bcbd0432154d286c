"""Grading a whole class: discovery, parallel workers under limits, the gradebook, exports, stats.

    collect (sources) ─► plan (resume / regrade) ─► ProcessPool workers (worker) ─► gradebook
                                                                    │
                                   feedback files ◄─────────────────┼──► CSV / JSON (export)
                                                                    └──► stats (+ plot)

The CLI (``grade batch``, ``grade stats``, ``grade export``) calls the three keyword-only
functions below; each module's docstring documents its part (the identity rule in ``sources``,
the schema in ``gradebook``, the CSV layouts in ``export``).
"""

from grader.batch.export import LAYOUTS, export
from grader.batch.runner import BatchSummary, run_batch
from grader.batch.stats import Stats, render_stats, stats

__all__ = ["LAYOUTS", "BatchSummary", "Stats", "export", "render_stats", "run_batch", "stats"]
