"""The gradebook: a SQLite file (WAL) holding every result of a class, and the shared verdicts.

Schema (one file, standard library only)::

    rubrics       (rubric_id, rubric_version) -> fingerprint, title, parts (JSON list of
                  {id, title, points, fingerprint, kind}), recorded_at
    students      student -> name, email, sis_id, section          (from a manifest)
    submissions   id; UNIQUE (student, rubric_id, rubric_version); rubric_fingerprint, file,
                  sha256 (of the text), status (ok | duplicate | timeout | memory | error |
                  empty), message, score, max_score, seconds, graded_at, warnings (JSON)
    parts         (submission_id, part) -> student, rubric_id, rubric_version, part_fingerprint,
                  title, verdict, points, max_points, answer, expected, method, feedback,
                  diagnosis, line, section, problem, seconds, graded_at
    verdict_cache (scope, key) -> verdict (JSON of a model.Verdict); scope = rubric fingerprint
    manual_grades (student, rubric_id, part) -> points, max_points, comment, reason, grader,
                  graded_at, part_fingerprint, answer, scope (student | group), group_id
    manual_log    every manual grade set, cleared or imported, in order (the audit trail)
    requests      id -> student, rubric_id, part, text, requested_at   (regrade requests)

A person's grades are in their own tables, keyed by rubric id (not version) and part, and carry
the part fingerprint and the answer they were given against: ``store`` never touches them, so a
resumed batch or a ``--regrade`` cannot overwrite them, and ``grader.batch.manual`` decides at read
time whether each still applies (same fingerprint, same answer) or is flagged for review.

Only the batch's parent process writes, one transaction per submission (its row, its parts and
the verdicts its grading computed), so a batch killed at any moment, even with SIGKILL, leaves
whole submissions or nothing, and a re-run skips exactly what was committed.

The verdict cache is scoped by the rubric's fingerprint: a verdict computed against one version
of a rubric is never reused against another. Workers open their own read-only connection
(readers never block in WAL) and hand the verdicts they computed back to the parent with the
result, rather than writing themselves: no write contention, and a killed worker leaves nothing
half-written. The price is that two workers may compare the same new answer before either
result is committed; with a class the saving is still nearly all of it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.model import Location, PartResult, Report, Verdict

SCHEMA_VERSION = "1"
GRADED = ("ok", "duplicate")
FAILED = ("timeout", "memory", "error")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS rubrics (
    rubric_id TEXT NOT NULL, rubric_version TEXT NOT NULL, fingerprint TEXT NOT NULL,
    title TEXT, parts TEXT NOT NULL, recorded_at REAL,
    PRIMARY KEY (rubric_id, rubric_version));
CREATE TABLE IF NOT EXISTS students (
    student TEXT PRIMARY KEY, name TEXT, email TEXT, sis_id TEXT, section TEXT);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL, rubric_id TEXT NOT NULL, rubric_version TEXT NOT NULL,
    rubric_fingerprint TEXT NOT NULL, file TEXT, sha256 TEXT, status TEXT NOT NULL,
    message TEXT, score REAL, max_score REAL, seconds REAL, graded_at REAL, warnings TEXT,
    UNIQUE (student, rubric_id, rubric_version));
CREATE TABLE IF NOT EXISTS parts (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    student TEXT NOT NULL, rubric_id TEXT NOT NULL, rubric_version TEXT NOT NULL,
    part TEXT NOT NULL, part_fingerprint TEXT, title TEXT, verdict TEXT, points REAL,
    max_points REAL, answer TEXT, expected TEXT, method TEXT, feedback TEXT, diagnosis TEXT,
    line INTEGER, section TEXT, problem TEXT, seconds REAL, graded_at REAL,
    PRIMARY KEY (submission_id, part));
CREATE INDEX IF NOT EXISTS parts_by_student ON parts (student, rubric_id, rubric_version);
CREATE TABLE IF NOT EXISTS manual_grades (
    student TEXT NOT NULL, rubric_id TEXT NOT NULL, part TEXT NOT NULL, points REAL NOT NULL,
    max_points REAL, comment TEXT, reason TEXT, grader TEXT, graded_at REAL,
    part_fingerprint TEXT, answer TEXT, scope TEXT, group_id TEXT,
    PRIMARY KEY (student, rubric_id, part));
CREATE TABLE IF NOT EXISTS manual_log (
    id INTEGER PRIMARY KEY, action TEXT NOT NULL, student TEXT NOT NULL, rubric_id TEXT NOT NULL,
    part TEXT NOT NULL, points REAL, comment TEXT, reason TEXT, grader TEXT, at REAL,
    part_fingerprint TEXT, answer TEXT, scope TEXT, group_id TEXT);
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY, student TEXT NOT NULL, rubric_id TEXT NOT NULL, part TEXT NOT NULL,
    text TEXT NOT NULL, requested_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS verdict_cache (
    scope TEXT NOT NULL, key TEXT NOT NULL, verdict TEXT NOT NULL,
    PRIMARY KEY (scope, key)) WITHOUT ROWID;
"""

