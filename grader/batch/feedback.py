"""One feedback file per student, rendered from the gradebook (so resumed students get one too).

Uses ``grader.report.render_markdown(report)`` when that renderer exists, else a simple
markdown rendering of its own: per part the verdict, points, feedback, the student's answer and
the expected one.
"""

from __future__ import annotations

import importlib
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from grader.batch.gradebook import GRADED, report_for
from grader.model import Report


def safe_name(student: str) -> str:
    """A file name for a student id that cannot leave the folder it is written to."""
    name = re.sub(r"[^A-Za-z0-9._@+-]+", "_", student).strip("._") or "student"
    return name[:120]


def _fmt(x: float) -> str:
    return f"{x:g}"


def render_markdown(report: Report, *, student: str = "", status: str = "ok",
                    message: str = "") -> str:
    """A plain markdown feedback page for one student."""
    head = f"# {report.title or report.rubric}: feedback for {student or report.submission}\n"
    if status not in GRADED:
        reason = {"timeout": "grading took longer than the time limit",
                  "memory": "grading needed more memory than allowed",
                  "empty": "the submission is empty",
                  }.get(status, "the submission could not be read or graded")
        return (head + f"\nYour submission was not graded automatically: {reason}.\n\n"
                f"> {message}\n\nAn instructor will look at it.\n")
    lines = [head, f"**Score: {_fmt(report.score)} / {_fmt(report.max_score)}**"]
    for p in report.parts:
        lines.append(f"\n## {p.id}{': ' + p.title if p.title else ''}\n")
        lines.append(f"- Verdict: **{p.verdict}** ({_fmt(p.points)} / {_fmt(p.max_points)} points)")
        lines.append(f"- Your answer: {'`' + p.answer + '`' if p.answer else '(none found)'}")
        if p.expected:
            lines.append(f"- Expected: `{p.expected}`")
        if p.feedback:
            lines.append(f"- Feedback: {p.feedback}")
    if report.warnings:
        lines.append("\n## Notes\n")
        lines += [f"- {w}" for w in report.warnings]
    return "\n".join(lines) + "\n"


def _renderer() -> Callable[[Report], str] | None:
    try:
        mod = importlib.import_module("grader.report")
        fn = getattr(mod, "render_markdown", None)
        return fn if callable(fn) else None
    except Exception:  # noqa: BLE001 - a renderer being written must not break a batch
        return None


def write_feedback(conn: sqlite3.Connection, out_dir: str | Path, *, rubric_id: str,
                   version: str, students: Iterable[str]) -> int:
    """Write ``<student>.md`` for each student with a row under this rubric version."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    render = _renderer()
    written = 0
    for student in students:
        row = conn.execute("SELECT id, status, message FROM submissions WHERE student=? AND "
                           "rubric_id=? AND rubric_version=?", (student, rubric_id, version)).fetchone()
        if row is None:
            continue
        report = report_for(conn, row["id"])
        text = None
        if render is not None and row["status"] in GRADED:
            try:
                text = render(report)
            except Exception:  # noqa: BLE001 - fall back to the simple rendering
                text = None
        if text is None:
            text = render_markdown(report, student=student, status=row["status"],
                                   message=row["message"] or "")
        target = out / f"{safe_name(student)}.md"
        fd, tmp = tempfile.mkstemp(dir=out, prefix=".fb-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
        written += 1
    return written
