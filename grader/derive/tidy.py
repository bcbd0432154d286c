"""Light, exact tidying of small derived expressions for people to read.

Differentiated expressions are exact but sprawling (``-3(1+e)(...)/10 + 7e/(10(1+e))``). A
small entry is replaced by its ``factor``-ed form when that is shorter; large entries are left
as they are, and so are entries with more than two distinct transcendental atoms
(nested ``exp`` of a sigmoid network), because simplifying them costs more than it is worth. Nothing here changes a
value: ``factor`` is an identity transformation.
"""

from __future__ import annotations

import sympy

MAX_OPS = 80
MAX_GENERATORS = 2  # factoring over many exp(...) generators costs seconds and rarely helps


def _transcendental_atoms(expr: sympy.Basic) -> set[sympy.Basic]:
    """Distinct generators a factorisation would see: exp(k) for integer k all count as E."""
    found: set[sympy.Basic] = {sympy.E} if expr.has(sympy.E) else set()
    for atom in expr.atoms(sympy.exp):
        found.add(sympy.E if atom.args[0].is_Integer else atom.args[0])
    found |= {a for a in expr.atoms(sympy.Function) if not isinstance(a, sympy.exp)}
    return found


def tidy_expr(expr: sympy.Basic) -> sympy.Basic:
    """A shorter equal form of a small scalar expression, or the expression itself."""
    if not isinstance(expr, sympy.Expr) or expr.is_Atom or expr.is_Rational:
        return expr
    if any(not a.args[0].is_Integer for a in expr.atoms(sympy.exp)):
        return expr  # exp(-37/100) is a degree-100 polynomial generator to factor: seconds
    ops = sympy.count_ops(expr)
    if ops > MAX_OPS or len(_transcendental_atoms(expr)) > MAX_GENERATORS:
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
