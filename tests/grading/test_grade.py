"""Grading: verdicts and points per answer, steps, follow-through, OCR damage, conflicts."""

from __future__ import annotations

import textwrap

import pytest

from grader.grading import grade_answer, grade_submission

# (part id, student's answer, verdict, points, diagnosis or None)
ANSWERS = [
    ("1.dEdz", r"q_x - p_x", "correct", 4, None),
    ("1.dEdz", r"-(p_x - q_x)", "correct", 4, None),
    ("1.dEdz", r"p_x - q_x", "partial", 2, "SIGN"),
    ("1.dEdz", r"2(q_x - p_x)", "partial", 2, "FACTOR:2"),
    ("1.dEdz", r"q_x", "incorrect", 0, "MISSING_TERM"),
    ("1.dEdz", r"\frac{1}{", "unparsed", 0, "UNPARSED"),
    ("2.E", r"1.01326", "correct", 2, None),
    ("2.E", r"1.0132", "correct", 2, None),  # truncated to 5 digits
    ("2.E", r"1.01", "correct", 2, None),  # rounded to 3 digits
    ("2.E", r"1.0", "partial", 1.5, "PRECISION"),
    ("2.E", r"1.02", "partial", 1.5, "ROUNDING"),
    ("2.dEdW", r"\begin{bmatrix} 0.4311 & 0 \\ 0.4311 & 0 \end{bmatrix}", "partial", 1.5, "TRANSPOSE"),
    ("2.dEdW", r"\begin{bmatrix} 0.4311 \\ 0 \end{bmatrix}", "incorrect", 0, "SHAPE"),
    ("3.recurrence", r"W \sigma'(z_t + h_t W) \overline{h_{t+1}}", "correct", 4, None),
    ("3.recurrence", r"\frac{\overline{h_{t+1}}}{W \sigma'(z_t + h_t W)}", "incorrect", 0, None),
    ("3.critical", r"\frac{1}{\sigma'(0)}", "correct", 2, None),
    ("3.critical", r"0.25", "incorrect", 0, "RECIPROCAL"),  # no credit for it in this rubric
    ("4.hyperplane", r"x_2 - x_1 = 1", "correct", 2, None),
    ("4.hyperplane", r"x_2 + x_1 = 1", "incorrect", 0, None),
    ("4.wb", r"\begin{cases} b = -1 \\ w_1 = -1 \\ w_2 = 1 \end{cases}", "correct", 4, None),
    ("4.wb", r"w_1 = -1, w_2 = 1", "incorrect", 0, "MISSING_TERM"),
]


@pytest.mark.parametrize("part_id, answer, verdict, points, diagnosis", [pytest.param(*row, id=f"{row[0]}:{row[1][:30]}") for row in ANSWERS])
def test_answer_verdicts(a4_rubric, part_id: str, answer: str, verdict: str, points: float, diagnosis: str | None) -> None:  # type: ignore[no-untyped-def]
    r = grade_answer(a4_rubric.part(part_id), answer).result
    assert (r.verdict, r.points) == (verdict, points), r.feedback
    assert r.diagnosis == diagnosis
    if verdict != "correct":
        assert r.feedback


# OCR lost an operator: never a confident verdict
DAMAGED = [
    ("3.recurrence", r"\overline{h_{t+1}} (1 \sigma(z_t + h_t W)) W"),
    ("1.dEdz", r"(1 q_x) p_x"),
]


