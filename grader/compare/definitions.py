"""Put the context's definitions into an expression (``q_x := softmax(z)_x``, ``\\sigma(x) := ...``).

Both sides of a comparison are expanded the same way, so a student may answer in terms of a
defined name or of its definition.
"""

from __future__ import annotations

import functools
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

from grader.errors import LatexError
from grader.latex.context import SymbolContext
from grader.latex.parse import parse_latex_here


def definition_rules(ctx: SymbolContext) -> list[tuple[Any, Any]]:
    """(left side, right side) pairs parsed in the context, in the order given (once per
    context in a process: every comparison in that context uses them)."""
    return list(_rules(ctx))


@functools.lru_cache(maxsize=256)
def _rules(ctx: SymbolContext) -> tuple[tuple[Any, Any], ...]:
    rules = []
    for name, latex in ctx.definitions:
        lhs = parse_latex_here(name, ctx).single()
        rhs = parse_latex_here(latex, ctx).single()
        if lhs is None or rhs is None:
            raise LatexError(f"the definition {name} := {latex} is not a single value", latex)
        rules.append((lhs, rhs))
    return tuple(rules)


def expand_definitions(expr: Any, rules: list[tuple[Any, Any]], rounds: int = 3) -> Any:
    """``expr`` with every defined name replaced by its definition (a few rounds, for chains)."""
    if not rules:
        return expr
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.shape[0], expr.shape[1], [expand_definitions(e, rules, rounds) for e in expr])
    if not isinstance(expr, sympy.Basic):
        return expr
    for _ in range(rounds):
        before = expr
        for lhs, rhs in rules:
            expr = _apply(expr, lhs, rhs)
        if expr == before:
            break
    return expr


def _apply(expr: Any, lhs: Any, rhs: Any) -> Any:
    if isinstance(lhs, (sympy.Symbol, sympy.MatrixSymbol)):
        return expr.xreplace({lhs: rhs})
    if isinstance(lhs, sympy.Indexed):
        base, (var,) = lhs.base, lhs.indices

        def entry(node: Any) -> Any:
            return rhs.xreplace({var: node.indices[0]}) if isinstance(var, sympy.Symbol) else rhs

        return expr.replace(lambda n: isinstance(n, sympy.Indexed) and n.base == base, entry)
    if isinstance(lhs, AppliedUndef) and all(isinstance(a, sympy.Symbol) for a in lhs.args):
        params = lhs.args
        lam = sympy.Lambda(params, rhs)
        name = lhs.func.__name__
        out = expr.replace(lambda n: isinstance(n, AppliedUndef) and n.func.__name__ == name, lambda n: lam(*n.args))
        # primes: sigma'(x) is the derivative of the definition
        for order in (1, 2):
            primed = name + "'" * order
            if len(params) == 1:
                dlam = sympy.Lambda(params, sympy.diff(rhs, params[0], order))
                out = out.replace(lambda n, p=primed: isinstance(n, AppliedUndef) and n.func.__name__ == p, lambda n, d=dlam: d(*n.args))
        return out
    return expr.xreplace({lhs: rhs})
