"""Equivalence of answers: ``equivalent(expected, answer, context) -> Verdict``, with diagnosis."""

from grader.compare.engine import CompareOptions, compare_here, equivalent

__all__ = ["CompareOptions", "compare_here", "equivalent"]
