"""Gradebook to CSV (for a spreadsheet, Canvas or Moodle) and to JSON.

CSV layouts (one row per student, students in id order, one rubric version):

``default``  ``student,total,<part id>...,status,pending`` -- points per part, a person's grade
             where one was given (``grader.batch.manual``); a part still waiting for a person is
             empty, ``pending`` counts them, and ``total`` is empty while any is pending (so an
             LMS import never takes a partial sum for a grade). A submission that could not be
             graded (timeout, memory, error) is pending in every part; an empty one is 0.
             ``pending_as_zero=True`` (``--pending-as-zero``) counts pending parts as 0.
``canvas``   ``Student,ID,SIS User ID,SIS Login ID,Section,<Assignment> `` -- what Canvas's
             Grades > Import accepts: Student is the name (manifest ``name``, else the id), ID
             the Canvas user id (the student id, which is the Canvas user id for Canvas
             downloads), SIS User ID / Section from the manifest, and one assignment column
             holding the total (empty while parts are pending). Name that column ``"HW 2 (12345)"`` with ``assignment=`` to
             update Canvas assignment 12345; without an id Canvas creates a new assignment.
``moodle``   ``ID number,Email address,Full name,<Assignment>,Feedback`` -- Moodle's grade
             import maps a user by ``ID number`` or ``Email address`` (choose in its import
             form) and a column to a grade item; ``Feedback`` can be mapped to the item's
             feedback. ID number is the manifest ``sis_id``, else the student id; the grade is empty
             and the feedback says how many parts wait for review while any is pending.

Text cells starting with ``= + - @`` are prefixed with ``'`` so that a spreadsheet does not run
them as formulas. JSON: ``{"rubric", "rubric_version", "title", "parts": [...], "students":
[{"student", "file", "status", "message", "score", "max_score", "sha256", "parts": [part
objects as in ``grade --format json``]}]}``; ``score`` and a part's ``points`` are null while
pending, and each part adds ``pending``, ``state`` (auto | manual | pending | flagged),
``auto_points`` and ``manual`` (who, when, why, or null).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any, Literal

from grader.batch.gradebook import GRADED, connect, latest_rubric
from grader.batch.manual import PartGrade, class_grades, part_result
from grader.errors import InputError

LAYOUTS = ("default", "canvas", "moodle")


def _cell(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _open(gradebook: str | Path) -> sqlite3.Connection:
    if not Path(gradebook).exists():
        raise InputError(f"{gradebook}: no such gradebook")
    try:
        return connect(gradebook, readonly=True)
    except sqlite3.Error as exc:
        raise InputError(f"{gradebook}: not a gradebook ({exc})") from None


def _rubric(conn: sqlite3.Connection, rubric_id: str | None, version: str | None) -> sqlite3.Row:
    try:
        row = latest_rubric(conn, rubric_id, version)
    except sqlite3.Error as exc:
        raise InputError(f"not a gradebook ({exc})") from None
    if row is None:
        raise InputError("the gradebook holds no results" +
                         (f" for rubric {rubric_id}" if rubric_id else ""))
    return row


def _part_json(g: PartGrade, pending_as_zero: bool) -> dict[str, Any]:
    out = part_result(g).to_json()
    pts = g.points
    out["points"] = 0.0 if pts is None and pending_as_zero else pts
    m = g.manual
    out.update(pending=g.pending, state=g.state, auto_points=g.auto_points,
               manual=None if m is None else {"points": m.points, "comment": m.comment,
                                             "reason": m.reason, "grader": m.grader,
                                             "graded_at": m.graded_at, "scope": m.scope})
    if g.stale is not None:
        out["flagged"] = g.stale_why
    return out


def rows(conn: sqlite3.Connection, rubric_id: str, version: str, *,
         pending_as_zero: bool = False) -> list[dict[str, Any]]:
    """Every student of one rubric version, with their parts as they stand (JSON-ready dicts)."""
    out = []
    students = {r["student"]: r for r in conn.execute("SELECT * FROM students")}
    subs = {r["id"]: r for r in conn.execute("SELECT * FROM submissions WHERE rubric_id=? AND "
                                             "rubric_version=?", (rubric_id, version))}
    for g in class_grades(conn, rubric_id, version):
        sub = subs[g.submission_id]
        info = students.get(g.student)
        out.append({
            "student": g.student, "file": sub["file"], "status": sub["status"],
            "message": sub["message"], "score": g.score(pending_as_zero=pending_as_zero),
            "max_score": sub["max_score"] if sub["max_score"] is not None else g.max_score,
            "pending": g.pending, "auto_score": sub["score"],
            "sha256": sub["sha256"], "seconds": sub["seconds"],
            "name": info["name"] if info else "", "email": info["email"] if info else "",
            "sis_id": info["sis_id"] if info else "", "section": info["section"] if info else "",
            "parts": [_part_json(p, pending_as_zero) for p in g.parts],
        })
    return out


def csv_text(conn: sqlite3.Connection, *, layout: str = "default", rubric_id: str | None = None,
             version: str | None = None, assignment: str | None = None,
             pending_as_zero: bool = False) -> str:
    if layout not in LAYOUTS:
        raise InputError(f"unknown CSV layout {layout!r}: choose from {', '.join(LAYOUTS)}")
    rub = _rubric(conn, rubric_id, version)
    part_ids = [p["id"] for p in json.loads(rub["parts"])]
    title = assignment or rub["title"] or rub["rubric_id"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    students = rows(conn, rub["rubric_id"], rub["rubric_version"], pending_as_zero=pending_as_zero)
    if layout == "default":
        w.writerow(["student", "total", *part_ids, "status", "pending"])
        for s in students:
            pts = {p["id"]: p["points"] for p in s["parts"]}
            w.writerow([_cell(s["student"]), _num(s["score"]),
                        *(_num(pts.get(pid)) for pid in part_ids), s["status"], s["pending"]])
    elif layout == "canvas":
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title])
        for s in students:
            w.writerow([_cell(s["name"] or s["student"]), _cell(s["student"]), _cell(s["sis_id"]),
                        "", _cell(s["section"]), _num(s["score"])])
    else:
        w.writerow(["ID number", "Email address", "Full name", title, "Feedback"])
        for s in students:
            note = "" if s["status"] in GRADED else f"{s['status']}: {s['message'] or ''}"
            if s["pending"] and not pending_as_zero:
                waits = f"{s['pending']} part{'s' if s['pending'] != 1 else ''} awaiting review"
                note = f"{note}; {waits}" if note else waits
            w.writerow([_cell(s["sis_id"] or s["student"]), _cell(s["email"]),
                        _cell(s["name"] or s["student"]), _num(s["score"]), _cell(note)])
    return buf.getvalue()


def json_data(conn: sqlite3.Connection, *, rubric_id: str | None = None,
              version: str | None = None, pending_as_zero: bool = False) -> dict[str, Any]:
    rub = _rubric(conn, rubric_id, version)
    return {"rubric": rub["rubric_id"], "rubric_version": rub["rubric_version"],
            "title": rub["title"], "parts": json.loads(rub["parts"]),
            "students": rows(conn, rub["rubric_id"], rub["rubric_version"],
                             pending_as_zero=pending_as_zero)}


def export(gradebook: str | Path, *, to: Literal["csv", "json"] = "csv",
           out: str | Path | None = None, layout: str = "default", rubric_id: str | None = None,
           version: str | None = None, assignment: str | None = None,
           pending_as_zero: bool = False) -> str:
    """Export one rubric version of the gradebook; writes ``out`` if given, returns the text."""
    conn = _open(gradebook)
    try:
        if to == "csv":
            text = csv_text(conn, layout=layout, rubric_id=rubric_id, version=version,
                            assignment=assignment, pending_as_zero=pending_as_zero)
        elif to == "json":
            data = json_data(conn, rubric_id=rubric_id, version=version,
                             pending_as_zero=pending_as_zero)
            text = json.dumps(data, indent=2) + "\n"
        else:
            raise InputError(f"unknown export format {to!r}: choose csv or json")
    finally:
        conn.close()
    if out is not None and str(out) != "-":
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")  # no BOM: it would rename Moodle's first column
    return text
