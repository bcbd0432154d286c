"""The plain-text report for a terminal: a header, a table per problem, details for every part
that is not fully correct, and the warnings.

Only ASCII is used for the layout; student text is shown as written, but flattened to one line
and with control characters replaced so that a submission cannot drive the terminal. Column
widths come from the content, so the same report always gives the same bytes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from grader.model import PartResult, Report
from grader.report._common import (
    LATEX_WIDTH,
    TITLE_WIDTH,
    ProblemGroup,
    caret,
    display_width,
    fmt_number,
    fmt_total,
    group_parts,
    needs_detail,
    one_line,
    pad,
    strip_controls,
    truncate,
)

#: ANSI colour per verdict, used only with ``color=True``.
_COLORS = {
    "correct": "32",  # green
    "partial": "33",  # yellow
    "incorrect": "31",  # red
    "missing": "31",
    "unparsed": "35",  # magenta
    "needs_review": "36",  # cyan
}
_WRAP = 100
_INDENT = "    "


def _clean(s: str) -> str:
    return strip_controls(one_line(s))


def _latex(s: str | None, missing: str) -> str:
    return truncate(_clean(s), LATEX_WIDTH) if s else missing


def _paint(s: str, code: str | None, color: bool) -> str:
    return f"\x1b[{code}m{s}\x1b[0m" if color and code else s


def _bold(s: str, color: bool) -> str:
    return _paint(s, "1", color)


def _wrap(label: str, body: str, indent: str) -> list[str]:
    """``label body`` wrapped at the report width, continuation lines under the body."""
    hang = indent + " " * len(label)
    return textwrap.wrap(_clean(body), width=_WRAP, initial_indent=indent + label,
                         subsequent_indent=hang, break_long_words=True,
                         break_on_hyphens=False) or [indent + label.rstrip()]


def _points_cells(parts: Sequence[PartResult]) -> list[str]:
    """``x / y`` with the slashes lined up down the column."""
    got = [fmt_number(p.points) for p in parts]
    out = [fmt_number(p.max_points) for p in parts]
    wg = max(len(g) for g in got)
    return [f"{g.rjust(wg)} / {o}" for g, o in zip(got, out, strict=True)]


def _table(group: ProblemGroup, color: bool) -> list[str]:
    header = ("Part", "Title", "Points", "Verdict", "Line")
    points = _points_cells(group.parts)
    rows = [
        (
            _clean(p.id),
            truncate(_clean(p.title), TITLE_WIDTH),
            pts,
            _clean(p.verdict),
            str(p.location.line) if p.location.line is not None else "-",
        )
        for p, pts in zip(group.parts, points, strict=True)
    ]
    widths = [max(display_width(r[i]) for r in (header, *rows)) for i in range(len(header))]
    right = (False, False, False, False, True)

    def line(cells: Sequence[str], verdict: str | None = None) -> str:
        out = []
        for i, cell in enumerate(cells):
            padded = pad(cell, widths[i], right=right[i])
            if i == 3 and verdict is not None:
                padded = _paint(padded, _COLORS.get(verdict), color)
            out.append(padded)
        return ("  " + "  ".join(out)).rstrip()

    lines = [line(header), line(["-" * w for w in widths])]
    lines += [line(row, p.verdict) for row, p in zip(rows, group.parts, strict=True)]
    return lines


def _details(part: PartResult, color: bool) -> list[str]:
    verdict = _clean(part.verdict)
    if part.diagnosis:
        verdict += f" ({_clean(part.diagnosis)})"
    where = f", line {part.location.line}" if part.location.line is not None else ""
    head = f"  {_clean(part.id)}: {_paint(verdict, _COLORS.get(part.verdict), color)}"
    lines = [f"{head} - {fmt_number(part.points)} / {fmt_number(part.max_points)} points{where}"]
    if part.feedback:
        lines += _wrap("Feedback: ", part.feedback, _INDENT)
    lines.append(f"{_INDENT}Answer:   {_latex(part.answer, '(none found)')}")
    pointed = caret(part)
    if pointed is not None:
        lines += [f"{_INDENT}          {_clean(pointed[0])}", f"{_INDENT}          {pointed[1]}"]
    lines.append(f"{_INDENT}Expected: {_latex(part.expected, '(not given)')}")
    if part.alternatives:
        lines.append(f"{_INDENT}Other answers found:")
        lines += [f"{_INDENT}  - {_latex(alt, '(empty)')}" for alt in part.alternatives]
    if part.steps:
        lines.append(f"{_INDENT}Steps:")
        for step in part.steps:
            lines += _wrap("- ", step, _INDENT + "  ")
    return lines


def render_text(report: Report, *, color: bool = False) -> str:
    """The report as plain text; ``color=True`` adds ANSI colours for a terminal."""
    rubric = _clean(report.rubric)
    if report.rubric_version:
        rubric += f" (version {_clean(report.rubric_version)})"
    if report.title:
        rubric += f" - {_clean(report.title)}"
    lines = [
        f"Submission: {_clean(report.submission)}",
        f"Rubric:     {rubric}",
        _bold(f"Score:      {fmt_total(report.score, report.max_score)}", color),
    ]
    if not report.parts:
        lines += ["", "No parts were graded."]
    for group in group_parts(report):
        lines += ["", _bold(f"{_clean(group.label)}  "
                            f"[{fmt_total(group.score, group.max_score)}]", color)]
        lines += _table(group, color)
        for part in group.parts:
            if needs_detail(part):
                lines += ["", *_details(part, color)]
    if report.warnings:
        lines += ["", _bold("Warnings", color)]
        for warning in report.warnings:
            lines += _wrap("- ", warning, "  ")
    return "\n".join(lines) + "\n"
