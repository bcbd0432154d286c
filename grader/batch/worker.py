"""What runs inside a batch worker process: limits, the shared cache, one grading call.

The grading call is injected: ``grade_fn`` is any picklable module-level function with the
signature of ``grader.grading.grade_submission``. The default, :func:`grade_with_engine`, imports
the real one lazily, so this package imports (and its tests run) without it.

A worker is forked by the pool, forgets the parent's limited helper process
(``budget.reset_after_fork``), and limits its own address space (RLIMIT_AS, relative to what it
maps at start). A MemoryError becomes a ``memory`` result; a worker that dies or hangs is killed
and replaced by the parent's pool, which records the row.

A worker on another machine (``executor``'s Ray tasks) shares no file system and no memory with
the driver: it gets the rubric as its YAML text and the engine's functions by import name
(``executor.serve_node``), the class's known verdicts inside each ``Task``, and sends its
``Outcome`` back as plain data (:func:`to_data` / :func:`from_data`: JSON types only, rebuilt by
the declared field types, so nothing it returns can run code when the driver reads it).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import resource
import signal
import time
import traceback
import types
import typing
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from grader import budget
from grader.batch.gradebook import SqliteVerdictCache, verdict_from_json, verdict_to_json
from grader.errors import BudgetExceeded, GraderError
from grader.model import Report, Verdict, VerdictCache

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


def load_rubric_text_with_engine(text: str, path: str) -> Any:
    """The real rubric loader, from the YAML text (on a worker that cannot read the file)."""
    from grader.rubric import load_rubric_text

    return load_rubric_text(text, path)


#: What the real engine imports lazily; a worker pool imports it once before it forks.
ENGINE_MODULES = ("grader.grading", "grader.rubric")


@dataclass(frozen=True, kw_only=True)
class Engine:
    """The grading code a batch calls: the grade function and the rubric loader.

    Both are module-level functions (a worker process imports them by name); the defaults are
    the real engine, tests and benches inject stand-ins here.
    """

    grade: GradeFn = grade_with_engine
    load_rubric: Callable[[Any], Any] = load_rubric_with_engine
    #: ``(yaml_text, path) -> rubric``, for a worker that gets the rubric as text.
    load_rubric_text: Callable[[str, str], Any] = load_rubric_text_with_engine

    def modules(self) -> tuple[str, ...]:
        """The modules a worker should import before it forks (the engine's, then these)."""
        names = [f.__module__ for f in (self.grade, self.load_rubric_text)]
        if self.grade is grade_with_engine or self.load_rubric_text is load_rubric_text_with_engine:
            names[:0] = ENGINE_MODULES
        return tuple(dict.fromkeys(names))


def name_of(fn: Callable[..., Any]) -> str:
    """``module:qualname`` of a module-level function, checked to import back to the same one."""
    name = f"{getattr(fn, '__module__', None)}:{getattr(fn, '__qualname__', '?')}"
    try:
        same = not name.startswith(("__main__:", "None:")) and resolve(name) is fn
    except (ImportError, AttributeError):
        same = False
    if not same:
        raise GraderError(f"{name} is not a module-level function a remote worker can import")
    return name


def resolve(name: str) -> Any:
    """The function named ``module:qualname``."""
    module, _, qualname = name.partition(":")
    obj: Any = importlib.import_module(module)
    for attr in qualname.split("."):
        obj = getattr(obj, attr)
    return obj


@dataclass(frozen=True)
class Task:
    """One submission sent to a worker; ``known`` are verdicts the class already has (JSON by
    key), for a worker that cannot read the gradebook."""

    student: str
    file: str
    text: str
    only_parts: tuple[str, ...] | None = None
    known: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a worker sends back: the report or why there is none, and the verdicts it computed."""

    student: str
    status: str  # ok | timeout | memory | error; lost and fatal only travel from a remote node
    report: Report | None = None
    message: str = ""
    seconds: float = 0.0
    cache_entries: dict[str, str] = field(default_factory=dict)
    lookups: int = 0
    hits: int = 0
    node: str = ""  # the Ray node that graded it (remote only)


#: Remote statuses the driver never records: the node was lost (a rerun grades it), or the
#: worker cannot grade this rubric at all (the batch stops).
LOST, FATAL = "lost", "fatal"


class MemoryVerdictCache:
    """The class-wide cache of a worker without the gradebook: the verdicts the driver sent
    (kept as JSON until asked for) and the ones this process computed."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}
        self._memory: dict[str, Verdict] = {}
        self.new: dict[str, str] = {}
        self.lookups = 0
        self.hits = 0

    def seed(self, entries: Mapping[str, str]) -> None:
        for key, raw in entries.items():
            if key not in self._memory:
                self._known.setdefault(key, raw)

    def get(self, key: str) -> Verdict | None:
        self.lookups += 1
        v = self._memory.get(key)
        raw = self._known.pop(key, None) if v is None else None
        if raw is not None:
            try:
                v = verdict_from_json(raw)
            except (ValueError, TypeError, KeyError):
                v = None
            if v is not None:
                self._memory[key] = v
        if v is not None:
            self.hits += 1
        return v

    def put(self, key: str, verdict: Verdict) -> None:
        self._memory[key] = verdict
        try:
            self.new[key] = verdict_to_json(verdict)
        except (TypeError, ValueError):
            pass

    def take_new(self) -> dict[str, str]:
        new, self.new = self.new, {}
        return new


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


def init_remote_worker(grade_fn: GradeFn, rubric: Any, memory_mb: int | None) -> None:
    """Pool initializer on a Ray node: as ``init_worker``, with no gradebook to read (the
    driver's verdicts arrive in each Task), killed with its parent rather than orphaned."""
    die_with_parent()
    init_worker(grade_fn, rubric, None, memory_mb)
    _state["cache"] = MemoryVerdictCache()


def die_with_parent() -> None:
    """Linux: be killed with the parent process (a Ray worker gone with its node) rather than
    live on as an orphan that nobody's time limit covers."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_task(task: Task) -> Outcome:
    """Grade one submission in this worker; never raises for a student's problem."""
    cache: SqliteVerdictCache | MemoryVerdictCache = _state["cache"]
    if task.known and isinstance(cache, MemoryVerdictCache):
        cache.seed(task.known)
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


# -- plain data across machines ---------------------------------------------------------------

def to_data(obj: Any) -> Any:
    """A dataclass tree as JSON types (enums as their values, tuples as lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, list | tuple):
        return [to_data(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    raise TypeError(f"{type(obj).__name__} is not plain data")


def from_data(tp: Any, data: Any) -> Any:
    """``data`` (JSON types) rebuilt as ``tp``, by the declared field types; anything that does
    not fit them is a ValueError, so a reply is used only if it is what it claims."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in typing.get_args(tp):
            return None
        for arm in typing.get_args(tp):
            if arm is not type(None):
                try:
                    return from_data(arm, data)
                except ValueError:
                    continue
        raise ValueError(f"{data!r:.60} is not {tp}")
    if origin is tuple:
        args = typing.get_args(tp)
        items = _items(data, list)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], x) for x in items)
        if len(args) != len(items):
            raise ValueError(f"expected {len(args)} items, got {len(items)}")
        return tuple(from_data(a, x) for a, x in zip(args, items, strict=True))
    if origin is dict:
        _key, value = typing.get_args(tp)
        return {str(k): from_data(value, v) for k, v in _items(data, dict).items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        fields = _items(data, dict)
        hints = _init_hints(tp)
        return tp(**{k: from_data(hints[k], v) for k, v in fields.items() if k in hints})
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp is Any:
        return data
    if tp is float and isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    if tp in (bool, int, str) and type(data) is tp:
        return data
    raise ValueError(f"{data!r:.60} is not {getattr(tp, '__name__', tp)}")


@functools.lru_cache(maxsize=64)
def _init_hints(tp: type) -> dict[str, Any]:
    """The declared types of a dataclass's constructor fields (resolved once per class)."""
    hints = typing.get_type_hints(tp)
    return {f.name: hints[f.name] for f in dataclasses.fields(tp) if f.init}


def _items(data: Any, kind: type) -> Any:
    if not isinstance(data, kind):
        raise ValueError(f"expected a {kind.__name__}, got {type(data).__name__}")
    return data
