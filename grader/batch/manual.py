"""A person's grades beside the engine's, and the grade of every part as it stands now.

The engine's rows (``parts``) and a person's (``manual_grades``) are kept apart and merged when
read: a manual grade applies while the part's fingerprint and the student's answer are the ones
it was given against. When either changed (a rubric edit to that part, a new submission) the
manual grade stops counting and is *flagged*: the part is back in the review queue with the old
grade shown, and until someone confirms it the part counts as the engine graded it (pending if
the engine could not). So ``grade batch`` resumes and ``--regrade`` never overwrite a person's
grade, and never let one stand for an answer or a question it was not given for.

A part is *pending* when nobody has graded it: the engine said ``needs_review`` and there is no
manual grade in force, or the submission could not be graded at all (timeout, memory, error).
Pending parts have no points (``None``), so totals, the CSV and the statistics show them blank
and count them; ``pending_as_zero`` counts them as 0 instead.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from grader.batch.gradebook import FAILED, latest_rubric
from grader.errors import InputError
from grader.model import Location, PartResult, Report

#: Engine verdicts that leave the grade to a person.
PENDING_VERDICTS = ("needs_review",)
#: Verdicts worth a person's look though the engine gave points (shown in the queue).
DOUBTFUL_VERDICTS = ("unparsed",)

_MANUAL_COLUMNS = ("student", "rubric_id", "part", "points", "max_points", "comment", "reason",
                   "grader", "graded_at", "part_fingerprint", "answer", "scope", "group_id")


@dataclass(frozen=True)
class Manual:
    """One manual grade: the points, what the student is told, and who gave it, when and why."""

    student: str
    rubric_id: str
    part: str
    points: float
    max_points: float | None
    comment: str
    reason: str
    grader: str
    graded_at: float
    part_fingerprint: str
    answer: str | None
    scope: str = "student"  # student | group
    group_id: str = ""


@dataclass(frozen=True)
class Request:
    id: int
    student: str
    part: str
    text: str
    requested_at: float


@dataclass(frozen=True)
class PartGrade:
    """One student's part as it stands: the engine's result, a person's grade, open requests."""

    student: str
    part: str
    title: str
    max_points: float
    fingerprint: str
    verdict: str | None  # the engine's; None when the submission was not graded
    auto_points: float | None
    answer: str | None = None
    expected: str | None = None
    method: str = "none"
    feedback: str | None = None
    diagnosis: str | None = None
    line: int | None = None
    section: str | None = None
    problem: str | None = None
    manual: Manual | None = None  # in force
    stale: Manual | None = None  # given against another form of the part or another answer
    stale_why: str = ""
    requests: tuple[Request, ...] = ()  # open regrade requests

    @property
    def pending(self) -> bool:
        return self.manual is None and (self.verdict is None or self.verdict in PENDING_VERDICTS)

    @property
    def points(self) -> float | None:
        if self.manual is not None:
            return self.manual.points
        return None if self.pending else self.auto_points

    @property
    def state(self) -> str:
        """``manual``, ``pending`` or ``auto``; ``flagged`` when a manual grade went stale."""
        if self.manual is not None:
            return "manual"
        if self.stale is not None:
            return "flagged"
        return "pending" if self.pending else "auto"

    @property
    def needs_person(self) -> bool:
        """In the review queue: pending, flagged, doubtful, or a request is open."""
        return (self.pending or self.stale is not None or bool(self.requests)
                or (self.manual is None and self.verdict in DOUBTFUL_VERDICTS))


@dataclass(frozen=True)
class StudentGrades:
    student: str
    submission_id: int
    status: str
    message: str
    file: str
    parts: tuple[PartGrade, ...]

    @property
    def pending(self) -> int:
        return sum(1 for p in self.parts if p.pending)

    @property
    def max_score(self) -> float:
        return round(sum(p.max_points for p in self.parts), 4)

    def score(self, *, pending_as_zero: bool = False) -> float | None:
        """The total; None while a part is pending (unless pending parts count as 0)."""
        if self.pending and not pending_as_zero:
            return None
        return round(sum(p.points or 0.0 for p in self.parts), 4)

    def part(self, part_id: str) -> PartGrade | None:
        return next((p for p in self.parts if p.part == part_id), None)