_PART_COLUMNS = ("part", "part_fingerprint", "title", "verdict", "points", "max_points", "answer",
                 "expected", "method", "feedback", "diagnosis", "line", "section", "problem",
                 "seconds", "graded_at")


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection to the gradebook at ``path`` (created with its schema unless readonly)."""
    if readonly:
        conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=30)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def verdict_to_json(v: Verdict) -> str:
    return json.dumps(v.to_json(), sort_keys=True)


def verdict_from_json(s: str) -> Verdict:
    return Verdict.from_json(json.loads(s))


def rubric_parts(rubric: Any) -> list[dict[str, Any]]:
    """The parts of a rubric as plain data (id, title, points, fingerprint, kind)."""
    fps: Mapping[str, str] = getattr(rubric, "part_fingerprints", {}) or {}
    return [{"id": p.id, "title": getattr(p, "title", ""), "points": float(p.points),
             "fingerprint": fps.get(p.id, ""), "kind": getattr(p, "kind", "") or ""}
            for p in rubric.parts]


def record_rubric(conn: sqlite3.Connection, rubric: Any) -> None:
    conn.execute(
        "INSERT INTO rubrics VALUES (?,?,?,?,?,?) ON CONFLICT (rubric_id, rubric_version) DO UPDATE "
        "SET fingerprint=excluded.fingerprint, title=excluded.title, parts=excluded.parts, "
        "recorded_at=excluded.recorded_at",
        (rubric.id, rubric.version, rubric.fingerprint, getattr(rubric, "title", ""),
         json.dumps(rubric_parts(rubric)), time.time()))


def record_students(conn: sqlite3.Connection, infos: Iterable[Any]) -> None:
    with conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT OR REPLACE INTO students VALUES (?,?,?,?,?)",
                         [(i.student, i.name, i.email, i.sis_id, i.section) for i in infos])


@dataclass
class Previous:
    """What the gradebook already holds for one student under a rubric."""

    id: int
    rubric_version: str
    fingerprint: str
    sha256: str
    status: str
    part_fingerprints: dict[str, str] = field(default_factory=dict)


def previous(conn: sqlite3.Connection, rubric_id: str) -> dict[str, list[Previous]]:
    """Per student, their submission rows under ``rubric_id``, newest first."""
    out: dict[str, list[Previous]] = {}
    fps: dict[int, dict[str, str]] = {}
    for r in conn.execute("SELECT submission_id, part, part_fingerprint FROM parts WHERE rubric_id=?",
                          (rubric_id,)):
        fps.setdefault(r[0], {})[r[1]] = r[2] or ""
    for r in conn.execute("SELECT id, student, rubric_version, rubric_fingerprint, sha256, status "
                          "FROM submissions WHERE rubric_id=? ORDER BY graded_at DESC, id DESC",
                          (rubric_id,)):
        out.setdefault(r["student"], []).append(
            Previous(r["id"], r["rubric_version"], r["rubric_fingerprint"], r["sha256"] or "",
                     r["status"], fps.get(r["id"], {})))
    return out


def part_row(p: PartResult, fingerprint: str, seconds: float, at: float) -> tuple[Any, ...]:
    return (p.id, fingerprint, p.title, p.verdict, p.points, p.max_points, p.answer, p.expected,
            p.method, p.feedback, p.diagnosis, p.location.line, p.location.section, p.problem,
            seconds, at)


def store(conn: sqlite3.Connection, *, rubric: Any, student: str, file: str, sha256: str,
          status: str, message: str, seconds: float, warnings: Iterable[str] = (),
          parts: Iterable[PartResult] = (), keep_from: int | None = None,
          keep_parts: Iterable[str] = (), cache_entries: Mapping[str, str] | None = None) -> int:
    """Write one submission's outcome in one transaction; returns how many new verdicts stored.

    ``parts`` replace the student's part rows; parts named in ``keep_parts`` are copied from the
    submission row ``keep_from`` (a regrade that left them unchanged) instead.
    """
    now = time.time()
    fps: Mapping[str, str] = getattr(rubric, "part_fingerprints", {}) or {}
    rows = [part_row(p, fps.get(p.id, ""), seconds, now) for p in parts]
    keep = list(keep_parts)
    stored = 0
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        kept: list[sqlite3.Row] = []
        if keep_from is not None and keep:
            marks = ",".join("?" * len(keep))
            kept = conn.execute(f"SELECT {', '.join(_PART_COLUMNS)} FROM parts "
                                f"WHERE submission_id=? AND part IN ({marks})",
                                (keep_from, *keep)).fetchall()
        sub_id = conn.execute(
            "INSERT INTO submissions (student, rubric_id, rubric_version, rubric_fingerprint, file, "
            "sha256, status, message, seconds, graded_at, warnings) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT (student, rubric_id, rubric_version) DO UPDATE SET "
            "rubric_fingerprint=excluded.rubric_fingerprint, file=excluded.file, "
            "sha256=excluded.sha256, status=excluded.status, message=excluded.message, "
            "seconds=excluded.seconds, graded_at=excluded.graded_at, warnings=excluded.warnings "
            "RETURNING id",
            (student, rubric.id, rubric.version, rubric.fingerprint, file, sha256, status, message,
             seconds, now, json.dumps(list(warnings)))).fetchone()[0]
        conn.execute("DELETE FROM parts WHERE submission_id=?", (sub_id,))
        ids = {p.id for p in rubric.parts}
        all_rows = [tuple(r) for r in kept if r["part"] in ids] + rows
        conn.executemany(
            f"INSERT OR REPLACE INTO parts (submission_id, student, rubric_id, rubric_version, "
            f"{', '.join(_PART_COLUMNS)}) VALUES ({','.join('?' * (4 + len(_PART_COLUMNS)))})",
            [(sub_id, student, rubric.id, rubric.version, *r) for r in all_rows])
        if all_rows:
            conn.execute("UPDATE submissions SET score=(SELECT ROUND(SUM(points), 4) FROM parts "
                         "WHERE submission_id=?1), max_score=?2 WHERE id=?1",
                         (sub_id, round(sum(float(p.points) for p in rubric.parts), 4)))
        elif status == "empty":
            conn.execute("UPDATE submissions SET score=0, max_score=? WHERE id=?",
                         (round(sum(float(p.points) for p in rubric.parts), 4), sub_id))
        else:
            conn.execute("UPDATE submissions SET score=NULL, max_score=? WHERE id=?",
                         (round(sum(float(p.points) for p in rubric.parts), 4), sub_id))
        if cache_entries:
            before = conn.total_changes
            conn.executemany("INSERT OR IGNORE INTO verdict_cache VALUES (?,?,?)",
                             [(rubric.fingerprint, k, v) for k, v in cache_entries.items()])
            stored = conn.total_changes - before
    return stored


def report_for(conn: sqlite3.Connection, submission_id: int) -> Report:
    """The engine's Report rebuilt from the gradebook, without manual grades.

    Feedback and exports use ``grader.batch.manual.report``, which applies a person's grades.
    """
    sub = conn.execute("SELECT * FROM submissions WHERE id=?", (submission_id,)).fetchone()
    title_row = conn.execute("SELECT title FROM rubrics WHERE rubric_id=? AND rubric_version=?",
                             (sub["rubric_id"], sub["rubric_version"])).fetchone()
    order = part_order(conn, sub["rubric_id"], sub["rubric_version"])
    parts = []
    for r in conn.execute("SELECT * FROM parts WHERE submission_id=?", (submission_id,)):
        parts.append(PartResult(
            id=r["part"], title=r["title"] or "", points=r["points"] or 0.0,
            max_points=r["max_points"] or 0.0, verdict=r["verdict"] or "needs_review",
            answer=r["answer"], location=Location(r["line"], r["section"]), expected=r["expected"],
            method=r["method"] or "none", feedback=r["feedback"], diagnosis=r["diagnosis"],
            problem=r["problem"]))
    parts.sort(key=lambda p: order.index(p.id) if p.id in order else len(order))
    warnings = tuple(json.loads(sub["warnings"] or "[]"))
    return Report(submission=sub["file"] or sub["student"], rubric=sub["rubric_id"],
                  parts=tuple(parts), warnings=warnings, rubric_version=sub["rubric_version"],
                  title=title_row["title"] if title_row else "")


def part_order(conn: sqlite3.Connection, rubric_id: str, version: str) -> list[str]:
    row = conn.execute("SELECT parts FROM rubrics WHERE rubric_id=? AND rubric_version=?",
                       (rubric_id, version)).fetchone()
    return [p["id"] for p in json.loads(row["parts"])] if row else []


def latest_rubric(conn: sqlite3.Connection, rubric_id: str | None = None,
                  version: str | None = None) -> sqlite3.Row | None:
    """The rubric (id, version) a report is about: the one named, else the latest recorded."""
    sql, args = "SELECT * FROM rubrics", []
    cond = []
    if rubric_id:
        cond.append("rubric_id=?")
        args.append(rubric_id)
    if version:
        cond.append("rubric_version=?")
        args.append(version)
    if cond:
        sql += " WHERE " + " AND ".join(cond)
    row: sqlite3.Row | None = conn.execute(sql + " ORDER BY recorded_at DESC LIMIT 1", args).fetchone()
    return row


class SqliteVerdictCache:
    """A VerdictCache reading the gradebook's shared table and remembering what it adds.

    Used inside a worker: ``get`` looks in this process's memory, then in the gradebook (a
    read-only connection); ``put`` keeps the verdict in memory and in ``new``, which the worker
    returns to the parent to store with the submission.
    """

    def __init__(self, path: str | Path | None, scope: str) -> None:
        self.scope = scope
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._memory: dict[str, Verdict] = {}
        self.new: dict[str, str] = {}
        self.lookups = 0
        self.hits = 0

    def _db(self) -> sqlite3.Connection | None:
        if self._conn is None and self._path is not None and Path(self._path).exists():
            try:
                self._conn = connect(self._path, readonly=True)
            except sqlite3.Error:
                self._path = None
        return self._conn

    def get(self, key: str) -> Verdict | None:
        self.lookups += 1
        v = self._memory.get(key)
        if v is None and (db := self._db()) is not None:
            try:
                row = db.execute("SELECT verdict FROM verdict_cache WHERE scope=? AND key=?",
                                 (self.scope, key)).fetchone()
            except sqlite3.Error:
                row = None
            if row is not None:
                v = verdict_from_json(row[0])
                self._memory[key] = v
        if v is not None:
            self.hits += 1
        return v

    def put(self, key: str, verdict: Verdict) -> None:
        self._memory[key] = verdict
        try:
            self.new[key] = verdict_to_json(verdict)
        except (TypeError, ValueError):
            pass  # a verdict that does not serialise is still used in this process

    def take_new(self) -> dict[str, str]:
        new, self.new = self.new, {}
        return new
