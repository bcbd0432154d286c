"""Number, percent and total formatting, grouping by problem, truncation and display widths."""

from __future__ import annotations

import pytest

from grader.model import PartResult, Report
from grader.report._common import (
    display_width,
    fmt_number,
    fmt_total,
    group_parts,
    needs_detail,
    percent,
    problem_key,
    problem_label,
    strip_controls,
    truncate,
)

NUMBERS = (
    (4.0, "4"),
    (4, "4"),
    (17.5, "17.5"),
    (2 / 3, "0.6667"),
    (0.1 + 0.2, "0.3"),
    (1e6, "1000000"),
    (-0.0, "0"),
    (1e-6, "0"),
    (-1.25, "-1.25"),
)


@pytest.mark.parametrize(("x", "expected"), NUMBERS, ids=[e for _, e in NUMBERS])
def test_fmt_number(x: float, expected: str) -> None:
    assert fmt_number(x) == expected


TOTALS = (
    (17.5, 25, "17.5 / 25 (70.0%)"),
    (25, 25, "25 / 25 (100.0%)"),
    (0, 25, "0 / 25 (0.0%)"),
    (1, 3, "1 / 3 (33.3%)"),
    (2 / 3, 1, "0.6667 / 1 (66.7%)"),
    (0, 0, "0 / 0 (n/a)"),
    (3, 0, "3 / 0 (n/a)"),
    (30, 25, "30 / 25 (120.0%)"),
)


@pytest.mark.parametrize(("score", "max_score", "expected"), TOTALS, ids=[t for *_, t in TOTALS])
def test_fmt_total(score: float, max_score: float, expected: str) -> None:
    assert fmt_total(score, max_score) == expected


def test_percent_of_nothing_is_none() -> None:
    assert percent(0, 0) is None
    assert percent(17.5, 25) == "70.0%"


GROUPING = (
    ("2.dEdW", None, "2"),
    ("3", None, "3"),
    ("a.b.c", None, "a"),
    ("4.x", "Problem 4", "Problem 4"),
    ("1.a", "7", "7"),
    (".odd", None, ""),
)


@pytest.mark.parametrize(("part_id", "problem", "key"), GROUPING, ids=[g[0] for g in GROUPING])
def test_problem_key(part_id: str, problem: str | None, key: str) -> None:
    part = PartResult(id=part_id, title="", points=0, max_points=1, verdict="missing",
                      problem=problem)
    assert problem_key(part) == key


LABELS = (("2", "Problem 2"), ("Problem 4", "Problem 4"), ("question 1", "question 1"),
          ("Part B", "Part B"), ("", "Problem "))


@pytest.mark.parametrize(("key", "label"), LABELS, ids=[k or "empty" for k, _ in LABELS])
def test_problem_label(key: str, label: str) -> None:
    assert problem_label(key) == label


def test_groups_keep_first_appearance_order_and_part_order() -> None:
    parts = tuple(PartResult(id=i, title="", points=0, max_points=1, verdict="missing")
                  for i in ("2.a", "1.a", "2.b", "1.b", "3"))
    groups = group_parts(Report(submission="s", rubric="r", parts=parts))
    assert [(g.key, [p.id for p in g.parts]) for g in groups] == [
        ("2", ["2.a", "2.b"]), ("1", ["1.a", "1.b"]), ("3", ["3"])]
    assert groups[0].max_score == 2


DETAIL = (
    ("correct", 4, 4, False),
    ("correct", 3, 4, True),  # correct but penalised (late, form check) still needs a word
    ("partial", 2, 4, True),
    ("incorrect", 0, 4, True),
    ("missing", 0, 4, True),
    ("unparsed", 0, 4, True),
    ("needs_review", 0, 4, True),
)


@pytest.mark.parametrize(("verdict", "points", "max_points", "detail"), DETAIL,
                         ids=[f"{v}-{p}" for v, p, *_ in DETAIL])
def test_needs_detail(verdict: str, points: float, max_points: float, detail: bool) -> None:
    part = PartResult(id="1", title="", points=points, max_points=max_points, verdict=verdict)
    assert needs_detail(part) is detail


TRUNCATE = (
    ("short", 10, "short"),
    ("exactly10!", 10, "exactly10!"),
    ("abcdefghijk", 10, "abcdefg..."),
    ("交叉熵交叉熵", 8, "交叉..."),  # wide characters count two columns
    ("word     word", 8, "word..."),  # no dangling spaces before the ellipsis
)


@pytest.mark.parametrize(("s", "width", "expected"), TRUNCATE, ids=[t[0] for t in TRUNCATE])
def test_truncate(s: str, width: int, expected: str) -> None:
    out = truncate(s, width)
    assert out == expected
    assert display_width(out) <= width


WIDTHS = (("abc", 3), ("交叉熵", 6), ("e\u0301", 1), ("", 0), ("ünïcödé", 7))


@pytest.mark.parametrize(("s", "width"), WIDTHS, ids=[repr(s) for s, _ in WIDTHS])
def test_display_width(s: str, width: int) -> None:
    assert display_width(s) == width


def test_strip_controls_removes_terminal_escapes() -> None:
    assert strip_controls("a\x1b[31mb\x07") == "a?[31mb?"
    assert strip_controls("tab\tnew\nline") == "tab\tnew\nline"
