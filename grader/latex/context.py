"""The symbol context an answer is read in: what each name is.

A rubric (or ``grade compare --assume/--given``) says which names are functions (so that
``g(z(X))`` is an application, not a product), which are matrices and of what shape, which are
indexed families (``p_i`` with ``\\sum_i p_i = 1``), which are positive or integer, and which
are defined in terms of others (``q_x := softmax(z)_x``). The context is plain data so that it
pickles to a limited worker and hashes into cache keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from grader.errors import InputError

#: Names read as functions when followed by "(" even if the context does not say so.
DEFAULT_FUNCTIONS = frozenset({"f", "g", "h", "sigma", "phi", "varphi", "psi", "sigmoid", "softmax", "relu", "ReLU", "softplus", "tanh"})

#: Multi-letter words read as one name or function rather than a product of letters.
FUNCTION_WORDS = {
    "ln": r"\ln", "log": r"\log", "exp": r"\exp", "sin": r"\sin", "cos": r"\cos", "tan": r"\tan",
    "tanh": r"\tanh", "max": r"\max", "min": r"\min", "sqrt": r"\sqrt",
}
NAME_FUNCTIONS = frozenset({"sigmoid", "softmax", "relu", "ReLU", "Relu", "softplus", "diag", "KL", "ReLu"})


@dataclass(frozen=True)
class MatrixShape:
    rows: int | str
    cols: int | str


@dataclass(frozen=True)
class SymbolContext:
    """What the names in an answer mean. Immutable; build with ``with_*`` or ``parse_assumption``."""

    functions: frozenset[str] = frozenset()
    not_functions: frozenset[str] = frozenset()
    matrices: tuple[tuple[str, MatrixShape], ...] = ()
    #: name -> index range upper bound (a symbol name or int); ``p_i`` becomes Indexed(p, i).
    indexed: tuple[tuple[str, str], ...] = ()
    #: names of indexed families whose entries are a probability vector (positive, sum to 1).
    probability: frozenset[str] = frozenset()
    positive: frozenset[str] = frozenset()
    nonnegative: frozenset[str] = frozenset()
    integer: frozenset[str] = frozenset()
    nonzero: frozenset[str] = frozenset()
    #: name (LaTeX of the defined thing, e.g. "q_x" or "\\sigma(x)") -> LaTeX definition.
    definitions: tuple[tuple[str, str], ...] = ()
    #: extra multi-letter names (``loss``, ``Loss``) read as one symbol.
    words: frozenset[str] = frozenset()
    log_base: str = "e"  # "e" or "10": what a bare \log means
    e_is_symbol: bool = False
    #: Facts that restrict values beyond domains ("x > 0" as LaTeX), used when sampling.
    constraints: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = field(default=())

    def matrix_shape(self, name: str) -> MatrixShape | None:
        for n, shape in self.matrices:
            if n == name:
                return shape
        return None

    def index_bound(self, name: str) -> str | None:
        for n, bound in self.indexed:
            if n == name:
                return bound
        return None

    def is_function(self, name: str) -> bool:
        if name in self.not_functions:
            return False
        return name in self.functions or name in DEFAULT_FUNCTIONS or name in NAME_FUNCTIONS

    def merged(self, other: SymbolContext) -> SymbolContext:
        """This context with everything ``other`` says added (other wins on conflicts)."""
        return SymbolContext(
            functions=self.functions | other.functions,
            not_functions=(self.not_functions - other.functions) | other.not_functions,
            matrices=_merge_pairs(self.matrices, other.matrices),
            indexed=_merge_pairs(self.indexed, other.indexed),
            probability=self.probability | other.probability,
            positive=self.positive | other.positive,
            nonnegative=self.nonnegative | other.nonnegative,
            integer=self.integer | other.integer,
            nonzero=self.nonzero | other.nonzero,
            definitions=_merge_pairs(self.definitions, other.definitions),
            words=self.words | other.words,
            log_base=other.log_base if other.log_base != "e" else self.log_base,
            e_is_symbol=self.e_is_symbol or other.e_is_symbol,
            constraints=self.constraints + tuple(c for c in other.constraints if c not in self.constraints),
        )

    def with_definition(self, name: str, latex: str) -> SymbolContext:
        return replace(self, definitions=_merge_pairs(self.definitions, ((name.strip(), latex.strip()),)))


def _merge_pairs(a: tuple[tuple[str, object], ...], b: tuple[tuple[str, object], ...]) -> tuple:  # type: ignore[type-arg]
    keys = {k for k, _ in b}
    return tuple(p for p in a if p[0] not in keys) + tuple(b)


_NAME = r"\\?[A-Za-z][A-Za-z0-9_{}\\^']*"
_SHAPE = re.compile(r"^(?:matrix|vector|row vector|column vector)\s*(?:(\w+)\s*[x×*,]\s*(\w+)|(\w+))?$", re.I)
_RELATION = re.compile(r"^(.+?)\s*(>=|<=|>|<|\\ge|\\le|\\geq|\\leq|\\neq|!=)\s*(.+)$")


def parse_assumption(spec: str, base: SymbolContext | None = None) -> SymbolContext:
    """Read one ``--assume`` statement into a context (see README "Assumptions").

    Forms: ``NAME: positive|nonnegative|integer|nonzero|function|symbol|constant``,
    ``NAME: matrix RxC`` / ``vector N`` / ``row vector N``, ``NAME: indexed N`` (``NAME_i``
    entries for i = 1..N), ``NAME: probability vector [N]``, ``log: base 10``, ``e: symbol``,
    and relations ``x > 0``, ``x >= 0``, ``x != 0``.
    """
    ctx = base or SymbolContext()
    text = spec.strip()
    if not text:
        raise InputError("empty assumption")
    if ":" in text:
        name, _, what = (s.strip() for s in text.partition(":"))
        if not re.fullmatch(_NAME, name):
            raise InputError(f"assumption {spec!r}: {name!r} is not a name")
        name = name.lstrip("\\")
        what_l = re.sub(r"\s+", " ", what.lower())
        if name == "log" and what_l in {"base 10", "10"}:
            return replace(ctx, log_base="10")
        if name == "log" and what_l in {"base e", "e", "natural"}:
            return replace(ctx, log_base="e")
        if name == "e" and what_l == "symbol":
            return replace(ctx, e_is_symbol=True)
        simple = {
            "positive": "positive", "nonnegative": "nonnegative", "non-negative": "nonnegative",
            "integer": "integer", "nonzero": "nonzero", "real": None, "symbol": None, "constant": None, "scalar": None,
        }
        if what_l in simple:
            key = simple[what_l]
            out = replace(ctx, not_functions=ctx.not_functions | {name}) if what_l in {"symbol", "constant", "scalar"} else ctx
            if key:
                out = replace(out, **{key: getattr(out, key) | {name}})
            return out
        if what_l == "function":
            return replace(ctx, functions=ctx.functions | {name}, not_functions=ctx.not_functions - {name})
        if what_l.startswith("probability vector"):
            bound = re.sub(r"(?i)^probability\s+vector", "", what.strip()).strip() or "N"  # keep the case
            return replace(ctx, indexed=_merge_pairs(ctx.indexed, ((name, bound),)), probability=ctx.probability | {name})
        if what_l.startswith("indexed"):
            bound = re.sub(r"(?i)^indexed", "", what.strip()).strip() or "N"
            return replace(ctx, indexed=_merge_pairs(ctx.indexed, ((name, bound),)))
        m = _SHAPE.match(re.sub(r"\s+", " ", what.strip()))  # dimension names keep their case
        if m:
            if m.group(3):  # "vector N": a column vector unless "row vector"
                n = _dim(m.group(3))
                shape = MatrixShape(1, n) if what_l.startswith("row") else MatrixShape(n, 1)
            elif m.group(1):
                shape = MatrixShape(_dim(m.group(1)), _dim(m.group(2)))
            else:
                shape = MatrixShape("n", "n") if what_l.startswith("matrix") else MatrixShape("n", 1)
            return replace(ctx, matrices=_merge_pairs(ctx.matrices, ((name, shape),)), not_functions=ctx.not_functions | {name})
        raise InputError(f"assumption {spec!r}: unknown kind {what!r}")
    m = _RELATION.match(text)
    if m:
        lhs, op, rhs = m.groups()
        name = lhs.strip().lstrip("\\")
        if rhs.strip() == "0" and re.fullmatch(r"[A-Za-z]\w*", name):
            kind = {">": "positive", "\\gt": "positive", ">=": "nonnegative", "\\ge": "nonnegative", "\\geq": "nonnegative", "!=": "nonzero", "\\neq": "nonzero"}.get(op)
            if kind:
                return replace(ctx, **{kind: getattr(ctx, kind) | {name}})
        return replace(ctx, constraints=ctx.constraints + (text,))
    raise InputError(f"assumption {spec!r}: expected 'NAME: kind' or a relation such as 'x > 0'")


def _dim(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def parse_given(spec: str, base: SymbolContext | None = None) -> SymbolContext:
    """Read one ``--given NAME=LATEX`` definition into a context."""
    name, sep, latex = spec.partition("=")
    if not sep or not name.strip() or not latex.strip():
        raise InputError(f"given {spec!r}: expected NAME=LATEX")
    return (base or SymbolContext()).with_definition(name, latex)
