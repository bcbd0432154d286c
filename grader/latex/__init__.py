"""LaTeX text to SymPy: normalisation, symbol context, structures, parse errors with spans."""

from grader.latex.context import MatrixShape, SymbolContext, parse_assumption, parse_given
from grader.latex.parse import parse_latex, parse_latex_here, precheck
from grader.latex.parsed import (
    Chain,
    Collection,
    Equation,
    Expression,
    MatrixValue,
    Parsed,
    ParseFailure,
    Relation,
    System,
    WrittenDecimal,
)
from grader.latex.scan import canonical_name

__all__ = [
    "Chain",
    "Collection",
    "Equation",
    "Expression",
    "MatrixShape",
    "MatrixValue",
    "ParseFailure",
    "Parsed",
    "Relation",
    "System",
    "WrittenDecimal",
    "SymbolContext",
    "canonical_name",
    "parse_assumption",
    "parse_given",
    "parse_latex",
    "parse_latex_here",
    "precheck",
]
