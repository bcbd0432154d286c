"""Put the context's definitions into an expression (``q_x := softmax(z)_x``, ``\\sigma(x) := ...``).

Both sides of a comparison are expanded the same way, so a student may answer in terms of a
defined name or of its definition.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

from grader.errors import LatexError
from grader.latex.context import SymbolContext
from grader.latex.parse import parse_latex_here


@dataclass(frozen=True)
class Rule:
    """One definition ``lhs := rhs``; for a function, its derivatives are made once (``sigma'``)."""

    lhs: Any
    rhs: Any
    primes: tuple[Any, ...] = ()  # Lambdas of the first and second derivative of a one-argument function


def definition_rules(ctx: SymbolContext) -> list[Rule]:
    """The context's definitions parsed in the context, in the order given (once per context in
    a process: every comparison in that context uses them)."""
    return list(_rules(ctx))


@functools.lru_cache(maxsize=256)
def _rules(ctx: SymbolContext) -> tuple[Rule, ...]:
    rules = []
    for name, latex in ctx.definitions:
        lhs = parse_latex_here(name, ctx).single()
        rhs = parse_latex_here(latex, ctx).single()
        if lhs is None or rhs is None:
            raise LatexError(f"the definition {name} := {latex} is not a single value", latex)
        primes: tuple[Any, ...] = ()
        if isinstance(lhs, AppliedUndef) and len(lhs.args) == 1 and isinstance(lhs.args[0], sympy.Symbol):
            var = lhs.args[0]
            primes = tuple(sympy.Lambda((var,), sympy.diff(rhs, var, order)) for order in (1, 2))
        rules.append(Rule(lhs, rhs, primes))
    return tuple(rules)


def expand_definitions(expr: Any, rules: list[Rule], rounds: int = 3) -> Any:
    """``expr`` with every defined name replaced by its definition (a few rounds, for chains)."""
    if not rules:
        return expr
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.shape[0], expr.shape[1], [expand_definitions(e, rules, rounds) for e in expr])
    if not isinstance(expr, sympy.Basic):
        return expr
    for _ in range(rounds):
        before = expr
        for rule in rules:
            expr = _apply(expr, rule)
        if expr == before:
            break
    return expr


def _apply(expr: Any, rule: Rule) -> Any:
    lhs, rhs = rule.lhs, rule.rhs
    if isinstance(lhs, (sympy.Symbol, sympy.MatrixSymbol)):
        return expr.xreplace({lhs: rhs})
    if isinstance(lhs, sympy.Indexed):
        base, (var,) = lhs.base, lhs.indices

        def entry(node: Any) -> Any:
            return rhs.xreplace({var: node.indices[0]}) if isinstance(var, sympy.Symbol) else rhs

        return expr.replace(lambda n: isinstance(n, sympy.Indexed) and n.base == base, entry)
    if isinstance(lhs, AppliedUndef) and all(isinstance(a, sympy.Symbol) for a in lhs.args):
        lam = sympy.Lambda(lhs.args, rhs)
        name = lhs.func.__name__
        out = expr.replace(lambda n: isinstance(n, AppliedUndef) and n.func.__name__ == name, lambda n: lam(*n.args))
        # primes: sigma'(x) is the derivative of the definition
        for order, dlam in enumerate(rule.primes, start=1):
            primed = name + "'" * order
            out = out.replace(lambda n, p=primed: isinstance(n, AppliedUndef) and n.func.__name__ == p, lambda n, d=dlam: d(*n.args))
        return out
    return expr.xreplace({lhs: rhs})
