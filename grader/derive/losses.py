"""Loss functions of a network output ``q`` against a target ``p`` (same shape, exact).

``cross_entropy``: ``-sum p_i log q_i`` (natural log; q is usually a softmax output);
``squared_error``: ``1/2 sum (p_i - q_i)^2`` (with the 1/2); ``binary_cross_entropy``:
``-sum p_i log q_i + (1 - p_i) log(1 - q_i)``.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from grader.errors import DerivationError


def cross_entropy(q: sympy.MatrixBase, p: sympy.MatrixBase) -> sympy.Expr:
    return -sympy.Add(*[pi * sympy.log(qi) for qi, pi in zip(q, p, strict=True)])


def squared_error(q: sympy.MatrixBase, p: sympy.MatrixBase) -> sympy.Expr:
    return sympy.Rational(1, 2) * sympy.Add(*[(pi - qi) ** 2 for qi, pi in zip(q, p, strict=True)])


def binary_cross_entropy(q: sympy.MatrixBase, p: sympy.MatrixBase) -> sympy.Expr:
    return -sympy.Add(
        *[pi * sympy.log(qi) + (1 - pi) * sympy.log(1 - qi) for qi, pi in zip(q, p, strict=True)]
    )


LOSSES: dict[str, Callable[[sympy.MatrixBase, sympy.MatrixBase], sympy.Expr]] = {
    "cross_entropy": cross_entropy,
    "squared_error": squared_error,
    "binary_cross_entropy": binary_cross_entropy,
}


def loss_value(kind: str, q: sympy.MatrixBase, p: sympy.MatrixBase) -> sympy.Expr:
    """The loss ``kind`` of output ``q`` against target ``p``."""
    if q.shape != p.shape:
        if len(q) != len(p):
            raise DerivationError(f"target has {len(p)} entries but the network output has {len(q)}")
        p = sympy.ImmutableMatrix(q.rows, q.cols, list(p))
    return LOSSES[kind](q, p)
