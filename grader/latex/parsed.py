"""What a parse gives: one typed value per answer shape, or a ``ParseFailure`` with its span.

An answer is parsed once, at the boundary, and the value travels through comparison, step
checks, follow-through and caches. Each shape is its own frozen dataclass, so the comparer
dispatches on the type rather than on a ``kind`` string:

    Expression   a scalar (or symbolic matrix) SymPy expression, piecewise included
    MatrixValue  a written-out matrix (ImmutableMatrix)
    Equation     lhs = rhs
    Chain        a = b = c (or a mixed chain of relations)
    Relation     lhs op rhs, op one of < <= > >= !=
    System       several equations or relations
    Collection   a tuple (ordered) or a set of answers

``key`` is the normalised content of a value (its structure and the digits of the decimals the
student wrote): two texts with the same key grade the same, so caches key on it. It is computed
where the value was parsed, inside the limited worker.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import sympy


@dataclass(frozen=True)
class WrittenDecimal:
    """A decimal the student wrote: its text, its significant digits and its exact value."""

    text: str
    digits: int
    value: sympy.Rational


@dataclass(frozen=True, kw_only=True)
class _Value:
    latex: str
    span: tuple[int, int] | None = None
    decimals: tuple[WrittenDecimal, ...] = ()
    key: str = field(default="", compare=False)
    #: names the value depends on (symbols, matrix symbols, indexed families), bound indices excluded
    names: frozenset[str] = field(default=frozenset(), compare=False)

    kind: ClassVar[str] = "value"

    def single(self) -> Any:
        """The one value of an answer (the right side of an equation, the end of a chain), or None."""
        return None

    def sympy_values(self) -> tuple[Any, ...]:
        """Every SymPy value in this answer, in order (for names and keys)."""
        return ()


@dataclass(frozen=True, kw_only=True)
class Expression(_Value):
    value: Any
    kind: ClassVar[str] = "expr"

    def single(self) -> Any:
        return self.value

    def sympy_values(self) -> tuple[Any, ...]:
        return (self.value,)

    @property
    def is_piecewise(self) -> bool:
        return isinstance(self.value, sympy.Piecewise)


@dataclass(frozen=True, kw_only=True)
class MatrixValue(_Value):
    value: sympy.ImmutableMatrix
    kind: ClassVar[str] = "matrix"

    def single(self) -> Any:
        return self.value

    def sympy_values(self) -> tuple[Any, ...]:
        return (self.value,)


@dataclass(frozen=True, kw_only=True)
class Equation(_Value):
    lhs: Any
    rhs: Any
    kind: ClassVar[str] = "equation"

    def single(self) -> Any:
        return self.rhs

    def sympy_values(self) -> tuple[Any, ...]:
        return (self.lhs, self.rhs)


@dataclass(frozen=True, kw_only=True)
class Chain(_Value):
    values: tuple[Any, ...]
    relations: tuple[str, ...]
    kind: ClassVar[str] = "chain"

    def single(self) -> Any:
        return self.values[-1]

    def sympy_values(self) -> tuple[Any, ...]:
        return self.values

    @property
    def all_equal(self) -> bool:
        return all(op == "=" for op in self.relations)


@dataclass(frozen=True, kw_only=True)
class Relation(_Value):
    lhs: Any
    op: str
    rhs: Any
    kind: ClassVar[str] = "relation"

    def sympy_values(self) -> tuple[Any, ...]:
        return (self.lhs, self.rhs)


@dataclass(frozen=True, kw_only=True)
class System(_Value):
    rows: tuple[Parsed, ...]
    kind: ClassVar[str] = "system"

    def sympy_values(self) -> tuple[Any, ...]:
        return tuple(v for r in self.rows for v in r.sympy_values())


@dataclass(frozen=True, kw_only=True)
class Collection(_Value):
    items: tuple[Parsed, ...]
    ordered: bool
    kind: ClassVar[str] = "collection"

    @property
    def label(self) -> str:
        return "tuple" if self.ordered else "set"

    def sympy_values(self) -> tuple[Any, ...]:
        return tuple(v for i in self.items for v in i.sympy_values())


Parsed = Expression | MatrixValue | Equation | Chain | Relation | System | Collection


@dataclass(frozen=True, kw_only=True)
class ParseFailure:
    """Text that could not be read: why, and where in the text that was given (for a caret)."""

    message: str
    text: str
    span: tuple[int, int] | None = None

    def pointer(self) -> str:
        """The message, the offending line and a caret under the span (PrairieLearn style)."""
        from grader.errors import LatexError

        return LatexError(self.message, self.text, self.span).pointer()


def shape_of(value: Parsed) -> str:
    """A word for the shape of an answer, for feedback ("a system", "a tuple")."""
    if isinstance(value, Collection):
        return value.label
    if isinstance(value, Expression) and value.is_piecewise:
        return "piecewise"
    return value.kind


# -- normalised content ------------------------------------------------------------------------

_DUMMY = re.compile(r"Dummy\('([^']*)', dummy_index=\d+\)")


def content_key(value: Parsed) -> str:
    """A digest of what the value is and of the digits written: equal keys grade alike."""
    parts = [type(value).__name__, _structure(value)]
    parts += [f"{d.digits}:{d.value}" for d in value.decimals]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _structure(value: Parsed) -> str:
    if isinstance(value, System):
        return "[" + ";".join(type(r).__name__ + _structure(r) for r in value.rows) + "]"
    if isinstance(value, Collection):
        return ("(" if value.ordered else "{") + ";".join(type(i).__name__ + _structure(i) for i in value.items) + ")"
    extra = ",".join(value.relations) if isinstance(value, Chain) else (value.op if isinstance(value, Relation) else "")
    text = "#".join(sympy.srepr(v) for v in value.sympy_values()) + "#" + extra
    order: dict[str, int] = {}

    def dummy(m: re.Match[str]) -> str:  # Dummies are numbered per process: number them here
        return f"Dummy({m.group(1)!r},{order.setdefault(m.group(0), len(order))})"

    return _DUMMY.sub(dummy, text)


def free_names(value: Parsed) -> frozenset[str]:
    """The names a value depends on: symbols, matrix symbols and indexed families, less the
    indices that sums and products bind."""
    names: set[str] = set()
    bound: set[str] = set()
    for e in value.sympy_values():
        for node in _nodes(e):
            if isinstance(node, sympy.Indexed):
                names.add(str(node.base))
            elif isinstance(node, (sympy.Symbol, sympy.MatrixSymbol)):
                names.add(str(node))
            elif isinstance(node, (sympy.Sum, sympy.Product)):
                bound |= {str(lim[0]) for lim in node.limits}
    return frozenset(names - bound)


def _nodes(e: Any) -> Any:
    if isinstance(e, sympy.MatrixBase):
        for x in e:
            yield from _nodes(x)
    elif isinstance(e, sympy.Basic):
        yield from sympy.preorder_traversal(e)


def finished(value: Parsed) -> Parsed:
    """The value with its key and names filled in (done once, where it was parsed)."""
    object.__setattr__(value, "names", free_names(value))
    object.__setattr__(value, "key", content_key(value))
    return value
