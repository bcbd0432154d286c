"""Rendering a ``Derivation`` as text, LaTeX or JSON.

Every named quantity is shown exactly (``str`` of the SymPy value; ``sympy.latex`` for LaTeX)
and as a decimal with 15 significant digits. A matrix's decimal is a nested list of strings
(rows); a value without a number (a symbolic expression, a formula) has decimal ``null``.
Decimals come from a memoised mpmath evaluation at a higher working precision (shared subtrees
of big exact gradients are evaluated once; ``evalf`` re-walks them and takes minutes), then
rounded to 15 digits.
"""

from __future__ import annotations

import json
from typing import Any

import mpmath
import sympy

from grader.derive.result import Derivation, Quantity
from grader.errors import DerivationError

DIGITS = 15


def decimal(value: Quantity) -> str | list[list[str | None]] | None:
    """15 significant digits of a number, per entry for a matrix, or None if not numeric."""
    if isinstance(value, sympy.MatrixBase):
        return [[_scalar_decimal(value[i, j]) for j in range(value.cols)] for i in range(value.rows)]
    return _scalar_decimal(value)


def _scalar_decimal(value: sympy.Basic) -> str | None:
    if isinstance(value, sympy.logic.boolalg.BooleanAtom):
        return None
    if not isinstance(value, sympy.Expr) or value.free_symbols or value.has(sympy.Sum, sympy.Derivative, sympy.Subs):
        return None
    try:
        with mpmath.workdps(DIGITS + 10):
            number = sympy.Float(_mp(value, {}), DIGITS + 10)
    except _Fallback:
        try:
            number = value.evalf(DIGITS + 10)
        except (TypeError, ValueError, ArithmeticError):
            return None
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not number.is_number or number.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    if number.is_real is False:
        return str(sympy.N(number, DIGITS))
    if number.is_Integer or number == 0:
        return str(int(number)) if number.is_Integer else "0"
    return sympy.Float(number, DIGITS).__format__(f".{DIGITS}g") if number.is_Float else str(sympy.N(number, DIGITS))


class _Fallback(Exception):
    """A node the fast evaluator does not know: use ``evalf`` for the whole value."""


_FUNCS: dict[Any, Any] = {
    sympy.exp: mpmath.exp, sympy.tanh: mpmath.tanh, sympy.sin: mpmath.sin, sympy.cos: mpmath.cos,
    sympy.Abs: abs, sympy.sqrt: mpmath.sqrt,
}


def _mp(e: Any, memo: dict[Any, Any]) -> Any:
    """``e`` as an mpmath number, each distinct subtree evaluated once."""
    hit = memo.get(e)
    if hit is not None:
        return hit
    if e.is_Rational:
        out = mpmath.mpf(int(e.p)) / int(e.q)
    elif e is sympy.E:
        out = mpmath.e
    elif e is sympy.pi:
        out = mpmath.pi
    elif e.is_Float:
        out = mpmath.mpf(e)
    elif isinstance(e, sympy.Add):
        out = mpmath.fsum(_mp(a, memo) for a in e.args)
    elif isinstance(e, sympy.Mul):
        out = mpmath.mpf(1)
        for a in e.args:
            out *= _mp(a, memo)
    elif isinstance(e, sympy.Pow):
        out = mpmath.power(_mp(e.base, memo), _mp(e.exp, memo))
    elif isinstance(e, sympy.log):
        out = mpmath.log(*(_mp(a, memo) for a in e.args))
    elif isinstance(e, (sympy.Max, sympy.Min)):
        vals = [_mp(a, memo) for a in e.args]
        out = max(vals) if isinstance(e, sympy.Max) else min(vals)
    elif e.func in _FUNCS and len(e.args) == 1:
        out = _FUNCS[e.func](_mp(e.args[0], memo))
    else:
        raise _Fallback(type(e).__name__)
    memo[e] = out
    return out


#: Largest printed size (nodes of the expression tree, shared subtrees counted each time) shown
#: exactly; the exact gradients of a wide sigmoid net are DAGs whose printed form is astronomically long.
MAX_PRINTED = 20_000


def _printed_size(e: Any, memo: dict[Any, int]) -> int:
    """Nodes in the printed tree of ``e``, computed on the DAG (each distinct subtree once)."""
    if isinstance(e, sympy.MatrixBase):
        return sum(_printed_size(x, memo) for x in e)
    if not isinstance(e, sympy.Basic):
        return 1
    hit = memo.get(e)
    if hit is not None:
        return hit
    size = 1 + sum(_printed_size(a, memo) for a in e.args)
    memo[e] = min(size, 10**12)
    return memo[e]


def _exact(value: Any, printer: Any) -> str:
    size = _printed_size(value, {})
    if size > MAX_PRINTED:
        return f"(exact expression too large to print: {size:.3g} nodes; see the decimal)"
    return str(printer(value))


def as_dict(d: Derivation) -> dict[str, object]:
    """The JSON-ready form of a derivation."""
    return {
        "derivation": d.name,
        "params": _jsonable(dict(d.params)),
        "quantities": {
            name: {"exact": _exact(value, str), "latex": _exact(value, sympy.latex), "decimal": decimal(value)}
            for name, value in d.quantities.items()
        },
    }


def render(d: Derivation, fmt: str = "text") -> str:
    """``text``, ``latex`` or ``json``."""
    if fmt == "json":
        return json.dumps(as_dict(d), indent=2)
    if fmt == "latex":
        lines = [f"% derivation: {d.name}", r"\begin{align*}"]
        for name, value in d.quantities.items():
            label = name.replace("_", r"\_")
            lines.append(rf"\text{{{label}}} &= {_exact(value, sympy.latex)} \\")
        lines.append(r"\end{align*}")
        return "\n".join(lines)
    if fmt == "text":
        lines = [f"derivation: {d.name}"]
        for name, value in d.quantities.items():
            dec = decimal(value)
            shown = "" if dec is None else f"  ~ {_flat(dec)}"
            lines.append(f"{name} = {_exact(value, str)}{shown}")
        return "\n".join(lines)
    raise DerivationError(f"unknown format {fmt!r}: expected text, latex or json")


def _flat(dec: object) -> str:
    if isinstance(dec, list):
        return "[" + ", ".join(_flat(x) for x in dec) + "]"
    return "?" if dec is None else str(dec)


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
