"""Feedback files per student, rendered from the gradebook (so resumed students get them too).

Each student gets ``<student>.md`` and ``<student>.html`` (math typeset as MathML, offline).
The grades are the ones that stand (``grader.batch.manual``): a person's grade and comment where
one was given, and parts still waiting for a person marked as pending, not as 0.
``show_expected=False`` leaves the expected answers out of the HTML (a student view).
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

from grader.batch.gradebook import GRADED
from grader.batch.manual import grades_for, report
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


def _renderer(name: str = "render_markdown") -> Callable[..., str] | None:
    try:
        mod = importlib.import_module("grader.report")
        fn = getattr(mod, name, None)
        return fn if callable(fn) else None
    except Exception:  # noqa: BLE001 - a renderer being written must not break a batch
        return None


def _write(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".fb-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)


def student_report(conn: sqlite3.Connection, *, rubric_id: str, version: str,
                   student: str) -> tuple[Report, str, str] | None:
    """The student's report as it stands, with the submission's status and message."""
    grades = grades_for(conn, rubric_id, version, student)
    if grades is None:
        return None
    return report(conn, grades, rubric_id=rubric_id, version=version), grades.status, grades.message


def feedback_html(rep: Report, *, student: str, status: str, message: str,
                  show_expected: bool = True) -> str:
    """The HTML feedback page; a submission the engine could not grade still lists its parts."""
    render = _renderer("render_html")
    if render is None:
        from html import escape

        body = escape(render_markdown(rep, student=student, status=status, message=message))
        return f"<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<pre>{body}</pre>\n"
    return render(rep, student=student, show_expected=show_expected)


def write_feedback(conn: sqlite3.Connection, out_dir: str | Path, *, rubric_id: str,
                   version: str, students: Iterable[str], show_expected: bool = True,
                   formats: tuple[str, ...] = ("md", "html")) -> int:
    """Write ``<student>.md`` and ``.html`` for each student with a row under this version."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    render = _renderer()
    written = 0
    for student in students:
        got = student_report(conn, rubric_id=rubric_id, version=version, student=student)
        if got is None:
            continue
        rep, status, message = got
        graded_by_hand = any(p.method == "manual" and p.verdict != "needs_review"
                             for p in rep.parts)
        if "md" in formats:
            text = None
            if render is not None and (status in GRADED or graded_by_hand):
                try:
                    text = render(rep)
                except Exception:  # noqa: BLE001 - fall back to the simple rendering
                    text = None
            if text is None:
                text = render_markdown(rep, student=student, status=status, message=message)
            _write(out / f"{safe_name(student)}.md", text)
        if "html" in formats:
            _write(out / f"{safe_name(student)}.html",
                   feedback_html(rep, student="", status=status, message=message,
                                 show_expected=show_expected))
        written += 1
    return written


def rewrite_feedback(gradebook: str | Path, out_dir: str | Path, *, rubric_id: str | None = None,
                     version: str | None = None, show_expected: bool = True) -> int:
    """Write every student's feedback files again, with the grades as they stand now."""
    from grader.batch.export import _open, _rubric

    conn = _open(gradebook)
    try:
        rub = _rubric(conn, rubric_id, version)
        students = [r["student"] for r in conn.execute(
            "SELECT student FROM submissions WHERE rubric_id=? AND rubric_version=? ORDER BY student",
            (rub["rubric_id"], rub["rubric_version"]))]
        return write_feedback(conn, out_dir, rubric_id=rub["rubric_id"],
                              version=rub["rubric_version"], students=students,
                              show_expected=show_expected)
    finally:
        conn.close()
