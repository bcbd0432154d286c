"""Rendering a ``Derivation`` as text, LaTeX or JSON.

Every named quantity is shown exactly (``str`` of the SymPy value; ``sympy.latex`` for LaTeX)
and as a decimal with 15 significant digits. A matrix's decimal is a nested list of strings
(rows); a value without a number (a symbolic expression, a formula) has decimal ``null``.
Decimals come from ``evalf`` at a higher working precision, then rounded to 15 digits.
"""

from __future__ import annotations

import json

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
        number = value.evalf(DIGITS + 10)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not number.is_number or number.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    if number.is_real is False:
        return str(sympy.N(number, DIGITS))
    if number.is_Integer or number == 0:
        return str(int(number)) if number.is_Integer else "0"
    return sympy.Float(number, DIGITS).__format__(f".{DIGITS}g") if number.is_Float else str(sympy.N(number, DIGITS))


def as_dict(d: Derivation) -> dict[str, object]:
    """The JSON-ready form of a derivation."""
    return {
        "derivation": d.name,
        "params": _jsonable(dict(d.params)),
        "quantities": {
            name: {"exact": str(value), "latex": sympy.latex(value), "decimal": decimal(value)}
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
            lines.append(rf"\text{{{label}}} &= {sympy.latex(value)} \\")
        lines.append(r"\end{align*}")
        return "\n".join(lines)
    if fmt == "text":
        lines = [f"derivation: {d.name}"]
        for name, value in d.quantities.items():
            dec = decimal(value)
            shown = "" if dec is None else f"  ~ {_flat(dec)}"
            lines.append(f"{name} = {value}{shown}")
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