@pytest.mark.parametrize("part_id, answer", DAMAGED)
def test_damaged_answers_go_to_review(a4_rubric, part_id: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    r = grade_answer(a4_rubric.part(part_id), answer).result
    assert r.verdict == "needs_review" and r.diagnosis == "DAMAGED"
    assert r.points == 0


def _doc(body: str) -> str:
    return textwrap.dedent(body).strip() + "\n"


def test_follow_through_credits_a_consistent_later_part(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    text = _doc(r"""
        ## 2 Problem 2
        ### 2.2 Backward
        $$\frac{\partial E}{\partial B} = \begin{bmatrix} 0.5 \\ 0 \end{bmatrix}$$
        ### 2.3 Results
        $$B' = B - 0.02 \frac{\partial E}{\partial B} = \begin{bmatrix} -0.01 \\ 0 \end{bmatrix}$$
        """)
    report = grade_submission(text, a4_rubric, only_parts={"2.dEdB", "2.B1"})
    by_id = {p.id: p for p in report.parts}
    assert by_id["2.dEdB"].verdict == "incorrect"
    assert by_id["2.B1"].verdict == "correct" and by_id["2.B1"].diagnosis == "FOLLOW_THROUGH"
    assert "2.dEdB" in (by_id["2.B1"].feedback or "")


def test_no_follow_through_for_an_unrelated_wrong_value(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    text = _doc(r"""
        ## 2 Problem 2
        ### 2.2 Backward
        $$\frac{\partial E}{\partial B} = \begin{bmatrix} 0.5 \\ 0 \end{bmatrix}$$
        ### 2.3 Results
        $$B' = \begin{bmatrix} -0.03 \\ 0 \end{bmatrix}$$
        """)
    by_id = {p.id: p for p in grade_submission(text, a4_rubric, only_parts={"2.dEdB", "2.B1"}).parts}
    assert by_id["2.B1"].verdict == "incorrect"


def test_wrong_step_in_a_chain_is_reported_with_its_line(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    text = _doc(r"""
        ## 3 Problem 3
        ### 3.2 Value
        $$\alpha = \frac{1}{\sigma'(0)} = \frac{1}{\frac{1}{2}} = 4$$
        """)
    part = {p.id: p for p in grade_submission(text, a4_rubric, only_parts={"3.critical"}).parts}["3.critical"]
    assert part.verdict == "partial" and part.diagnosis == "WRONG_STEP"
    assert part.points == pytest.approx(2 * 0.75)
    assert any("line 3" in s for s in part.steps)


def test_missing_part_and_conflicting_candidates(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    text = _doc(r"""
        ## 2 Problem 2
        ### 2.1 Forward
        $$E = 1.0131$$
        Later, the conclusion:
        $$E = 1.01326$$
        """)
    by_id = {p.id: p for p in grade_submission(text, a4_rubric, only_parts={"2.E", "1.dEdz"}).parts}
    assert by_id["1.dEdz"].verdict == "missing"
    assert by_id["2.E"].verdict == "correct" and by_id["2.E"].answer == "1.01326"
    assert any("1.0131" in alt for alt in by_id["2.E"].alternatives)


def test_prose_parts_need_review(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    text = _doc("""
        ## 5 Problem 5
        ### 5.1 Advantages
        Attention lets every position see every other one, and training runs in parallel.
        """)
    part = {p.id: p for p in grade_submission(text, a4_rubric, only_parts={"5.1"}).parts}["5.1"]
    assert part.verdict == "needs_review" and part.method == "manual"
    assert "parallel" in (part.answer or "")


def test_grading_is_deterministic(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    text = _doc(r"""
        # 1 Problem 1
        $$\frac{\partial E}{\partial z_x} = q_x - p_x$$
        """)
    a = grade_submission(text, a4_rubric).to_json()
    b = grade_submission(text, a4_rubric).to_json()
    assert a == b


@pytest.mark.parametrize("display, verdict", [
    ("1.0133", "correct"),  # found as the section's last formula, and it is the value asked for
    ("1.5", "needs_review"),  # wrong, but never named E: maybe another quantity, so a person decides
])
def test_an_unnamed_answer_is_graded_only_when_right(a4_rubric, display: str, verdict: str) -> None:  # type: ignore[no-untyped-def]
    text = _doc(f"""
        ## 2 Problem 2
        ### 2.1 Forward
        The loss of the network comes out as
        $${display}$$
        """)
    part = {p.id: p for p in grade_submission(text, a4_rubric, only_parts={"2.E"}).parts}["2.E"]
    assert part.verdict == verdict
    if verdict == "needs_review":
        assert part.points == 0 and "last formula of section 2.1" in (part.feedback or "")


def test_a_right_earlier_value_is_named_when_the_final_one_is_wrong(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    text = _doc(r"""
        ## 2 Problem 2
        ### 2.1 Forward
        $$E = 1.0133$$
        So in conclusion:
        $$E = 1.2$$
        """)
    part = {p.id: p for p in grade_submission(text, a4_rubric, only_parts={"2.E"}).parts}["2.E"]
    assert part.verdict == "incorrect" and part.answer == "1.2"  # the final statement counts
    assert "line 3 (1.0133) is right, but the final statement counts" in (part.feedback or "")