def squeeze(answer: str | None) -> str:
    """An answer with its whitespace removed (what the engine's verdict cache keys on)."""
    return "".join((answer or "").split())


def anonymous(rubric_id: str, student: str) -> str:
    """A stable label that does not show the student id: ``anon-3f2a9c``."""
    return "anon-" + hashlib.sha256(f"{rubric_id}\x00{student}".encode()).hexdigest()[:6]


def has_tables(conn: sqlite3.Connection) -> bool:
    """Whether the gradebook has the manual tables (an older read-only one may not)."""
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                       "name IN ('manual_grades', 'requests')").fetchone()
    return bool(row and row[0] == 2)


def manual_grades(conn: sqlite3.Connection, rubric_id: str) -> dict[tuple[str, str], Manual]:
    if not has_tables(conn):
        return {}
    out = {}
    for r in conn.execute(f"SELECT {', '.join(_MANUAL_COLUMNS)} FROM manual_grades "
                          "WHERE rubric_id=?", (rubric_id,)):
        m = Manual(r["student"], r["rubric_id"], r["part"], float(r["points"]), r["max_points"],
                   r["comment"] or "", r["reason"] or "", r["grader"] or "",
                   float(r["graded_at"] or 0.0), r["part_fingerprint"] or "", r["answer"],
                   r["scope"] or "student", r["group_id"] or "")
        out[(m.student, m.part)] = m
    return out


def requests(conn: sqlite3.Connection, rubric_id: str) -> list[Request]:
    if not has_tables(conn):
        return []
    return [Request(r["id"], r["student"], r["part"], r["text"], float(r["requested_at"]))
            for r in conn.execute("SELECT * FROM requests WHERE rubric_id=? ORDER BY id",
                                  (rubric_id,))]


def _stale_why(m: Manual, fingerprint: str, answer: str | None) -> str:
    if m.part_fingerprint != fingerprint:
        return "the part changed since this grade was given"
    if squeeze(m.answer) != squeeze(answer):
        return "the student's answer changed since this grade was given"
    return ""


def class_grades(conn: sqlite3.Connection, rubric_id: str, version: str) -> list[StudentGrades]:
    """Every student of one rubric version with each part as it stands, in student order."""
    meta_row = conn.execute("SELECT parts FROM rubrics WHERE rubric_id=? AND rubric_version=?",
                            (rubric_id, version)).fetchone()
    meta = json.loads(meta_row["parts"]) if meta_row else []
    order = [p["id"] for p in meta]
    manual = manual_grades(conn, rubric_id)
    reqs: dict[tuple[str, str], list[Request]] = {}
    for q in requests(conn, rubric_id):
        reqs.setdefault((q.student, q.part), []).append(q)
    rows: dict[int, dict[str, sqlite3.Row]] = {}
    for r in conn.execute("SELECT * FROM parts WHERE rubric_id=? AND rubric_version=?",
                          (rubric_id, version)):
        rows.setdefault(r["submission_id"], {})[r["part"]] = r
    out = []
    for sub in conn.execute("SELECT * FROM submissions WHERE rubric_id=? AND rubric_version=? "
                            "ORDER BY student", (rubric_id, version)).fetchall():
        have = rows.get(sub["id"], {})
        parts = []
        for p in meta:
            r = have.get(p["id"])
            if r is not None:
                g = PartGrade(sub["student"], p["id"], r["title"] or p.get("title", ""),
                              float(r["max_points"] if r["max_points"] is not None else p["points"]),
                              r["part_fingerprint"] or "", r["verdict"] or "needs_review",
                              float(r["points"] or 0.0), r["answer"], r["expected"],
                              r["method"] or "none", r["feedback"], r["diagnosis"], r["line"],
                              r["section"], r["problem"])
            elif sub["status"] in FAILED or have:
                # not graded (the worker failed), or a row missing: a person must grade it
                g = PartGrade(sub["student"], p["id"], p.get("title", ""), float(p["points"]),
                              p.get("fingerprint", ""), None, None,
                              feedback=f"not graded automatically: {sub['message'] or sub['status']}")
            else:  # an empty submission (or one with nothing to grade): 0 for every part
                g = PartGrade(sub["student"], p["id"], p.get("title", ""), float(p["points"]),
                              p.get("fingerprint", ""), "missing", 0.0,
                              feedback="No answer to this part was found.")
            g = _with_manual(g, manual.get((g.student, g.part)), reqs.get((g.student, g.part), []))
            parts.append(g)
        parts.sort(key=lambda g: order.index(g.part))
        out.append(StudentGrades(sub["student"], sub["id"], sub["status"], sub["message"] or "",
                                 sub["file"] or "", tuple(parts)))
    return out


