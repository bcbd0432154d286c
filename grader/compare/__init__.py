"""Equivalence of answers: ``compare(student, reference, context) -> Verdict``, with diagnosis."""

from grader.compare.engine import (
    CompareOptions,
    compare,
    compare_follow_through,
    compare_here,
    equivalent,
)

__all__ = ["CompareOptions", "compare", "compare_follow_through", "compare_here", "equivalent"]
