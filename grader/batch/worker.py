"""What runs inside a batch worker process: limits, the shared cache, one grading call.

The grading call is injected: ``grade_fn`` is any picklable module-level function with the
signature of ``grader.grading.grade_submission``. The default, :func:`grade_with_engine`, imports
the real one lazily, so this package imports (and its tests run) without it.

A worker is forked by the pool, forgets the parent's limited helper process
(``budget.reset_after_fork``), and limits its own address space (RLIMIT_AS, relative to what it
maps at start). A MemoryError becomes a ``memory`` result; a worker that dies or hangs is killed
and replaced by the parent's pool, which records the row.
"""

from __future__ import annotations

import resource
import time
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from grader import budget
from grader.batch.gradebook import SqliteVerdictCache
from grader.errors import BudgetExceeded, GraderError
from grader.model import Report, VerdictCache

GradeFn = Callable[..., Report]


def grade_with_engine(text: str, rubric: Any, *, submission: str,
                      cache: VerdictCache | None = None,
                      only_parts: Collection[str] | None = None) -> Report:
    """The real grading engine (imported on first use)."""
    from grader.grading import grade_submission

    return grade_submission(text, rubric, submission=submission, cache=cache, only_parts=only_parts)


def load_rubric_with_engine(path: Any) -> Any:
    """The real rubric loader (imported on first use)."""
    from grader.rubric import load_rubric

    return load_rubric(path)


@dataclass(frozen=True, kw_only=True)
class Engine:
    """The grading code a batch calls: the grade function and the rubric loader.

    Both are module-level functions (a worker process imports them by name); the defaults are
    the real engine, tests and benches inject stand-ins here.
    """

    grade: GradeFn = grade_with_engine
    load_rubric: Callable[[Any], Any] = load_rubric_with_engine


@dataclass(frozen=True)
class Task:
    """One submission sent to a worker."""

    student: str
    file: str
    text: str
    only_parts: tuple[str, ...] | None = None


@dataclass
class Outcome:
    """What a worker sends back: the report or why there is none, and the verdicts it computed."""

    student: str
    status: str  # ok | timeout | memory | error
    report: Report | None = None
    message: str = ""
    seconds: float = 0.0
    cache_entries: dict[str, str] = field(default_factory=dict)
    lookups: int = 0
    hits: int = 0


_state: dict[str, Any] = {}


def init_worker(grade_fn: GradeFn, rubric: Any, gradebook: str | None, memory_mb: int | None) -> None:
    """Pool initializer: set the limits and the per-process state."""
    budget.reset_after_fork()
    if memory_mb:
        limit = budget.address_space_now() + memory_mb * 1024 * 1024
        try:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            pass
    _state.update(grade_fn=grade_fn, rubric=rubric,
                  cache=SqliteVerdictCache(gradebook, scope=str(rubric.fingerprint)))


def run_task(task: Task) -> Outcome:
    """Grade one submission in this worker; never raises for a student's problem."""
    cache: SqliteVerdictCache = _state["cache"]
    lookups, hits = cache.lookups, cache.hits
    start = time.perf_counter()
    out = Outcome(student=task.student, status="ok")
    try:
        out.report = _state["grade_fn"](task.text, _state["rubric"], submission=task.file,
                                        cache=cache, only_parts=task.only_parts)
    except MemoryError:
        out.report = None
        out.status, out.message = "memory", "memory limit exceeded while grading"
    except BudgetExceeded as exc:
        out.status = "memory" if exc.kind == "memory" else "timeout"
        out.message = str(exc)
    except RecursionError:
        out.status, out.message = "error", "expression nested too deeply"
    except GraderError as exc:
        out.status, out.message = "error", str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    except Exception as exc:  # noqa: BLE001 - one bad submission never stops the batch
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" ({tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
        out.status, out.message = "error", f"internal error: {type(exc).__name__}: {exc}{where}"
    out.seconds = time.perf_counter() - start
    out.cache_entries = cache.take_new()
    out.lookups, out.hits = cache.lookups - lookups, cache.hits - hits
    return out