def _with_manual(g: PartGrade, m: Manual | None, reqs: list[Request]) -> PartGrade:
    if m is not None:
        why = _stale_why(m, g.fingerprint, g.answer)
        g = replace(g, stale=m, stale_why=why) if why else replace(g, manual=m)
    after = g.manual.graded_at if g.manual is not None else float("-inf")
    return replace(g, requests=tuple(q for q in reqs if q.requested_at > after))


def grades_for(conn: sqlite3.Connection, rubric_id: str, version: str,
               student: str) -> StudentGrades | None:
    return next((s for s in class_grades(conn, rubric_id, version) if s.student == student), None)


def manual_verdict(points: float, max_points: float) -> str:
    if points >= max_points:
        return "correct"
    return "incorrect" if points <= 0 else "partial"


def part_result(g: PartGrade) -> PartResult:
    """The part as a report shows it: a manual grade with method ``manual``, pending as such."""
    loc = Location(g.line, g.section)
    base = PartResult(id=g.part, title=g.title, points=g.auto_points or 0.0,
                      max_points=g.max_points, verdict=g.verdict or "needs_review",
                      answer=g.answer, location=loc, expected=g.expected, method=g.method,
                      feedback=g.feedback, diagnosis=g.diagnosis, problem=g.problem)
    if g.manual is not None:
        m = g.manual
        feedback = m.comment or (g.feedback if m.points == g.auto_points else None)
        return replace(base, points=m.points, verdict=manual_verdict(m.points, g.max_points),
                       method="manual", feedback=feedback or None, diagnosis=None)
    if g.pending:
        return replace(base, points=0.0, verdict="needs_review")
    return base


def report(conn: sqlite3.Connection, grades: StudentGrades, *, rubric_id: str,
           version: str) -> Report:
    """The student's Report with manual grades applied (for feedback and exports)."""
    sub = conn.execute("SELECT file, warnings FROM submissions WHERE id=?",
                       (grades.submission_id,)).fetchone()
    title = conn.execute("SELECT title FROM rubrics WHERE rubric_id=? AND rubric_version=?",
                         (rubric_id, version)).fetchone()
    return Report(submission=(sub["file"] if sub else "") or grades.student, rubric=rubric_id,
                  parts=tuple(part_result(p) for p in grades.parts),
                  warnings=tuple(json.loads(sub["warnings"] or "[]")) if sub else (),
                  rubric_version=version, title=title["title"] if title else "")


# --- writing ---------------------------------------------------------------------------------

def resolve_rubric(conn: sqlite3.Connection, rubric_id: str | None = None,
                   version: str | None = None) -> tuple[str, str]:
    row = latest_rubric(conn, rubric_id, version)
    if row is None:
        raise InputError("the gradebook holds no results" +
                         (f" for rubric {rubric_id}" if rubric_id else ""))
    return row["rubric_id"], row["rubric_version"]


def find_student(grades: Iterable[StudentGrades], name: str, rubric_id: str) -> StudentGrades:
    """The student named by id or by anonymous label; InputError otherwise."""
    everyone = list(grades)
    for s in everyone:
        if s.student == name or anonymous(rubric_id, s.student) == name:
            return s
    raise InputError(f"no student {name!r} in the gradebook for {rubric_id}")


