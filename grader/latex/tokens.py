"""What a placeholder in the rewritten LaTeX stands for.

The scanner replaces each name, decimal number, function application and derivative by a
placeholder the base parser reads as one atom; these values say what to put back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Name:
    """A symbol-like name: ``z_x``, ``h_{t+1}``, ``W^{[1]}``, ``bar{h_t}``, ``sigma'``, ``dE/dW``."""

    canonical: str
    base: str
    subscript: str | None = None
    primes: int = 0
    transpose: bool = False
    derivative: bool = False


@dataclass(frozen=True)
class Number:
    """A number written as a decimal, in scientific notation or as a percentage."""

    text: str
    numerator: int
    denominator: int
    digits: int  # significant digits written


@dataclass(frozen=True)
class Apply:
    """A function applied to arguments (each already parsed), maybe raised to a power."""

    function: Name
    args: tuple[Any, ...]
    power: Any = None
    index: Any = None  # softmax(z)_x


@dataclass(frozen=True)
class Diff:
    """A derivative of a parsed expression with respect to a name."""

    expr: Any
    var: Name
    order: int = 1


@dataclass(frozen=True)
class Indexed:
    """An entry of an indexed family: ``p_i`` with ``p`` declared indexed."""

    base: str
    index: Any


Token = Name | Number | Apply | Diff | Indexed
