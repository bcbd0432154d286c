"""What every report format shares: number and percent formatting, grouping parts by problem,
flattening and truncating LaTeX to one line, and measuring text the way a terminal shows it.

Nothing here knows about a particular output format; each renderer escapes for its own medium.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from grader.model import PartResult, Report

#: How long a LaTeX answer may be on one line of a text report before it is cut.
LATEX_WIDTH = 100
#: How long a part title may be in a summary table.
TITLE_WIDTH = 40

_WS = re.compile(r"\s+")
# C0/C1 controls (ESC among them) would let a submission drive the reader's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class ProblemGroup:
    """The parts of one problem, in report order."""

    key: str
    parts: tuple[PartResult, ...]

    @property
    def label(self) -> str:
        return problem_label(self.key)

    @property
    def score(self) -> float:
        return round(sum(p.points for p in self.parts), 4)

    @property
    def max_score(self) -> float:
        return round(sum(p.max_points for p in self.parts), 4)


def fmt_number(x: float) -> str:
    """``4.0`` -> ``4``, ``17.5`` -> ``17.5``, ``2/3`` -> ``0.6667``: never exponent notation."""
    if not math.isfinite(x):
        return str(x)
    r = round(float(x), 4)
    if r == 0:
        return "0"  # also turns -0.0 into 0
    if r.is_integer():
        return str(int(r))
    return f"{r:.4f}".rstrip("0").rstrip(".")


def fmt_points(points: float, max_points: float) -> str:
    return f"{fmt_number(points)} / {fmt_number(max_points)}"


def percent(score: float, max_score: float) -> str | None:
    """``70.0%`` for 17.5 of 25; None when there is nothing to divide by."""
    if not max_score or not math.isfinite(max_score) or not math.isfinite(score):
        return None
    return f"{100.0 * score / max_score:.1f}%"


def fmt_total(score: float, max_score: float) -> str:
    """``17.5 / 25 (70.0%)``, or ``0 / 0 (n/a)`` for a rubric worth nothing."""
    return f"{fmt_points(score, max_score)} ({percent(score, max_score) or 'n/a'})"


def problem_key(part: PartResult) -> str:
    """The problem a part belongs to: its ``problem``, else the id's prefix before the first '.'."""
    if part.problem:
        return part.problem
    return part.id.split(".", 1)[0]


def problem_label(key: str) -> str:
    """``2`` -> ``Problem 2``; a key that already reads as a heading is left alone."""
    if " " in key.strip() or key.lower().startswith(("problem", "question", "exercise")):
        return key
    return f"Problem {key}"


def group_parts(report: Report) -> list[ProblemGroup]:
    """Parts grouped by problem; problems in order of first appearance, parts in report order."""
    groups: dict[str, list[PartResult]] = {}
    for part in report.parts:
        groups.setdefault(problem_key(part), []).append(part)
    return [ProblemGroup(key, tuple(parts)) for key, parts in groups.items()]


def pending_parts(report: Report) -> list[PartResult]:
    """Parts that wait for a person (``needs_review``): they have no points yet."""
    return [p for p in report.parts if p.verdict == "needs_review"]


def needs_detail(part: PartResult) -> bool:
    """Whether a part is anything other than fully correct (so the student should read more)."""
    return part.verdict != "correct" or part.points < part.max_points


def caret(part: PartResult) -> tuple[str, str] | None:
    """For an answer that does not parse: its offending line and a caret under the span."""
    return part.location.pointer(part.answer)


def one_line(s: str) -> str:
    """Collapse all whitespace runs (newlines included) to single spaces and trim."""
    return _WS.sub(" ", s).strip()


def strip_controls(s: str) -> str:
    """Replace control characters by ``?`` (after newlines and tabs have been dealt with)."""
    return _CONTROL.sub("?", s)


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(s: str) -> int:
    """Columns ``s`` takes in a terminal: wide East Asian characters count 2, combining marks 0."""
    return sum(char_width(ch) for ch in s)


def truncate(s: str, width: int, ellipsis: str = "...") -> str:
    """``s`` cut to at most ``width`` columns, ending in ``ellipsis`` when something was cut."""
    if display_width(s) <= width:
        return s
    room = max(width - display_width(ellipsis), 0)
    out: list[str] = []
    used = 0
    for ch in s:
        w = char_width(ch)
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + ellipsis


def pad(s: str, width: int, *, right: bool = False) -> str:
    """``s`` padded with spaces to ``width`` display columns."""
    fill = " " * max(width - display_width(s), 0)
    return fill + s if right else s + fill
