"""The markdown report (the per-student feedback file of a batch): a title, the score, a table per
problem, then a section per part with the student's answer beside the expected one.

Student text goes through two escapes. Prose is backslash-escaped so that it can neither start
markdown structure nor raw HTML (``<script>`` shows as text). LaTeX inside ``$...$`` is rewritten
into equivalent LaTeX that markdown leaves alone: ``|`` becomes ``\\vert``, ``\\|`` becomes
``\\Vert``, ``<``/``>`` become ``\\lt``/``\\gt``, and newlines become spaces, so a table row
cannot be split or a tag opened by an answer.
"""

from __future__ import annotations

import re

from grader.model import PartResult, Report
from grader.report._common import (
    TITLE_WIDTH,
    caret,
    fmt_number,
    fmt_points,
    fmt_total,
    group_parts,
    needs_detail,
    one_line,
    pending_parts,
    strip_controls,
    truncate,
)

#: Answers longer than this (either of the two) are shown as display blocks, not a table.
_SIDE_BY_SIDE = 80
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#!~&$])")
_LATEX_SWAP = {"|": r"\vert ", "<": r"\lt ", ">": r"\gt ", "$": r"\$"}
_EMPTY = "_(none found)_"


def md_text(s: str) -> str:
    """Plain text made inert for markdown, on one line (safe in a table cell too)."""
    return _MD_SPECIAL.sub(r"\\\1", strip_controls(one_line(s)))


def md_latex(s: str) -> str:
    """LaTeX rewritten so it survives inside ``$...$`` in markdown, table cells included."""
    src = strip_controls(one_line(s))
    out: list[str] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            # A backslash is consumed with the character after it, so "\\|" stays a line
            # break followed by a bar while "\|" is read as the norm bars.
            nxt = src[i + 1] if i + 1 < len(src) else ""
            if nxt == "|":
                out.append(r"\Vert ")
            elif nxt in ("<", ">"):
                out.append(_LATEX_SWAP[nxt])
            elif nxt:
                out.append(ch + nxt)
            else:  # a trailing lone backslash would escape the closing "$"
                out.append(r"\backslash ")
            i += 2
            continue
        out.append(_LATEX_SWAP.get(ch, ch))
        i += 1
    return "".join(out).strip()


def _math(s: str | None) -> str:
    return f"${md_latex(s)}$" if s and s.strip() else _EMPTY


def _display(s: str | None) -> list[str]:
    return ["$$", md_latex(s), "$$"] if s and s.strip() else [_EMPTY]


def _points(part: PartResult) -> str:
    """``1.5 / 4``; ``– / 4 (pending)`` for a part waiting for a person."""
    if part.verdict == "needs_review":
        return f"– / {fmt_number(part.max_points)} (pending)"
    return fmt_points(part.points, part.max_points)


def _waiting(report: Report) -> str:
    waiting = pending_parts(report)
    if not waiting:
        return ""
    n = len(waiting)
    return (f" · {fmt_number(sum(p.max_points for p in waiting))} points in {n} "
            f"part{'s' if n != 1 else ''} still to be graded by a person")


def _summary_table(parts: tuple[PartResult, ...]) -> list[str]:
    lines = ["| Part | Title | Points | Verdict |", "| --- | --- | ---: | --- |"]
    for p in parts:
        lines.append(f"| {md_text(p.id)} | "
                     f"{md_text(truncate(one_line(p.title), TITLE_WIDTH))} | "
                     f"{_points(p)} | {md_text(p.verdict)} |")
    return lines


def _answers(part: PartResult) -> list[str]:
    longest = max(len(one_line(part.answer or "")), len(one_line(part.expected or "")))
    if longest <= _SIDE_BY_SIDE:
        return ["| Your answer | Expected |", "| --- | --- |",
                f"| {_math(part.answer)} | {_math(part.expected)} |"]
    return ["**Your answer**", "", *_display(part.answer), "",
            "**Expected**", "", *_display(part.expected)]


def _section(part: PartResult) -> list[str]:
    title = f"{md_text(part.id)}: {md_text(part.title)}" if part.title.strip() else md_text(part.id)
    verdict = md_text(part.verdict)
    if part.diagnosis:
        verdict += f" ({md_text(part.diagnosis)})"
    where = f" · line {part.location.line}" if part.location.line is not None else ""
    lines = [f"### {title}", "",
             f"**{verdict}** ({_points(part)} points){where}", ""]
    if needs_detail(part) or part.answer is None:
        lines += [*_answers(part), ""]
    else:
        lines += [f"Your answer: {_math(part.answer)}", ""]
    pointed = caret(part)
    if pointed is not None:
        fence = "~~~~"
        lines += ["The grader could not read your answer here:", "", fence, pointed[0].replace(fence, "~ ~"), pointed[1], fence, ""]
    if part.feedback:
        lines += [f"**Feedback:** {md_text(part.feedback)}", ""]
    if part.alternatives:
        lines += ["**Other answers found in your submission:**", ""]
        lines += [f"- {_math(alt)}" for alt in part.alternatives]
        lines.append("")
    if part.steps:
        lines += ["**Steps:**", ""]
        lines += [f"- {md_text(step)}" for step in part.steps]
        lines.append("")
    return lines


def render_markdown(report: Report, *, student: str = "") -> str:
    """The report as markdown; ``student`` (a name or id) goes in the title when given."""
    name = report.title or report.rubric
    title = f"# {md_text(name)}"
    if student:
        title += f": feedback for {md_text(student)}"
    lines = [title, "",
             f"**Score: {fmt_total(report.score, report.max_score)}**{_waiting(report)} · "
             f"submission {md_text(report.submission)} · rubric {md_text(report.rubric)}"
             + (f" (version {md_text(report.rubric_version)})" if report.rubric_version else ""),
             ""]
    groups = group_parts(report)
    if not groups:
        lines += ["No parts were graded.", ""]
    for group in groups:
        lines += [f"## {md_text(group.label)} · {fmt_total(group.score, group.max_score)}", ""]
        lines += [*_summary_table(group.parts), ""]
        for part in group.parts:
            lines += _section(part)
    if report.warnings:
        lines += ["## Notes", ""]
        lines += [f"- {md_text(w)}" for w in report.warnings]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
