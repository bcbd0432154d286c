"""LaTeX answer text to a SymPy value, in a symbol context, with limits and spans.

Pipeline: clean (delimiters, numbering, spacing) -> size and nesting limits -> structure
(chain ``a = b = c``, system ``\\begin{cases}``, tuple, set, piecewise) -> per piece: the
scanner's placeholders -> latex2sympy2_extended -> placeholders replaced by the real objects.
``parse_latex`` runs all of that in the limited worker; ``parse_latex_here`` is the same in the
current process for callers already inside it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any

import sympy
from latex2sympy2_extended import latex2sympy
from latex2sympy2_extended.latex2sympy2 import ConversionConfig
from latex2sympy2_extended.math_normalization import NormalizationConfig

from grader import budget
from grader.errors import BudgetExceeded, LatexError
from grader.latex.clean import clean_math
from grader.latex.context import DEFAULT_FUNCTIONS, NAME_FUNCTIONS, SymbolContext
from grader.latex.limits import base_parser_input, check_values, precheck
from grader.latex.mapped import Mapped
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
    finished,
)
from grader.latex.relations import VALUE_SIGN, comparison
from grader.latex.scan import rewrite
from grader.latex.tokens import Apply, Diff, Indexed, Name, Number, Token

_CONVERSION = ConversionConfig(lowercase_symbols=False, interpret_as_mixed_fractions=False, interpret_simple_eq_as_assignment=False)
_NORMALISATION = NormalizationConfig(basic_latex=False, units=False, malformed_operators=False, nits=False, boxed="none", equations=False)


def parse_latex(text: str, context: SymbolContext | None = None, *, seconds: float = budget.CALL_SECONDS) -> Parsed | ParseFailure:
    """Parse an answer under the time and memory limits: a typed value, or why not and where.

    The boundary of the grading path: student text is parsed here once, and the value (which
    crossed back from the limited worker inert, see ``budget``) is what every later step uses.
    """
    try:
        precheck(text)
        return budget.limited(_parse_or_failure, text, context, seconds=seconds)
    except LatexError as exc:
        return ParseFailure(message=exc.message, text=text, span=exc.span)
    except BudgetExceeded as exc:
        return ParseFailure(message=f"parsing stopped: {exc}", text=text, span=(0, len(text)) if text else None)


def _parse_or_failure(text: str, context: SymbolContext | None) -> Parsed | ParseFailure:
    try:
        return parse_latex_here(text, context)
    except LatexError as exc:
        return ParseFailure(message=exc.message, text=text, span=exc.span)
    except (NotImplementedError, TypeError, ValueError, AttributeError, IndexError, KeyError) as exc:
        # SymPy refusing a construct (a noncommutative factor in a matrix product, ...) is an
        # answer this reader cannot read, never a crash of the whole submission's grading
        return ParseFailure(message=f"cannot read this LaTeX: {str(exc)[:120] or type(exc).__name__}", text=text, span=(0, len(text)))


#: What SymPy or the base parser may raise on odd input; at the boundary it is a LatexError.
_EVALUATION_ERRORS = (ValueError, TypeError, ArithmeticError, AttributeError, IndexError, KeyError, NotImplementedError,
                      sympy.SympifyError)


def parse_latex_here(text: str, context: SymbolContext | None = None) -> Parsed:
    """Parse in this process and raise LatexError (with span) on failure; no limit of its own:
    call it inside the limited worker.

    Memoised: definitions and samples are read again by every comparison in the worker; contexts
    are frozen values and a Parsed is immutable, so a cached result is as good as a new one.
    """
    return _parse_cached(text, context or SymbolContext())


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str, context: SymbolContext) -> Parsed:
    precheck(text)
    mapped = clean_math(text)
    if not mapped.text.strip():
        raise LatexError("empty answer", text, (0, len(text)))
    try:
        parsed = _Reader(context, text).structure(mapped)
        check_values(parsed.sympy_values(), text)  # before anything prints or evaluates it
        return finished(parsed)
    except LatexError as exc:
        if not exc.text:
            exc.text = text
        raise
    except RecursionError:
        raise LatexError("expression nested too deeply", text, (0, len(text))) from None
    except _EVALUATION_ERRORS as exc:  # never a traceback for a student's text
        raise LatexError(f"cannot read this LaTeX ({type(exc).__name__}: {str(exc)[:120]})", text, (0, len(text))) from None


class _Reader:
    def __init__(self, ctx: SymbolContext, original: str) -> None:
        self.ctx = ctx
        self.original = original
        self.table: dict[str, Token] = {}
        self.counter = [0]
        self.decimals: list[WrittenDecimal] = []

    # -- structure -------------------------------------------------------------------------
    def structure(self, m: Mapped) -> Parsed:
        start = len(self.decimals)
        parsed = self._structure(m)
        return replace(parsed, decimals=tuple(self.decimals[start:]))

    def _common(self, m: Mapped, span: tuple[int, int] | None) -> dict[str, Any]:
        return {"latex": m.text, "span": span, "decimals": tuple(self.decimals)}

    def _structure(self, m: Mapped) -> Parsed:
        m = m.strip()
        text = m.text
        span = m.source_span(0, len(text)) if text else None
        env = re.fullmatch(r"\\begin\{cases\}(.*)\\end\{cases\}", text, re.S)
        if env:
            return self.cases(m.slice(env.start(1), env.end(1)), span)
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):  # 7,425,000: thousands separators
            m = m.sub(",", "")
            text = m.text
        if re.fullmatch(r"-?\d{1,3}( \d{3})+(\.\d+)?", text):  # 1 000 and 7 425 000 (a whole answer only)
            m = m.sub(" ", "")
            text = m.text
        rows = _split_top(text, re.compile(r"\\\\"))
        if len(rows) > 1 and not text.startswith("\\begin") and all(_has_left_side(text[a:b]) for a, b in rows):
            # aligned rows that each name their own left side: "w_1 &= -1 \\ b &= 0" is a system
            return self.system(m, rows, span)
        if len(rows) > 1 and not text.startswith("\\begin"):
            # align-style rows: "a &= b \\ &= c" continue one chain
            m = _join(m, rows)
            text = m.text
        amps = _split_top(text, re.compile("&"))
        if len(amps) > 1:
            m = _join(m, amps)
            text = m.text
        commas = _split_top(text, re.compile(","))
        if len(commas) > 1 and all(len(_split_top(text[a:b], VALUE_SIGN)) > 1 for a, b in commas):
            return self.system(m, commas, span)
        pieces = _split_top(text, VALUE_SIGN, keep=True)
        if len(pieces) > 1:
            return self.relations(m, pieces, span)
        if len(commas) > 1:
            return self.collection(m, commas, True, span)
        if text.startswith("\\{") and text.endswith("\\}") and _balanced_whole(text, "\\{", "\\}"):
            inner = m.slice(2, len(text) - 2)
            if not inner.text.strip():
                return Collection(items=(), ordered=False, **self._common(m, span))  # \{\}: the empty set
            return self.collection(inner, _split_top(inner.text, re.compile(",")), False, span)
        if text.startswith("(") and text.endswith(")") and _balanced_whole(text, "(", ")"):
            inner = m.slice(1, len(text) - 1)
            parts = _split_top(inner.text, re.compile(","))
            if len(parts) > 1:
                return self.collection(inner, parts, True, span)
        value = self.expression(m)
        if isinstance(value, sympy.MatrixBase):
            return MatrixValue(value=value, **self._common(m, span))
        return Expression(value=value, **self._common(m, span))

    def system(self, m: Mapped, parts: list[tuple[int, int]], span: tuple[int, int] | None) -> Parsed:
        rows = tuple(self.structure(m.slice(a, b)) for a, b in parts)
        return System(rows=rows, **self._common(m, span))

    def collection(self, m: Mapped, parts: list[tuple[int, int]], ordered: bool, span: tuple[int, int] | None) -> Parsed:
        items = tuple(self.structure(m.slice(a, b)) for a, b in parts)
        if ordered and all(isinstance(p, (Equation, Relation)) for p in items):
            return System(rows=items, **self._common(m, span))
        return Collection(items=items, ordered=ordered, **self._common(m, span))

    def relations(self, m: Mapped, pieces: list[tuple[int, int]], span: tuple[int, int] | None) -> Parsed:
        exprs: list[Any] = []
        ops: list[str] = []
        for idx, (a, b) in enumerate(pieces):
            if idx % 2 == 1:
                ops.append(comparison(m.text[a:b]) or "=")
                continue
            piece = m.slice(a, b).strip()
            if not piece.text:
                raise LatexError("a relation with an empty side", self.original, m.source_span(a, max(b, a + 1)))
            exprs.append(self.expression(piece))
        common = self._common(m, span)
        if all(op == "=" for op in ops) and len(exprs) == 2:
            return Equation(lhs=exprs[0], rhs=exprs[1], **common)
        if len(exprs) == 2:
            return Relation(lhs=exprs[0], op=ops[0], rhs=exprs[1], **common)
        return Chain(values=tuple(exprs), relations=tuple(ops), **common)

    def cases(self, m: Mapped, span: tuple[int, int] | None) -> Parsed:
        rows = [r for r in _split_top(m.text, re.compile(r"\\\\")) if m.text[r[0]:r[1]].strip()]
        parsed_rows: list[Parsed] = []
        piecewise: list[tuple[Any, Any]] = []
        for a, b in rows:
            row = m.slice(a, b).sub(r"(?:[,;]|\.(?!\d))\s*\Z", "")  # "w_1 = -1, \\" ends a row
            cells = _split_top(row.text, re.compile("&"))
            if len(cells) == 2:
                value = self.expression(row.slice(*cells[0]).strip())
                cond_text = row.slice(*cells[1]).strip()
                cond_text = cond_text.sub(r"^(?:\\text\{\s*(?:if|for|when)\s*\}|if|,)\s*", "").strip()
                if re.fullmatch(r"(?:\\text\{\s*)?(?:otherwise|else|o\.w\.)(?:\s*\})?\.?", cond_text.text):
                    cond: Any = sympy.true
                else:
                    cond = self.condition(cond_text)
                piecewise.append((value, cond))
            else:
                parsed_rows.append(self.structure(row.sub("&", " ")))
        if piecewise and not parsed_rows:
            return Expression(value=sympy.Piecewise(*piecewise), **self._common(m, span))
        if piecewise:
            raise LatexError("a cases block mixing conditions and equations", self.original, span)
        return System(rows=tuple(parsed_rows), **self._common(m, span))

    def condition(self, m: Mapped) -> Any:
        pieces = _split_top(m.text, VALUE_SIGN, keep=True)
        if len(pieces) != 3:
            raise LatexError("a condition that is not a single comparison", self.original, m.source_span(0, len(m.text)))
        lhs = self.expression(m.slice(*pieces[0]).strip())
        rhs = self.expression(m.slice(*pieces[2]).strip())
        op = comparison(m.text[pieces[1][0]:pieces[1][1]]) or "="
        return sympy.Rel(lhs, rhs, "==" if op == "=" else op)

    # -- expressions -------------------------------------------------------------------------
    def expression(self, m: Mapped) -> Any:
        m = m.strip()
        if not m.text:
            raise LatexError("an empty expression", self.original, m.source_span(0, 1) if m.origin else None)
        before = set(self.table)
        try:
            rewritten = rewrite(m, self.ctx, self.expression, self.table, self.counter)
        except LatexError:
            fallback = base_reading(m.text, self.ctx)
            if fallback is None:
                raise
            return fallback
        if re.search(r"\\(?:int|iint|oint)(?![a-zA-Z])", m.text):
            # integrals are the base grammar's (its differential "dx" is not our product d*x)
            fallback = base_reading(m.text, self.ctx)
            if fallback is not None:
                return fallback
        new = {k: v for k, v in self.table.items() if k not in before}
        variables = self.matrix_variables(new)
        unsafe = base_parser_input(rewritten.text)
        if unsafe is not None:
            raise LatexError("cannot read this number", self.original, rewritten.source_span(*unsafe))
        try:
            raw = latex2sympy(rewritten.text, variable_values=variables or None, normalization_config=_NORMALISATION, conversion_config=_CONVERSION)
        except LatexError:
            raise
        except RecursionError:
            raise
        except Exception as exc:  # the base parser raises bare Exceptions with a caret picture
            fallback = base_reading(m.text, self.ctx)
            if fallback is not None:
                return fallback
            raise LatexError(_parser_message(exc), self.original, _parser_span(exc, rewritten)) from None
        for tok in new.values():
            if isinstance(tok, Number):
                self.decimals.append(WrittenDecimal(tok.text, tok.digits, sympy.Rational(tok.numerator, tok.denominator)))
        try:
            return self.substitute(raw)
        except (ArithmeticError, ValueError, TypeError, sympy.ShapeError, sympy.NonSquareMatrixError) as exc:
            # putting values back can evaluate (x \bmod 0, the power of a non-square matrix)
            raise LatexError(f"cannot evaluate this LaTeX: {exc}", self.original, m.source_span(0, len(m.text))) from None

    def matrix_variables(self, new: dict[str, Token]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for ph, tok in new.items():
            if isinstance(tok, Name):
                shape = self.ctx.matrix_shape(tok.canonical) or (self.ctx.matrix_shape(tok.base) if tok.subscript is None else None)
                if shape is not None:
                    out[f"math{{{ph}}}"] = sympy.MatrixSymbol(f"math{{{ph}}}", _dim(shape.rows), _dim(shape.cols))
        return out

    def substitute(self, raw: Any) -> Any:
        if isinstance(raw, (bool, int)):
            return sympy.sympify(raw)  # a Python literal from the base parser, not text
        repl: dict[Any, Any] = {}
        for atom in _atoms(raw):
            name = getattr(atom, "name", None)
            if not isinstance(name, str) or not name.startswith("math{v"):
                if isinstance(atom, sympy.Symbol) and isinstance(name, str) and name.startswith(("math{", "\\", "text{")):
                    raise LatexError(f"unknown command or name {name!r}", self.original)
                continue
            ph = name[5:-1]
            tok = self.table.get(ph)
            if tok is None:  # a placeholder the base parser glued to something ("math{v1}_2")
                raise LatexError(f"cannot read this LaTeX near {name!r}", self.original)
            repl[atom] = self.realise(tok, atom)
        out = raw.xreplace(repl) if repl else raw
        if isinstance(out, (sympy.Max, sympy.Min)) and any(isinstance(a, (sympy.MatrixBase, sympy.MatrixExpr)) for a in out.args):
            out = _entrywise_extremum(out)  # \max(0, Z): ReLU of a written-out matrix
        if isinstance(out, sympy.MatrixExpr) and not isinstance(out, sympy.MatrixBase) and not out.atoms(sympy.MatrixSymbol):
            out = out.as_explicit()  # B - 0.02 M of written-out matrices: one matrix of entries
        if isinstance(out, sympy.MatrixBase):
            out = sympy.ImmutableMatrix(out)
        return out

    def realise(self, tok: Token, atom: Any) -> Any:
        if isinstance(tok, Number):
            return sympy.Rational(tok.numerator, tok.denominator)
        if isinstance(tok, Name):
            if isinstance(atom, sympy.MatrixSymbol):
                return sympy.MatrixSymbol(tok.canonical, atom.rows, atom.cols)
            return make_symbol(tok.canonical, tok.base, self.ctx)
        if isinstance(tok, Indexed):
            return sympy.IndexedBase(tok.base)[tok.index]
        if isinstance(tok, Apply):
            fname = tok.function.canonical
            args = tuple(self.substitute(a) if not isinstance(a, sympy.Basic) else a for a in tok.args)
            value: Any = apply_function(fname, args)
            if tok.index is not None:
                value = sympy.Function(f"{fname}_idx")(*args, tok.index) if fname != "softmax" else _softmax_entry(args, tok.index, self.ctx)
            if tok.power is not None:
                value = sympy.Pow(value, tok.power)
            return value
        if isinstance(tok, Diff):
            var = make_symbol(tok.var.canonical, tok.var.base, self.ctx)
            return sympy.Derivative(tok.expr, (var, tok.order))
        raise LatexError("internal: unknown token")


#: Constructs whose meaning we define differently from the base parser: text containing one of
#: them is never handed to the base parser as it stands (``base_reading``).
_OUR_MEANINGS = re.compile(
    r"'|\\prime|\\log(?![a-zA-Z])|\\lg(?![a-zA-Z])|(?<![\\a-zA-Z])(?:log|ln|exp|sin|cos|tan|tanh|max|min|sqrt)(?![a-zA-Z])"  # primes, log base
    r"|\d*\.\d|%|\d\s*[eE][+-]?\d"  # decimals and percentages are exact with significant digits
    r"|\\(?:hat|widehat|bar|overline|tilde|widetilde|vec|dot|ddot|check|underline|mathbf|boldsymbol|bm|mathit|mathsf"
    r"|mathcal|mathbb|mathscr|mathfrak|pmb|mathrm|text\w*|operatorname|mbox|rm|bf)(?![a-zA-Z])"  # accented and styled names
    r"|\\partial|\\nabla|\\frac\s*\{\s*d[^{}]*\}\s*\{\s*d|\\mathrm\{d\}"  # derivatives
    r"|\|\||\^\s*\{?\s*T(?![a-zA-Z])|\\top|\\dagger|\\intercal"  # norms and transposes
    r"|(?<![\\a-zA-Z])[a-zA-Z]\d"  # w11 is one name
    r"|\\(?:begin|end)(?![a-zA-Z])|\\\\|&"  # matrices and environments
)
#: Constants the base parser substitutes for names that are plain symbols to us.
_BASE_CONSTANTS = {sympy.EulerGamma: "gamma", sympy.GoldenRatio: "phi", sympy.Catalan: "G"}


def base_reading(text: str, ctx: SymbolContext) -> Any:
    """The base parser's reading of ``text`` (already cleaned) with its symbols mapped to ours.

    Used only when our rewritten text fails in the base parser (``\\lim_{x \\to 3}``,
    ``{n \\choose k}``, ``\\vertx\\vert``): the base grammar then reads the original, and the
    result is kept only if the text has none of the constructs whose meaning we define
    (``_OUR_MEANINGS``, names the context declares) and the value is a plain expression whose
    symbols map onto ours. Returns None when that is not so, and the caller reports its error.
    """
    if _OUR_MEANINGS.search(text):
        return None
    declared = set(ctx.functions) | set(ctx.words) | {n for n, _ in ctx.matrices} | {n for n, _ in ctx.indexed}
    declared |= {re.split(r"[_^({]", n.lstrip("\\"))[0] for n, _ in ctx.definitions}
    for name in declared | {f for f in DEFAULT_FUNCTIONS | NAME_FUNCTIONS}:
        if name and re.search(r"(?<![a-zA-Z])" + re.escape(name) + r"(?![a-zA-Z])", text) and (name in declared or re.search(re.escape(name) + r"\s*(?:\^\s*\S+\s*)?\(", text)):
            return None  # a declared name or a function application: ours to read
    if ctx.e_is_symbol and re.search(r"(?<![a-zA-Z\\])e(?![a-zA-Z])", text):
        return None
    if base_parser_input(text) is not None:
        return None  # a number the base parser would hand to sympify as other than digits
    try:
        raw = latex2sympy(text, normalization_config=_NORMALISATION, conversion_config=_CONVERSION)
    except Exception:  # noqa: BLE001 - the base parser cannot read it either: the caller's error stands
        return None
    if isinstance(raw, sympy.MatrixBase) or not isinstance(raw, sympy.Expr) or raw.atoms(sympy.Float, sympy.MatrixSymbol):
        return None
    if raw.has(sympy.I) and not re.search(r"\\sqrt\{\s*-", text):
        return None  # the base parser's i is the imaginary unit; ours is a name
    repl: dict[Any, Any] = {}
    for const, name in _BASE_CONSTANTS.items():
        if raw.has(const):
            if "\\" + name not in text and name not in text:
                return None
            repl[const] = make_symbol(name, name, ctx)
    for sym in raw.free_symbols:
        name = getattr(sym, "name", "")
        if not isinstance(sym, sympy.Symbol) or name.startswith(("\\", "math{", "text{")) or "\\" in name:
            return None
        base = re.split(r"_", name, maxsplit=1)[0]
        canonical = re.sub(r"_\{([^{}])\}$", r"_\1", name)  # x_{2} -> x_2, as the name reader writes it
        repl[sym] = make_symbol(canonical, base, ctx)
    return raw.xreplace(repl) if repl else raw


def make_symbol(canonical: str, base: str, ctx: SymbolContext) -> sympy.Symbol:
    """The SymPy symbol for a name, with the assumptions the context gives it."""
    assumptions: dict[str, bool] = {"real": True}
    for key in ("positive", "nonnegative", "integer", "nonzero"):
        if canonical in getattr(ctx, key) or base in getattr(ctx, key):
            assumptions[key] = True
    return sympy.Symbol(canonical, **assumptions)


def apply_function(name: str, args: tuple[Any, ...]) -> Any:
    """A function applied to arguments; the standard activations get their meaning, entrywise on a
    matrix (``\\text{ReLU}(X)``), and softmax of a vector is a vector."""
    lowered = name.lower()
    if len(args) == 1 and isinstance(args[0], sympy.MatrixBase):
        m = args[0]
        if lowered == "softmax":
            total = sum((sympy.exp(v) for v in m), sympy.Integer(0))
            return sympy.ImmutableMatrix(m.shape[0], m.shape[1], [sympy.exp(v) / total for v in m])
        if lowered in ("sigmoid", "relu", "softplus", "tanh"):
            return sympy.ImmutableMatrix(m.shape[0], m.shape[1], [apply_function(name, (v,)) for v in m])
    if lowered == "sigmoid" and len(args) == 1:
        return 1 / (1 + sympy.exp(-args[0]))
    if lowered == "relu" and len(args) == 1:
        return sympy.Max(0, args[0])
    if lowered == "softplus" and len(args) == 1:
        return sympy.log(1 + sympy.exp(args[0]))
    if lowered == "tanh" and len(args) == 1:
        return sympy.tanh(args[0])
    return sympy.Function(name)(*args)


def _entrywise_extremum(e: Any) -> Any:
    """``Max``/``Min`` of scalars and equally shaped matrices, entry by entry."""
    args = [a.as_explicit() if isinstance(a, sympy.MatrixExpr) and not a.atoms(sympy.MatrixSymbol) else a for a in e.args]
    if any(isinstance(a, sympy.MatrixExpr) and not isinstance(a, sympy.MatrixBase) for a in args):
        raise LatexError("\\max or \\min of a symbolic matrix: write it entry by entry")
    e = e.func(*args, evaluate=False)
    mats = [a for a in e.args if isinstance(a, sympy.MatrixBase)]
    shape = mats[0].shape
    if any(m.shape != shape for m in mats):
        raise LatexError("\\max or \\min of matrices of different shapes")
    entries = []
    for k in range(shape[0] * shape[1]):
        entries.append(e.func(*[a[k] if isinstance(a, sympy.MatrixBase) else a for a in e.args]))
    return sympy.ImmutableMatrix(shape[0], shape[1], entries)


def _softmax_entry(args: tuple[Any, ...], index: Any, ctx: SymbolContext) -> Any:
    vec = args[0]
    if isinstance(vec, sympy.Symbol) and ctx.index_bound(vec.name) is not None:
        j = sympy.Dummy("j", integer=True)
        z = sympy.IndexedBase(vec.name)
        bound = ctx.index_bound(vec.name)
        return sympy.exp(z[index]) / sympy.Sum(sympy.exp(z[j]), (j, 1, _dim(bound)))
    if isinstance(vec, sympy.MatrixBase):
        k = int(index) - 1
        return sympy.exp(vec[k]) / sum(sympy.exp(v) for v in vec)
    return sympy.Function("softmax_idx")(vec, index)


def _dim(value: int | str | None) -> Any:
    if value is None:
        return sympy.Symbol("n", integer=True, positive=True)
    if isinstance(value, int) or str(value).isdigit():
        return sympy.Integer(int(value))
    return sympy.Symbol(str(value), integer=True, positive=True)


def _atoms(expr: Any) -> set[Any]:
    if isinstance(expr, sympy.MatrixBase):
        out: set[Any] = set()
        for e in expr:
            out |= _atoms(e)
        return out
    if not isinstance(expr, sympy.Basic):
        return set()
    found: set[Any] = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Symbol, sympy.MatrixSymbol)):
            found.add(node)
    return found


def _split_top(text: str, sep: re.Pattern[str], keep: bool = False) -> list[tuple[int, int]]:
    """Spans of ``text`` split at matches of ``sep`` outside any bracket or environment."""
    spans: list[tuple[int, int]] = []
    depth = 0
    env = 0
    start = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            if text.startswith("\\begin", i):
                env += 1
            elif text.startswith("\\end", i):
                env -= 1
            if depth == 0 and env == 0 and text.startswith("\\\\", i) and sep.pattern == r"\\\\":
                spans.append((start, i))
                start = i + 2
                i += 2
                continue
            if text.startswith("\\{", i) or text.startswith("\\}", i):
                depth += 1 if text[i + 1] == "{" else -1
                i += 2
                continue
            if depth == 0 and env == 0 and sep.pattern != r"\\\\" and (m := sep.match(text, i)) and m.end() > i:
                start = i = _cut(spans, start, i, m.end(), keep)
                continue
            m2 = re.match(r"\\[A-Za-z]+|\\.", text[i:i + 30])
            i += len(m2.group(0)) if m2 else 1
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif depth == 0 and env == 0 and sep.pattern != r"\\\\" and (m := sep.match(text, i)) and m.end() > i:
            start = i = _cut(spans, start, i, m.end(), keep)
            continue
        i += 1
    spans.append((start, n))
    return spans


def _has_left_side(row: str) -> bool:
    """True when an aligned row is a relation with something before it (not "&= c")."""
    pieces = _split_top(row.replace("&", " "), VALUE_SIGN, keep=True)
    return len(pieces) > 1 and bool(row[: row.find("&")].strip() if "&" in row else row[: pieces[0][1]].strip())


def _cut(spans: list[tuple[int, int]], start: int, at: int, end: int, keep: bool) -> int:
    """Close the piece ``start:at`` at a separator ending at ``end`` (kept when ``keep``)."""
    spans.append((start, at))
    if keep:
        spans.append((at, end))
    return end


def _join(m: Mapped, spans: list[tuple[int, int]]) -> Mapped:
    """The pieces of ``m`` at ``spans`` joined by single spaces, offsets kept."""
    text: list[str] = []
    origin: list[int] = []
    for a, b in spans:
        if text:
            text.append(" ")
            origin.append(m.origin[a] if a < len(m.origin) else (m.origin[-1] if m.origin else 0))
        text.append(m.text[a:b])
        origin.extend(m.origin[a:b])
    return Mapped("".join(text), tuple(origin))


def _balanced_whole(text: str, open_: str, close: str) -> bool:
    """True when the opening bracket at 0 closes at the very end."""
    depth = 0
    i = 0
    while i < len(text):
        if text.startswith(open_, i):
            depth += 1
            i += len(open_)
            continue
        if text.startswith(close, i):
            depth -= 1
            i += len(close)
            if depth == 0 and i < len(text):
                return False
            continue
        i += 1
    return depth == 0


def _parser_message(exc: Exception) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"cannot read this LaTeX: {first}"


def _parser_span(exc: Exception, rewritten: Mapped) -> tuple[int, int] | None:
    lines = str(exc).splitlines()
    for line in lines:
        if re.fullmatch(r"\s*~*\^", line):
            col = line.index("^")
            return rewritten.source_span(col, col + 1)
    return rewritten.source_span(0, len(rewritten.text)) if rewritten.text else None
