"""Grading a class: plan what needs grading, grade it in parallel under limits, record it.

``run_batch(source, rubric, settings, engine=...)``: ``BatchSettings`` is the one definition of
the batch's options and defaults (the CLI reads it), ``Engine`` the grading code. The grading
itself is an executor's (``executor``): a pebble pool here, or tasks on a Ray cluster; either
way each submission has a hard time limit and a memory limit, and a hung or runaway one gets a
``timeout`` or ``memory`` row. This process records every outcome as it arrives (the only
writer of the gradebook), one transaction per submission, so a batch killed at any moment loses
nothing; a submission whose Ray node died past its retries is not recorded, and the next run
grades it.

What is graded (resume and regrade), per student, against the gradebook:

* a row for this rubric version with the same text hash -> skipped (resume), whatever its status;
  if the rubric's fingerprint changed since, it is counted as stale and skipped unless
  ``regrade``;
* ``regrade``: stale rows, and rows graded under an earlier version of the rubric with the same
  text, are regraded for the parts whose part fingerprint changed only (``only_parts``); the
  other parts' rows are copied. Failed rows (timeout, memory, error) are retried in full.
* anything else (new student, changed text) is graded in full.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from grader.batch import gradebook as gb
from grader.batch.executor import EXECUTORS, Executor, LocalPool, RayCluster, import_ray
from grader.batch.export import export
from grader.batch.feedback import write_feedback
from grader.batch.sources import Submission, collect
from grader.batch.worker import LOST, Engine, GradeFn, Outcome, Task, grade_with_engine
from grader.errors import GraderError, InputError
from grader.model import PartResult, Report


@dataclass(frozen=True, kw_only=True)
class BatchSettings:
    """How a batch runs. The one definition of the batch defaults: ``grade batch`` reads them.

    Paths may be ``str`` or ``Path``; ``None`` means "do not write it" (csv, feedback) or "the
    default" (the gradebook beside the CSV or the feedback folder, else ./gradebook.sqlite).
    """

    #: Worker processes; None is the core count.
    jobs: int | None = None
    #: Seconds one submission may take; past it its worker is killed and it gets a timeout row.
    timeout: float = 60.0
    #: Address-space limit per worker in MB, on top of what it maps at start; None: no limit.
    memory_mb: int | None = 1536
    #: The SQLite gradebook (None: beside the CSV or the feedback folder).
    gradebook: str | Path | None = None
    #: The class CSV to write, and its layout (a name in ``export.LAYOUTS``).
    csv_path: str | Path | None = None
    csv_layout: str = "default"
    #: A folder for one feedback file per student.
    feedback_dir: str | Path | None = None
    #: After a rubric change, regrade what the change affects (and retry failed rows).
    regrade: bool = False
    #: A CSV naming each student's file (LMS downloads).
    manifest: str | Path | None = None
    #: Where submissions are graded: ``local`` (a process pool here) or ``ray`` (a cluster).
    executor: str = "local"
    #: The Ray cluster (``ray://host:10001`` or ``host:6379``); None: RAY_ADDRESS, a cluster
    #: started on this machine with ``ray start``, else a new local one.
    ray_address: str | None = None
    #: How often Ray resubmits a task whose node or worker died before it is ``lost``.
    ray_retries: int = 3
    #: Workers reuse the class's verdicts (off: each worker only its own; for measuring).
    share_cache: bool = True
    #: Show progress on ``stream`` (stderr when None): a bar on a terminal, lines otherwise.
    progress: bool = True
    stream: TextIO | None = field(default=None, compare=False)

    def gradebook_path(self) -> Path:
        if self.gradebook is not None:
            return Path(self.gradebook)
        return _default_gradebook(self.csv_path, self.feedback_dir)


DEFAULTS = BatchSettings()
ENGINE = Engine()


@dataclass
class BatchSummary:
    """What a batch did."""

    found: int = 0
    graded: int = 0
    regraded: int = 0
    skipped: int = 0
    stale: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    compared: int = 0
    comparisons: int = 0
    lookups: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    grading_seconds: float = 0.0  # of which grading (the executor), not planning or outputs
    gradebook: str = ""
    csv: str | None = None
    feedback_dir: str | None = None
    rubric: str = ""
    executor: str = "local"
    nodes: int = 0  # Ray nodes that graded
    lost: int = 0  # submissions whose Ray node died, retries used up: not recorded


    def render(self) -> str:
        st = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        lines = [f"{self.found} submissions ({self.rubric}): {self.graded} graded, "
                 f"{self.regraded} regraded, {self.skipped} already in the gradebook"
                 + (f"; {st}" if st else "") + f" in {self.seconds:.1f}s",
                 f"answers compared: {self.compared} distinct ({self.comparisons} comparisons), "
                 f"{self.cache_hits} of {self.lookups} look-ups reused"]
        if self.executor == "ray":
            lines.append(f"executor: ray, {self.nodes} node{'s' if self.nodes != 1 else ''}")
        if self.lost:
            lines.append(f"{self.lost} not graded (their Ray node was lost): run the same "
                         "command again to grade them")
        if self.stale:
            lines.append(f"{self.stale} graded with an older form of this rubric version: "
                         "run with --regrade to update them")
        lines += [f"problem: {p}" for p in self.problems]
        lines.append(f"gradebook: {self.gradebook}")
        if self.csv:
            lines.append(f"csv: {self.csv}")
        if self.feedback_dir:
            lines.append(f"feedback: {self.feedback_dir}")
        return "\n".join(lines)


class Progress:
    """A progress bar on a terminal; a line every tenth of the way otherwise; nothing if quiet."""

    def __init__(self, total: int, *, enabled: bool, stream: TextIO | None = None) -> None:
        self.total, self.done, self.start = total, 0, time.monotonic()
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.tty = self.enabled and self.stream.isatty()
        self._next_line = 0.1

    def advance(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        rate = self.done / max(time.monotonic() - self.start, 1e-9)
        if self.tty:
            width = 30
            fill = int(width * self.done / self.total)
            eta = (self.total - self.done) / rate if rate else 0
            self.stream.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} "
                              f"{rate:.1f}/s ETA {eta:.0f}s {label[:20]:<20}")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()
        elif self.done / self.total >= self._next_line or self.done == self.total:
            self.stream.write(f"graded {self.done}/{self.total} ({rate:.1f}/s)\n")
            self.stream.flush()
            while self._next_line <= self.done / self.total:
                self._next_line += 0.1


@dataclass
class _Job:
    sub: Submission
    status: str  # the status to record if grading succeeds: ok | duplicate
    message: str
    only_parts: tuple[str, ...] | None = None
    keep_from: int | None = None
    keep_parts: tuple[str, ...] = ()
    regrade: bool = False


def _plan(sub: Submission, prevs: list[gb.Previous], rubric: Any, regrade: bool,
          dup_msg: str, summary: BatchSummary) -> _Job | None:
    status = "duplicate" if dup_msg else "ok"
    cur = next((p for p in prevs if p.rubric_version == rubric.version), None)
    base: gb.Previous | None = None
    if cur is not None and cur.sha256 == sub.sha256:
        if cur.fingerprint == rubric.fingerprint and not (regrade and cur.status in gb.FAILED):
            summary.skipped += 1
            return None
        if cur.fingerprint != rubric.fingerprint and not regrade:
            summary.stale += 1
            summary.skipped += 1
            return None
        if cur.status in gb.GRADED:
            base = cur
    elif regrade:
        base = next((p for p in prevs if p.sha256 == sub.sha256 and p.status in gb.GRADED), None)
    if base is None:
        return _Job(sub, status, dup_msg)
    fps: dict[str, str] = dict(getattr(rubric, "part_fingerprints", {}) or {})
    changed = tuple(p.id for p in rubric.parts
                    if not fps.get(p.id) or base.part_fingerprints.get(p.id) != fps[p.id])
    keep = tuple(p.id for p in rubric.parts if p.id not in changed)
    return _Job(sub, status, dup_msg, only_parts=changed, keep_from=base.id, keep_parts=keep,
                regrade=True)


def _duplicates(subs: list[Submission]) -> dict[str, str]:
    by_hash: dict[str, list[str]] = {}
    for s in subs:
        if s.status == "ok":
            by_hash.setdefault(s.sha256, []).append(s.student)
    out = {}
    for students in by_hash.values():
        if len(students) > 1:
            for st in students:
                out[st] = "same text as " + ", ".join(o for o in students if o != st)
    return out


def _record(conn: Any, rubric: Any, job: _Job, out: Outcome, summary: BatchSummary) -> None:
    sub = job.sub
    summary.lookups += out.lookups
    summary.cache_hits += out.hits
    summary.comparisons += len(out.cache_entries)
    parts: tuple[PartResult, ...] = ()
    status, message = out.status, out.message
    if out.status == "ok" and out.report is not None:
        parts = out.report.parts
        if job.only_parts is not None:
            parts = tuple(p for p in parts if p.id in job.only_parts)
        status, message = job.status, job.message
    elif out.status == "ok":
        status, message = "error", "grading returned no report"
    keep = job.keep_parts if status in gb.GRADED else ()
    summary.compared += gb.store(
        conn, rubric=rubric, student=sub.student, file=";".join(sub.files), sha256=sub.sha256,
        status=status, message=message, seconds=out.seconds,
        warnings=[*sub.warnings, *(out.report.warnings if out.report else ())],
        parts=parts, keep_from=job.keep_from, keep_parts=keep, cache_entries=out.cache_entries)
    summary.statuses[status] += 1
    if job.regrade:
        summary.regraded += 1
    else:
        summary.graded += 1


def _warm(grade_fn: GradeFn) -> None:
    """Import the engine in the parent, so that forked workers start with it loaded."""
    if grade_fn is grade_with_engine:
        try:
            importlib.import_module("grader.grading")
        except ImportError as exc:
            raise GraderError(f"the grading engine is not available: {exc}") from None


def _default_gradebook(csv_path: Any, feedback_dir: Any) -> Path:
    if csv_path is not None:
        return Path(csv_path).parent / "gradebook.sqlite"
    if feedback_dir is not None:
        return Path(feedback_dir).parent / "gradebook.sqlite"
    return Path("gradebook.sqlite")


def run_batch(source: str | Path, rubric: Any, settings: BatchSettings = DEFAULTS, *,
              engine: Engine = ENGINE) -> BatchSummary:
    """Grade every submission in ``source`` (folder or .zip) and record them in the gradebook.

    ``rubric`` is a rubric file (loaded with ``engine.load_rubric``) or an already loaded
    rubric. Raises ``InputError`` for an unusable source, manifest or rubric; a bad submission
    only ever becomes a row.
    """
    start = time.perf_counter()
    _warm(engine.grade)
    source_rubric = rubric
    if isinstance(rubric, str | Path):
        rubric = engine.load_rubric(rubric)
    book = settings.gradebook_path()
    executor = _executor(settings, rubric, source_rubric, engine, book)
    collected = collect(source, manifest=settings.manifest)
    summary = BatchSummary(found=len(collected.submissions), problems=collected.problems,
                           gradebook=str(book), rubric=f"{rubric.id} {rubric.version}")
    conn = gb.connect(book)
    try:
        gb.record_rubric(conn, rubric)
        if collected.students:
            gb.record_students(conn, collected.students.values())
        todo = _plan_class(conn, rubric, collected.submissions, settings.regrade, summary)
        grading = time.perf_counter()
        _grade_all(conn, rubric, todo, summary, executor,
                   Progress(len(todo), enabled=settings.progress, stream=settings.stream))
        summary.grading_seconds = time.perf_counter() - grading
        summary.executor = settings.executor
        summary.nodes = len(getattr(executor, "nodes", ()))
        if settings.feedback_dir is not None:
            write_feedback(conn, settings.feedback_dir, rubric_id=rubric.id,
                           version=rubric.version,
                           students=[s.student for s in collected.submissions])
            summary.feedback_dir = str(settings.feedback_dir)
    finally:
        conn.close()
    if settings.csv_path is not None:
        export(book, to="csv", out=settings.csv_path, layout=settings.csv_layout,
               rubric_id=rubric.id, version=rubric.version)
        summary.csv = str(settings.csv_path)
    summary.seconds = time.perf_counter() - start
    return summary


def _plan_class(conn: Any, rubric: Any, subs: list[Submission], regrade: bool,
                summary: BatchSummary) -> deque[_Job]:
    """What to grade, against the gradebook; rows that need no grading are recorded here."""
    prev = gb.previous(conn, rubric.id)
    dups = _duplicates(subs)
    todo: deque[_Job] = deque()
    for sub in subs:
        prevs = prev.get(sub.student, [])
        if sub.status != "ok":  # nothing to grade: record why, once
            cur = next((p for p in prevs if p.rubric_version == rubric.version), None)
            if cur is not None and (cur.status, cur.sha256) == (sub.status, sub.sha256) \
                    and cur.fingerprint == rubric.fingerprint:
                summary.skipped += 1
                continue
            _record(conn, rubric, _Job(sub, sub.status, sub.message),
                    Outcome(sub.student, sub.status, message=sub.message), summary)
            continue
        job = _plan(sub, prevs, rubric, regrade, dups.get(sub.student, ""), summary)
        if job is None:
            continue
        if job.only_parts == ():  # nothing gradable changed: carry the rows over
            _record(conn, rubric, job, Outcome(sub.student, "ok", report=_empty_report(rubric)),
                    summary)
            continue
        todo.append(job)
    return todo


def _empty_report(rubric: Any) -> Report:
    return Report(submission="", rubric=rubric.id, parts=())


def _grade_all(conn: Any, rubric: Any, todo: deque[_Job], summary: BatchSummary,
               executor: Executor, bar: Progress) -> None:
    """Record each outcome as the executor yields it (this process is the only writer)."""
    lost: list[str] = []
    items = ((job, Task(job.sub.student, ";".join(job.sub.files), job.sub.text, job.only_parts))
             for job in todo)
    for job, out in executor.results(items):
        if out.status == LOST:
            lost.append(f"{job.sub.student} ({out.message})")
        else:
            _record(conn, rubric, job, out, summary)
        bar.advance(job.sub.student)
    summary.lost = len(lost)
    if lost:
        summary.problems.append(f"{len(lost)} not graded, their Ray node was lost: "
                                + "; ".join(lost[:5]) + (" ..." if len(lost) > 5 else ""))


def _executor(settings: BatchSettings, rubric: Any, source: Any, engine: Engine,
              book: Path) -> Executor:
    limits = {"jobs": settings.jobs, "timeout": settings.timeout, "memory_mb": settings.memory_mb,
              "share_cache": settings.share_cache}
    if settings.executor == "local":
        return LocalPool(rubric=rubric, engine=engine, book=book, **limits)
    if settings.executor != "ray":
        raise InputError(f"unknown executor {settings.executor!r} (choose from "
                         f"{', '.join(EXECUTORS)})")
    import_ray()  # before anything is written: a missing extra is a one-line error
    path = Path(source if isinstance(source, str | Path) else getattr(rubric, "path", "") or "")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise InputError(f"--executor ray sends the rubric's YAML to the cluster, and "
                         f"{str(path) or 'this rubric'} cannot be read") from None
    return RayCluster(rubric=rubric, rubric_text=text, rubric_path=str(path), engine=engine,
                      book=book, address=settings.ray_address, retries=settings.ray_retries,
                      **limits)
