"""Light, exact tidying of small derived expressions for people to read.

Differentiated expressions are exact but sprawling (``-3(1+e)(...)/10 + 7e/(10(1+e))``). A
small entry is replaced by its ``factor``-ed form when that is shorter; large entries are left
as they are, because simplifying them costs more than it is worth. Nothing here changes a
value: ``factor`` is an identity transformation.
"""

from __future__ import annotations

import sympy

MAX_OPS = 80


def tidy_expr(expr: sympy.Basic) -> sympy.Basic:
    """A shorter equal form of a small scalar expression, or the expression itself."""
    if not isinstance(expr, sympy.Expr) or expr.is_Atom or expr.is_Rational:
        return expr
    ops = sympy.count_ops(expr)
    if ops > MAX_OPS:
        return expr
    try:
        candidate = sympy.factor(sympy.cancel(expr))
    except (sympy.PolynomialError, ValueError, TypeError):
        return expr
    return candidate if sympy.count_ops(candidate) < ops else expr


def tidy(value: sympy.Basic) -> sympy.Basic:
    """``tidy_expr`` on a scalar or on every entry of a matrix."""
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value.rows, value.cols, [tidy_expr(v) for v in value])
    return tidy_expr(value)
