"""Signs that OCR damaged an answer: an operator probably lost between two factors.

``\\sigma(x)(1 \\sigma(x))`` is almost surely ``\\sigma(x)(1 - \\sigma(x))`` with the minus
lost; grading it as a product would give a confident wrong verdict. The grader sends such
answers to a person, with the repaired reading as evidence.
"""

from __future__ import annotations

import re

_PATTERNS = (
    # "(1 \sigma(x))", "(1 x)": a bare 1 followed by a factor inside parentheses
    re.compile(r"(?<=\()\s*1(?=\s+(?:\\[A-Za-z]+|[A-Za-z]))"),
    # "\sigma(x) \sigma^2(x)": the same function twice with nothing between
    re.compile(r"(?P<f>\\[A-Za-z]+|[A-Za-z])\s*\([^()]*\)(?=\s+(?P=f)\s*\^)"),
    # "\frac{a}{b} \frac{c}{d}" with two spaces or more inside a parenthesised difference
    re.compile(r"(?<=\()\s*\\frac\{[^{}]*\}\{[^{}]*\}(?=\s{2,}\\frac)"),
    # "q_x  p_x", "\ln(1 + e)  0.3": two or more spaces between two terms, where OCR dropped a sign
    re.compile(r"[\w})](?=\s{2,}(?:[\w(]|\\[A-Za-z]))"),
)


def lost_operator(latex: str) -> list[int]:
    """Offsets just after each place where an operator seems to be missing."""
    spots = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(latex):
            spots.append(m.end())
    return sorted(set(spots))


def repaired(latex: str, spots: list[int], op: str = "-") -> str:
    """``latex`` with ``op`` inserted at every spot."""
    out = latex
    for pos in reversed(spots):
        out = out[:pos] + f" {op} " + out[pos:]
    return out
