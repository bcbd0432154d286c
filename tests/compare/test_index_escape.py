"""A summation index used again outside its sum reads two ways: undecided at once, with the
reason, before any evaluation (it used to fail at every point and then spend seconds in simplify)."""

from __future__ import annotations

import time

import pytest

from grader.compare import equivalent
from grader.latex import SymbolContext, parse_assumption

CTX = SymbolContext()
for _spec in ("p: indexed N", "x: indexed N", "q: indexed N", "z: indexed N"):
    CTX = parse_assumption(_spec, CTX)

ESCAPES = (
    # (expected, student's answer whose index escapes its sum)
    (r"\sum_j p_j x_j", r"\sum_j p_j x_j + x_j"),
    (r"q_k - p_k", r"\frac{e^{z_j}}{\sum_j e^{z_j}} - p_k"),
    (r"\sum_i p_i \log q_i", r"-p_i \sum_i \log q_i"),
    (r"\sum_{j=1}^{N} x_j", r"x_j \sum_{j=1}^{N} 1"),
)
BOUND_ONLY = (
    (r"\sum_j p_j x_j", r"\sum_k p_k x_k", True),
    (r"\sum_j p_j x_j", r"\sum_k p_k x_k + 1", False),
    (r"\frac{e^{z_k}}{\sum_i e^{z_i}}", r"\frac{e^{z_k}}{\sum_j e^{z_j}}", True),
)


@pytest.mark.parametrize(("expected", "answer"), ESCAPES, ids=[a for _, a in ESCAPES])
def test_an_escaped_index_is_undecided_at_once(expected: str, answer: str) -> None:
    start = time.perf_counter()
    v = equivalent(expected, answer, CTX)
    assert v.equivalent is None and v.diagnosis == "AMBIGUOUS_INDEX", v
    assert "outside its sum" in (v.error or "")
    assert time.perf_counter() - start < 3


@pytest.mark.parametrize(("expected", "answer", "same"), BOUND_ONLY, ids=[a for _, a, _ in BOUND_ONLY])
def test_indices_bound_only_by_their_sum_compare_as_usual(expected: str, answer: str, same: bool) -> None:
    assert equivalent(expected, answer, CTX).equivalent is same
