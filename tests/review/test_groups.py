"""Answer groups: answers the engine reads as the same (parsed structure, or the same text) and
graded alike share a group; anything a person might grade differently does not."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from grader.batch.manual import PartGrade
from grader.latex import SymbolContext
from grader.review.groups import PartInfo, group_part


@dataclass(frozen=True)
class MathPart:
    """What group_part reads of a rubric part."""

    context: SymbolContext = SymbolContext()


MATH = PartInfo("1", "a formula", 2.0, "fp1", kind="expression")
PROSE = PartInfo("2", "why", 3.0, "fp2", kind="prose")


def member(student: str, answer: str | None, *, verdict: str | None = "needs_review",
           points: float | None = 0.0, diagnosis: str | None = None,
           fingerprint: str = "fp1", part: str = "1") -> PartGrade:
    return PartGrade(student, part, "", 2.0, fingerprint, verdict, points, answer=answer,
                     diagnosis=diagnosis)


def together(info: PartInfo, a: PartGrade, b: PartGrade, rubric_part: object = None) -> bool:
    groups = group_part(info, [a, b], rubric_part)
    return len(groups) == 1


SAME_MATH = (
    ("reordered sum", "q_x - p_x", "-p_x + q_x"),
    ("implicit product", "2x", r"2 \cdot x"),
    ("fraction and slash", r"\frac{1}{2}", "1/2"),
    ("left right", r"\left(a+b\right)^2", "(a+b)^2"),
    ("braces", "x^{2}", "x^2"),
    ("spacing", r"\sigma(x) (1-\sigma(x))", r"\sigma(x)(1 - \sigma(x))"),
)

DIFFERENT_MATH = (
    ("digits written", "0.5", "0.50"),
    ("decimal and fraction", r"\frac{1}{2}", "0.5"),
    ("power", "x^2", "x^3"),
    ("sign", "a - b", "b - a"),
    ("transpose", "W^T x", "W x"),  # the same parse when W is a scalar: the notation differs
    ("square written out", "x^2", r"x \cdot x"),
)


@pytest.mark.parametrize(("name", "a", "b"), SAME_MATH, ids=[c[0] for c in SAME_MATH])
def test_same_parse_is_one_group(name: str, a: str, b: str) -> None:
    groups = group_part(MATH, [member("s1", a), member("s2", b)], MathPart())
    assert len(groups) == 1 and groups[0].how == "exact" and groups[0].size == 2
    assert len(groups[0].forms) == len({a.replace(" ", ""), b.replace(" ", "")})


@pytest.mark.parametrize(("name", "a", "b"), DIFFERENT_MATH, ids=[c[0] for c in DIFFERENT_MATH])
def test_different_answers_are_different_groups(name: str, a: str, b: str) -> None:
    assert not together(MATH, member("s1", a), member("s2", b), MathPart())
    assert not together(MATH, member("s1", a), member("s2", b))  # without the rubric too


def test_without_the_rubric_only_the_same_text_groups() -> None:
    assert together(MATH, member("s1", "q_x - p_x"), member("s2", "q_x-p_x"))
    assert not together(MATH, member("s1", "q_x - p_x"), member("s2", "-p_x + q_x"))


ENGINE_SPLITS = (
    ("verdict", {"verdict": "incorrect"}),
    ("diagnosis", {"diagnosis": "SIGN"}),
    ("points", {"auto_points": 1.0}),
    ("part form", {"fingerprint": "fp-other"}),
)


@pytest.mark.parametrize(("name", "change"), ENGINE_SPLITS, ids=[c[0] for c in ENGINE_SPLITS])
def test_same_answer_graded_differently_is_not_one_group(name: str, change: dict[str, object]) -> None:
    a = member("s1", "2x")
    assert not together(MATH, a, replace(a, student="s2", **change), MathPart())  # type: ignore[arg-type]


PROSE_CASES = (
    ("case and spacing", "ReLU has  zero gradient.", "relu has zero gradient.", True),
    ("different words", "ReLU has zero gradient.", "ReLU has no gradient.", False),
    ("punctuation", "It saturates.", "It saturates", False),
)


@pytest.mark.parametrize(("name", "a", "b", "same"), PROSE_CASES, ids=[c[0] for c in PROSE_CASES])
def test_prose_groups_by_normalised_text(name: str, a: str, b: str, same: bool) -> None:
    assert together(PROSE, member("s1", a, part="2", fingerprint="fp2"),
                    member("s2", b, part="2", fingerprint="fp2")) is same


def test_ungraded_submissions_are_each_alone() -> None:
    groups = group_part(MATH, [member("s1", None, verdict=None, points=None),
                               member("s2", None, verdict=None, points=None)])
    assert [g.how for g in groups] == ["alone", "alone"]


def test_ids_are_stable_and_waiting_groups_come_first() -> None:
    ms = [member("s1", "2x"), member("s2", "2x"), member("s3", "x", verdict="correct", points=2.0)]
    one = group_part(MATH, ms, MathPart())
    two = group_part(MATH, list(reversed(ms)), MathPart())
    assert [g.id for g in one] == [g.id for g in two]
    assert one[0].needs_person and not one[1].needs_person
