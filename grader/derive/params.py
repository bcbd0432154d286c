"""Turning parameter values from YAML or ``--param key=value`` into exact SymPy values.

Numbers become exact rationals from the decimal the assignment states: a float ``0.15`` is read
through ``repr`` (``Rational("0.15") == 3/20``), never through its binary value. Strings are
checked against strict patterns before anything is built from them: a decimal or a fraction
becomes a ``Rational``, an identifier becomes a ``Symbol``; nothing is ever passed to
``sympify`` or ``eval``. Nested lists become ``ImmutableMatrix``; a flat list is a column vector
unless the caller asks for a row. ``{symbol: W, shape: [2, 3]}`` is a matrix of entry symbols
``W_{1,1} ... W_{2,3}`` (1-based, as in math notation).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import sympy

from grader.errors import DerivationError

_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?$")
_FRACTION = re.compile(r"^[+-]?\d+\s*/\s*[+-]?\d+$")
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,30}$")

# Names SymPy would read as something else are still plain symbols here, by construction.


def to_exact(value: object, what: str = "value") -> sympy.Expr:
    """One scalar parameter as an exact SymPy number or symbol."""
    if isinstance(value, bool):
        raise DerivationError(f"{what}: expected a number or a symbol name, got {value!r}")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DerivationError(f"{what}: {value!r} is not a finite number")
        return sympy.Rational(repr(value))
    if isinstance(value, sympy.Expr):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL.match(text):
            return sympy.Rational(text)
        if _FRACTION.match(text):
            num, den = (part.strip() for part in text.split("/"))
            if int(den) == 0:
                raise DerivationError(f"{what}: division by zero in {value!r}")
            return sympy.Rational(int(num), int(den))
        if _IDENT.match(text):
            return sympy.Symbol(text)
        raise DerivationError(f"{what}: {value!r} is neither a number, a fraction nor a symbol name")
    raise DerivationError(f"{what}: expected a number or a symbol name, got {type(value).__name__}")


def symbol_matrix(name: str, rows: int, cols: int) -> sympy.ImmutableMatrix:
    """A matrix of entry symbols ``name_{i,j}``, 1-based."""
    if not _IDENT.match(name):
        raise DerivationError(f"matrix symbol name {name!r} is not an identifier")
    if rows < 1 or cols < 1:
        raise DerivationError(f"matrix {name!r} needs a positive shape, got {rows}x{cols}")
    return sympy.ImmutableMatrix(
        rows, cols, [sympy.Symbol(f"{name}_{{{i + 1},{j + 1}}}") for i in range(rows) for j in range(cols)]
    )


def to_matrix(value: object, what: str = "value", orientation: str = "column") -> sympy.ImmutableMatrix:
    """A matrix parameter: nested list, flat list (column unless ``orientation="row"``), a
    scalar (1x1), or ``{symbol: NAME, shape: [rows, cols]}``."""
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value)
    if isinstance(value, Mapping):
        name = value.get("symbol")
        shape = value.get("shape")
        if not isinstance(name, str) or not _is_shape(shape):
            raise DerivationError(f"{what}: a shaped symbol needs 'symbol: NAME' and 'shape: [rows, cols]'")
        assert isinstance(shape, Sequence)
        return symbol_matrix(name, int(shape[0]), int(shape[1]))
    if isinstance(value, list | tuple):
        if not value:
            raise DerivationError(f"{what}: empty list")
        if all(isinstance(row, list | tuple) for row in value):
            width = len(value[0])
            if width == 0 or any(len(row) != width for row in value):
                raise DerivationError(f"{what}: rows of a matrix must have the same positive length")
            entries = [to_exact(x, what) for row in value for x in row]
            return sympy.ImmutableMatrix(len(value), width, entries)
        if any(isinstance(x, list | tuple) for x in value):
            raise DerivationError(f"{what}: mixes numbers and lists")
        entries = [to_exact(x, what) for x in value]
        if orientation == "row":
            return sympy.ImmutableMatrix(1, len(entries), entries)
        return sympy.ImmutableMatrix(len(entries), 1, entries)
    return sympy.ImmutableMatrix([[to_exact(value, what)]])


def to_vector(value: object, what: str = "value") -> list[sympy.Expr]:
    """A flat list of exact scalars (a matrix of any shape is read row by row)."""
    return list(to_matrix(value, what))


def to_int(value: object, what: str, minimum: int | None = None) -> int:
    """An integer parameter (``3``, ``"3"``, ``3.0``)."""
    exact = to_exact(value, what)
    if not exact.is_Integer:
        raise DerivationError(f"{what}: expected an integer, got {value!r}")
    result = int(exact)
    if minimum is not None and result < minimum:
        raise DerivationError(f"{what}: must be at least {minimum}, got {result}")
    return result


def to_bool(value: object, what: str) -> bool:
    """A boolean parameter (YAML true/false, or the strings true/false/yes/no)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1", "false", "no", "0"}:
        return value.strip().lower() in {"true", "yes", "1"}
    raise DerivationError(f"{what}: expected true or false, got {value!r}")


def to_choice(value: object, what: str, options: Sequence[str]) -> str:
    """One of a fixed set of words."""
    if isinstance(value, str) and value.strip().lower() in options:
        return value.strip().lower()
    raise DerivationError(f"{what}: expected one of {', '.join(options)}, got {value!r}")


def to_name(value: object, what: str) -> str:
    """An identifier used to name a node or a parameter."""
    if isinstance(value, str) and _IDENT.match(value.strip()):
        return value.strip()
    raise DerivationError(f"{what}: {value!r} is not a valid name")


def _is_shape(shape: object) -> bool:
    return (
        isinstance(shape, list | tuple)
        and len(shape) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in shape)
    )
