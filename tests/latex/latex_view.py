"""A parsed value as (shape word, plain value), so the parser's tables read as data."""

from __future__ import annotations

from typing import Any

from grader.latex import (
    Chain,
    Collection,
    Equation,
    Expression,
    MatrixValue,
    Parsed,
    Relation,
    System,
)
from grader.latex.parsed import shape_of


def view(p: Parsed) -> tuple[str, Any]:
    """("equation", (lhs, rhs)), ("chain", values), ("relation", (lhs, op, rhs)), ("system", rows),
    ("tuple" or "set", items), ("expr" / "piecewise" / "matrix", value)."""
    if isinstance(p, Equation):
        return "equation", (p.lhs, p.rhs)
    if isinstance(p, Chain):
        return "chain", p.values
    if isinstance(p, Relation):
        return "relation", (p.lhs, p.op, p.rhs)
    if isinstance(p, System):
        return "system", p.rows
    if isinstance(p, Collection):
        return p.label, p.items
    assert isinstance(p, (Expression, MatrixValue)), p
    return shape_of(p), p.value