def _check_points(points: float, g: PartGrade) -> float:
    try:
        value = float(points)
    except (TypeError, ValueError):
        raise InputError(f"points {points!r} is not a number") from None
    if not (0.0 <= value <= g.max_points) or value != value:
        raise InputError(f"points for {g.part} must be between 0 and {g.max_points:g}, "
                         f"not {points}")
    return round(value, 4)


def set_grades(conn: sqlite3.Connection, items: Iterable[tuple[PartGrade, float, str, str]], *,
               rubric_id: str, grader: str, scope: str = "student", group_id: str = "",
               action: str = "set", graders: dict[tuple[str, str], str] | None = None,
               now: float | None = None) -> int:
    """Record manual grades ``(part grade, points, comment, reason)`` in one transaction.

    Points that differ from a grade the engine decided need a reason (``InputError``
    otherwise); nothing is written unless every item is valid. ``graders`` names who gave a
    grade per (student, part) when it is not ``grader`` (an import). Returns how many were
    written.
    """
    at = time.time() if now is None else now
    rows = []
    for g, points, comment, reason in items:
        value = _check_points(points, g)
        decided = g.verdict is not None and g.verdict not in PENDING_VERDICTS
        if decided and value != g.auto_points and not reason.strip():
            raise InputError(f"{g.part} of {g.student} was graded automatically "
                             f"({g.auto_points:g} / {g.max_points:g}, {g.verdict}): "
                             "give a reason to override it")
        who = (graders or {}).get((g.student, g.part)) or grader
        rows.append((g.student, rubric_id, g.part, value, g.max_points, comment.strip(),
                     reason.strip(), who, at, g.fingerprint, g.answer, scope, group_id))
    if not rows:
        return 0
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT OR REPLACE INTO manual_grades ({', '.join(_MANUAL_COLUMNS)}) "
                         f"VALUES ({','.join('?' * len(_MANUAL_COLUMNS))})", rows)
        conn.executemany("INSERT INTO manual_log (action, student, rubric_id, part, points, "
                         "comment, reason, grader, at, part_fingerprint, answer, scope, group_id) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         [(action, r[0], *r[1:4], *r[5:]) for r in rows])
    return len(rows)


def clear_grade(conn: sqlite3.Connection, g: PartGrade, *, rubric_id: str, grader: str,
                reason: str = "") -> bool:
    """Remove the manual grade of one part (logged); False when there was none."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        n = conn.execute("DELETE FROM manual_grades WHERE student=? AND rubric_id=? AND part=?",
                         (g.student, rubric_id, g.part)).rowcount
        if n:
            conn.execute("INSERT INTO manual_log (action, student, rubric_id, part, reason, "
                         "grader, at, part_fingerprint, answer) VALUES (?,?,?,?,?,?,?,?,?)",
                         ("clear", g.student, rubric_id, g.part, reason, grader, time.time(),
                          g.fingerprint, g.answer))
    return bool(n)


def add_request(conn: sqlite3.Connection, g: PartGrade, text: str, *, rubric_id: str,
                now: float | None = None) -> int:
    """Record a student's regrade request; it stays open until the part is graded by hand."""
    text = " ".join(text.split())
    if not text:
        raise InputError("a regrade request needs its text")
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        cur = conn.execute("INSERT INTO requests (student, rubric_id, part, text, requested_at) "
                           "VALUES (?,?,?,?,?)", (g.student, rubric_id, g.part, text[:4000],
                                                  time.time() if now is None else now))
    return int(cur.lastrowid or 0)


def log(conn: sqlite3.Connection, rubric_id: str) -> list[dict[str, Any]]:
    """The audit trail of manual grading, oldest first."""
    if not has_tables(conn):
        return []
    return [dict(r) for r in conn.execute("SELECT * FROM manual_log WHERE rubric_id=? ORDER BY id",
                                          (rubric_id,))]
