"""Parse once: grading parses each distinct text once and compares each distinct pair once; the
cache key is the normalised parse; values cross the worker boundary without computing."""

from __future__ import annotations

import pickle
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sympy

from grader import budget
from grader.compare import CompareOptions, compare
from grader.grading import GradingSession, GradingStats, grade_submission
from grader.grading import session as session_module
from grader.latex import Expression, MatrixShape, ParseFailure, SymbolContext, parse_latex
from grader.latex import parse as latex_parse
from grader.model import MemoryCache, Outcome

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = ("a4-mistakes.md", "a4-correct.md", "a4-ocr-damaged.md", "a4-template.tex")


@pytest.mark.parametrize("name", SUBMISSIONS)
def test_each_text_is_parsed_once_and_each_pair_compared_once(a4_rubric, name: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    parses: Counter[tuple[str, Any]] = Counter()
    compares: Counter[tuple[str, str]] = Counter()
    real_parse, real_compare = latex_parse.parse_latex, session_module.compare

    def counting_parse(text: str, context: Any = None, **kw: Any) -> Any:
        parses[(text, context)] += 1
        return real_parse(text, context, **kw)

    def counting_compare(student: Any, reference: Any, context: Any = None, **kw: Any) -> Any:
        compares[(reference.key or reference.latex, student.key)] += 1
        return real_compare(student, reference, context, **kw)

    monkeypatch.setattr(latex_parse, "parse_latex", counting_parse)
    monkeypatch.setattr(session_module, "compare", counting_compare)
    stats = GradingStats()
    grade_submission((ROOT / "submissions" / name).read_text(encoding="utf-8"), a4_rubric, stats=stats)
    assert parses and max(parses.values()) == 1, [k for k, v in parses.items() if v > 1]
    assert max(compares.values()) == 1, [k for k, v in compares.items() if v > 1]
    assert stats.parse_calls == stats.distinct_texts == sum(parses.values())
    assert stats.compare_calls == stats.distinct_pairs


def test_a4_mistakes_makes_few_boundary_calls(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    """The submission that made 62 parse and 21 compare calls for 25 texts before parse-once."""
    stats = GradingStats()
    grade_submission((ROOT / "submissions" / "a4-mistakes.md").read_text(encoding="utf-8"), a4_rubric, stats=stats)
    assert stats.parse_calls == stats.distinct_texts <= 25
    assert stats.compare_calls <= 25


# The same value written differently shares one key; different values or digits do not.
SAME_KEY = (
    ("spaces", r"q_x - p_x", r"q_x-p_x"),
    ("braces", r"\frac{1}{2}x", r"\frac12 x"),
    ("left-right", r"\left(a+b\right)^2", r"(a+b)^2"),
    ("hat-braces", r"\hat{y} - y", r"\hat y - y"),
)
OTHER_KEY = (
    ("digits-written", r"1.50", r"1.5"),
    ("other-value", r"2x", r"3x"),
    ("order-of-product", r"A B", r"B A"),
    ("equation-vs-value", r"y = 2", r"2"),
)
MATRICES = SymbolContext(matrices=(("A", MatrixShape(2, 2)), ("B", MatrixShape(2, 2))))


@pytest.mark.parametrize(("id", "a", "b"), SAME_KEY, ids=[r[0] for r in SAME_KEY])
def test_same_content_same_key(id: str, a: str, b: str) -> None:
    pa, pb = parse_latex(a, MATRICES), parse_latex(b, MATRICES)
    assert not isinstance(pa, ParseFailure) and not isinstance(pb, ParseFailure)
    assert pa.key == pb.key


@pytest.mark.parametrize(("id", "a", "b"), OTHER_KEY, ids=[r[0] for r in OTHER_KEY])
def test_different_content_different_key(id: str, a: str, b: str) -> None:
    pa, pb = parse_latex(a, MATRICES), parse_latex(b, MATRICES)
    assert not isinstance(pa, ParseFailure) and not isinstance(pb, ParseFailure)
    assert pa.key != pb.key


def test_the_class_cache_is_keyed_by_content_not_text(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    part = a4_rubric.part("1.dEdz")
    cache = MemoryCache()
    first = GradingSession(cache)
    v1 = first.compare(first.parse("p_x - q_x", part.context), part.expected, context=part.context, options=part.options,
                       scope=part.fingerprint)
    second = GradingSession(cache)
    v2 = second.compare(second.parse(r"p_{x}-q_{x}", part.context), part.expected, context=part.context,
                        options=part.options, scope=part.fingerprint)
    assert v1 == v2 and v1.diagnosis == "SIGN"
    assert second.stats.compare_calls == 0 and second.stats.cache_hits == 1


# Values that SymPy would compute on construction must cross back from the worker inert.
HUGE = (r"{10}^{{10}^{10}}", r"(10)^{(10)^{10}}", r"10^{99999 \cdot 99999}", r"{100000000}!", r"{2}^{{3}^{{4}^{5}}}")


@pytest.mark.parametrize("text", HUGE)
def test_a_huge_value_crosses_the_boundary_without_computing(text: str) -> None:
    start = time.perf_counter()
    parsed = parse_latex(text)
    if not isinstance(parsed, ParseFailure):
        pickle.loads(budget.inert_dumps(parsed))  # and again, as a batch would ship it
        verdict = compare(parsed, Expression(value=sympy.Integer(3), latex="3"), options=CompareOptions(seconds=2))
        assert verdict.outcome is not Outcome.CORRECT
    assert time.perf_counter() - start < 8


def test_inert_pickles_rebuild_the_same_values() -> None:
    x, y = sympy.symbols("x y", real=True)
    values = [x**2 + 2 * x * y, sympy.exp(-x) / (1 + sympy.exp(-x)), sympy.Matrix([[x, 1], [0, y]]),
              sympy.Sum(sympy.IndexedBase("p")[sympy.Symbol("i", integer=True)], (sympy.Symbol("i", integer=True), 1, 3)),
              sympy.Function("f")(x, y), sympy.Max(0, x), sympy.Piecewise((x, x > 0), (0, True))]
    for v in values:
        assert pickle.loads(budget.inert_dumps(v)) == v


@pytest.mark.parametrize("name", SUBMISSIONS)
def test_a_second_copy_reuses_every_comparison(a4_rubric, name: str) -> None:  # type: ignore[no-untyped-def]
    """Step checks and follow-through go through the class-wide cache too: an identical copy
    compares nothing again, and grades the same."""
    text = (ROOT / "submissions" / name).read_text(encoding="utf-8")
    cache = MemoryCache()
    first_stats, second_stats = GradingStats(), GradingStats()
    first = grade_submission(text, a4_rubric, cache=cache, stats=first_stats)
    second = grade_submission(text, a4_rubric, cache=cache, stats=second_stats)
    assert first_stats.compare_calls > 0
    assert second_stats.compare_calls == 0 and second_stats.cache_hits > 0
    assert second.to_json() == first.to_json()
