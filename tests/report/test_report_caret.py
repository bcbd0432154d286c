"""An answer that does not parse is shown with a caret under the offending characters, in every
format, for the student (``location.span`` in JSON)."""

from __future__ import annotations

import json
import textwrap

import pytest

from grader.grading import grade_submission
from grader.model import Location, PartResult, Report
from grader.report import render

UNREADABLE = (
    # (answer, the character the caret must point at)
    (r"q_x - \frac{1}{", "{"),
    (r"q_x + 'p_x", "'"),
    (r"2 \cdot \def\a{1}", "\\"),
)


def _report(answer: str, span: tuple[int, int]) -> Report:
    part = PartResult(id="1.a", title="t", points=0.0, max_points=2.0, verdict="unparsed", answer=answer,
                      location=Location(line=3, span=span), expected="x", feedback="Your answer could not be read.")
    return Report(submission="s.md", rubric="r", parts=(part,))


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_draws_the_caret(fmt: str) -> None:
    out = render(_report("a + \\frac{1}{", (10, 11)), fmt)
    assert "a + \\frac{1}{" in out
    assert " " * 10 + "^" in out.replace("&nbsp;", " ")


def test_json_carries_the_span() -> None:
    data = json.loads(render(_report("a + b", (2, 3)), "json"))
    assert data["parts"][0]["location"]["span"] == [2, 3]


@pytest.mark.parametrize(("answer", "char"), UNREADABLE, ids=[a for a, _ in UNREADABLE])
def test_the_span_points_into_the_students_answer(a4_rubric, answer: str, char: str) -> None:  # type: ignore[no-untyped-def]
    text = textwrap.dedent(f"""
        # 1
        $$\\frac{{\\partial E}}{{\\partial z_x}} = {answer}$$
        """)
    part = grade_submission(text, a4_rubric, only_parts={"1.dEdz"}).parts[0]
    assert part.verdict == "unparsed"
    assert part.location.span is not None
    assert part.answer is not None and part.answer[part.location.span[0]] == char
