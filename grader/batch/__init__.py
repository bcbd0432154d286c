"""Grading a whole class: discovery, parallel workers under limits, the gradebook, exports, stats.

    collect (sources) ─► plan (resume / regrade) ─► executor (local pool | Ray) ─► gradebook
                                                                                    │
                                                   feedback files ◄─────────────────┼──► CSV / JSON
                                                                                    └──► stats

The CLI (``grade batch``, ``grade stats``, ``grade export``) calls the three functions below;
``run_batch`` takes one ``BatchSettings`` value, whose defaults are the CLI's. Each module's
docstring documents its part (the identity rule in ``sources``, the schema in ``gradebook``,
the CSV layouts in ``export``).
"""

from grader.batch.export import LAYOUTS, export
from grader.batch.runner import BatchSettings, BatchSummary, run_batch
from grader.batch.stats import Stats, render_stats, stats
from grader.batch.worker import Engine

__all__ = ["LAYOUTS", "BatchSettings", "BatchSummary", "Engine", "Stats", "export", "render_stats",
           "run_batch", "stats"]
