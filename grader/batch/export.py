"""Gradebook to CSV (for a spreadsheet, Canvas or Moodle) and to JSON.

CSV layouts (one row per student, students in id order, one rubric version):

``default``  ``student,total,<part id>...,status`` -- points per part; ``total`` is empty when
             the submission could not be graded (timeout, memory, error: needs a person) and 0
             for an empty submission.
``canvas``   ``Student,ID,SIS User ID,SIS Login ID,Section,<Assignment> `` -- what Canvas's
             Grades > Import accepts: Student is the name (manifest ``name``, else the id), ID
             the Canvas user id (the student id, which is the Canvas user id for Canvas
             downloads), SIS User ID / Section from the manifest, and one assignment column
             holding the total. Name that column ``"HW 2 (12345)"`` with ``assignment=`` to
             update Canvas assignment 12345; without an id Canvas creates a new assignment.
``moodle``   ``ID number,Email address,Full name,<Assignment>,Feedback`` -- Moodle's grade
             import maps a user by ``ID number`` or ``Email address`` (choose in its import
             form) and a column to a grade item; ``Feedback`` can be mapped to the item's
             feedback. ID number is the manifest ``sis_id``, else the student id.

Text cells starting with ``= + - @`` are prefixed with ``'`` so that a spreadsheet does not run
them as formulas. JSON: ``{"rubric", "rubric_version", "title", "parts": [...], "students":
[{"student", "file", "status", "message", "score", "max_score", "sha256", "parts": [part
objects as in ``grade --format json``]}]}``.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any, Literal

from grader.batch.gradebook import GRADED, connect, latest_rubric, report_for
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


def rows(conn: sqlite3.Connection, rubric_id: str, version: str) -> list[dict[str, Any]]:
    """Every student of one rubric version, with their parts (as JSON-ready dicts)."""
    out = []
    students = {r["student"]: r for r in conn.execute("SELECT * FROM students")}
    for sub in conn.execute("SELECT * FROM submissions WHERE rubric_id=? AND rubric_version=? "
                            "ORDER BY student", (rubric_id, version)).fetchall():
        info = students.get(sub["student"])
        report = report_for(conn, sub["id"])
        out.append({
            "student": sub["student"], "file": sub["file"], "status": sub["status"],
            "message": sub["message"], "score": sub["score"], "max_score": sub["max_score"],
            "sha256": sub["sha256"], "seconds": sub["seconds"],
            "name": info["name"] if info else "", "email": info["email"] if info else "",
            "sis_id": info["sis_id"] if info else "", "section": info["section"] if info else "",
            "parts": [p.to_json() for p in report.parts],
        })
    return out


def csv_text(conn: sqlite3.Connection, *, layout: str = "default", rubric_id: str | None = None,
             version: str | None = None, assignment: str | None = None) -> str:
    if layout not in LAYOUTS:
        raise InputError(f"unknown CSV layout {layout!r}: choose from {', '.join(LAYOUTS)}")
    rub = _rubric(conn, rubric_id, version)
    part_ids = [p["id"] for p in json.loads(rub["parts"])]
    title = assignment or rub["title"] or rub["rubric_id"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    students = rows(conn, rub["rubric_id"], rub["rubric_version"])
    if layout == "default":
        w.writerow(["student", "total", *part_ids, "status"])
        for s in students:
            pts = {p["id"]: p["points"] for p in s["parts"]}
            w.writerow([_cell(s["student"]), _num(s["score"]),
                        *(_num(pts.get(pid)) for pid in part_ids), s["status"]])
    elif layout == "canvas":
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title])
        for s in students:
            w.writerow([_cell(s["name"] or s["student"]), _cell(s["student"]), _cell(s["sis_id"]),
                        "", _cell(s["section"]), _num(s["score"])])
    else:
        w.writerow(["ID number", "Email address", "Full name", title, "Feedback"])
        for s in students:
            note = "" if s["status"] in GRADED else f"{s['status']}: {s['message'] or ''}"
            w.writerow([_cell(s["sis_id"] or s["student"]), _cell(s["email"]),
                        _cell(s["name"] or s["student"]), _num(s["score"]), _cell(note)])
    return buf.getvalue()


def json_data(conn: sqlite3.Connection, *, rubric_id: str | None = None,
              version: str | None = None) -> dict[str, Any]:
    rub = _rubric(conn, rubric_id, version)
    return {"rubric": rub["rubric_id"], "rubric_version": rub["rubric_version"],
            "title": rub["title"], "parts": json.loads(rub["parts"]),
            "students": rows(conn, rub["rubric_id"], rub["rubric_version"])}


def export(gradebook: str | Path, *, to: Literal["csv", "json"] = "csv",
           out: str | Path | None = None, layout: str = "default", rubric_id: str | None = None,
           version: str | None = None, assignment: str | None = None) -> str:
    """Export one rubric version of the gradebook; writes ``out`` if given, returns the text."""
    conn = _open(gradebook)
    try:
        if to == "csv":
            text = csv_text(conn, layout=layout, rubric_id=rubric_id, version=version,
                            assignment=assignment)
        elif to == "json":
            text = json.dumps(json_data(conn, rubric_id=rubric_id, version=version), indent=2) + "\n"
        else:
            raise InputError(f"unknown export format {to!r}: choose csv or json")
    finally:
        conn.close()
    if out is not None and str(out) != "-":
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")  # no BOM: it would rename Moodle's first column
    return text
