"""Is this answer equal to the expected one, and if not, what kind of mistake is it?

Layered: structural equality; numbers compared with a tolerance derived from the digits the
student wrote; numeric evaluation at seeded random points (see ``numeric``); symbolic
confirmation of small expressions. Structures (equations, chains, systems, tuples, sets,
matrices) are compared part by part. ``equivalent`` runs everything in the limited worker and
never raises for student input: the answer is always a Verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from grader import budget
from grader.compare.definitions import definition_rules, expand_definitions
from grader.compare.diagnose import diagnose
from grader.compare.numeric import Point, close, realise, sample_points, to_number
from grader.errors import BudgetExceeded, GraderError, LatexError
from grader.latex.context import SymbolContext
from grader.latex.parse import Parsed, parse_latex_here, precheck
from grader.model import Verdict

#: Relative tolerance for "the same exact value" at 30-digit evaluation.
EXACT_REL = 1e-18


@dataclass(frozen=True)
class CompareOptions:
    """How strict a comparison is. Tolerances widen (never narrow) the digits rule."""

    rel_tol: float | None = None
    abs_tol: float | None = None
    #: fewest significant digits a decimal may have and still pass as a rounding of the value
    min_digits: int = 3
    seconds: float = 5.0
    points: int = 6
    symbolic: bool = True


def equivalent(expected: str | Parsed, answer: str | Parsed, context: SymbolContext | None = None, *, options: CompareOptions | None = None) -> Verdict:
    """Compare ``answer`` with ``expected`` (LaTeX or parsed) under a time and memory limit."""
    opts = options or CompareOptions()
    ctx = context or SymbolContext()
    try:
        if isinstance(answer, str):
            precheck(answer)
        if isinstance(expected, str):
            precheck(expected)
    except LatexError as exc:
        return Verdict(None, "none", "UNPARSED", "Your answer could not be read.", error=exc.message, span=exc.span)
    try:
        return budget.limited(compare_here, expected, answer, ctx, opts, seconds=opts.seconds)
    except BudgetExceeded as exc:
        return Verdict(None, "none", "TIMEOUT", None, error=f"comparison stopped: {exc}")


def compare_here(expected: str | Parsed, answer: str | Parsed, ctx: SymbolContext, opts: CompareOptions) -> Verdict:
    """The comparison itself, in this process (call inside the limited worker)."""
    try:
        exp = expected if isinstance(expected, Parsed) else parse_latex_here(expected, ctx)
    except LatexError as exc:
        return Verdict(None, "none", "EXPECTED_INVALID", None, error=f"the expected answer does not parse: {exc.message}")
    try:
        ans = answer if isinstance(answer, Parsed) else parse_latex_here(answer, ctx)
    except LatexError as exc:
        return Verdict(None, "none", "UNPARSED", "Your answer could not be read.", error=exc.message, span=exc.span)
    try:
        rules = definition_rules(ctx)
    except LatexError as exc:
        return Verdict(None, "none", "CONTEXT_INVALID", None, error=f"a definition does not parse: {exc.message}")
    try:
        return _Comparer(ctx, opts, rules).parsed(exp, ans)
    except (GraderError, ValueError, TypeError, ArithmeticError, AttributeError, NotImplementedError, IndexError, KeyError, sympy.SympifyError) as exc:
        return Verdict(None, "none", "UNDECIDED", None, error=f"could not compare: {type(exc).__name__}: {exc}"[:300])
    except RecursionError:
        return Verdict(None, "none", "UNDECIDED", None, error="expression nested too deeply to compare")


class _Comparer:
    def __init__(self, ctx: SymbolContext, opts: CompareOptions, rules: list[tuple[Any, Any]]) -> None:
        self.given: set[Any] = set()
        self.ctx = ctx
        self.opts = opts
        self.rules = rules

    # -- structures -----------------------------------------------------------------------------
    def parsed(self, exp: Parsed, ans: Parsed) -> Verdict:
        ek, ak = exp.kind, ans.kind
        if ek in ("expr", "matrix", "piecewise"):
            if ak in ("expr", "matrix", "piecewise"):
                return self.values(exp.value, ans.value, ans.decimals)
            if ak == "equation":
                if not _name_like(ans.value[0]) and not _computation(ans.value):
                    return Verdict(False, "exact", "FORM", "An equation relating quantities is not the value asked for.")
                return self.values(exp.value, ans.value[1], ans.decimals)
            if ak == "chain":
                return self.chain_against(exp.value, ans)
            if ak == "system" and len(ans.value) == 1:
                return self.parsed(exp, ans.value[0])
            return Verdict(False, "exact", "FORM", f"Expected a single {'matrix' if ek == 'matrix' else 'expression'}, found a {ak}.")
        if ek == "equation":
            if ak == "equation":
                return self.equations(exp.value, ans.value, ans.decimals)
            if ak == "chain":
                return self.equations(exp.value, (ans.value[0], ans.value[-1]), ans.decimals)
            if ak in ("expr", "matrix"):
                if not _name_like(exp.value[0]):  # "7 = 11a + c" asks for the relation, not a value
                    return Verdict(False, "exact", "FORM", "Expected an equation, found a single value.")
                return self.values(exp.value[1], ans.value, ans.decimals)
            if ak in ("tuple", "set") and _as_items(exp.value[1]) is not None:  # "(p, q) = (3, 2)" vs "(3, 2)"
                return self.collections(_as_items(exp.value[1]) or (), ans.value, ordered=(ak == "tuple"))
            if ak == "system" and len(ans.value) == 1:
                return self.parsed(exp, ans.value[0])
            return Verdict(False, "exact", "FORM", f"Expected an equation, found a {ak}.")
        if ek == "chain":
            return self.parsed(Parsed("equation", (exp.value[0], exp.value[-1]), exp.latex), ans)
        if ek == "system":
            if ak == "tuple" and all(r.kind == "equation" for r in exp.value):  # "x = -5, p = 14/3" vs "-5, 14/3"
                rhs = tuple(Parsed("expr", r.value[1], r.latex, r.decimals) for r in exp.value)
                return self.collections(rhs, ans.value, ordered=True)
            if ak in ("system", "equation"):
                rows = ans.value if ak == "system" else (ans,)
                return self.systems(exp.value, rows)
            return Verdict(False, "exact", "FORM", f"Expected a system of equations, found a {ak}.")
        if ek in ("tuple", "set"):
            if ak == "equation" and _as_items(ans.value[1]) is not None:  # "(p, q) = (3, 2)"
                return self.collections(exp.value, _as_items(ans.value[1]) or (), ordered=(ek == "tuple"))
            if ak == "system" and all(r.kind == "equation" for r in ans.value):  # "AB = 4, CD = 5" for (4, 5)
                rhs = tuple(Parsed("expr", r.value[1], r.latex, r.decimals) for r in ans.value)
                return self.collections(exp.value, rhs, ordered=(ek == "tuple"))
            if ak not in ("tuple", "set"):
                return Verdict(False, "exact", "FORM", f"Expected a {ek} of {len(exp.value)} items, found a {ak}.")
            return self.collections(exp.value, ans.value, ordered=(ek == "tuple"))
        if ek == "relation":
            if ak != "relation":
                return Verdict(False, "exact", "FORM", f"Expected an inequality, found a {ak}.")
            return self.relation(exp.value, ans.value, ans.decimals)
        return Verdict(None, "none", "UNDECIDED", None, error=f"cannot compare a {ek} with a {ak}")

    def chain_against(self, expected: Any, ans: Parsed) -> Verdict:
        final = self.values(expected, ans.value[-1], ans.decimals)
        if final.equivalent is not True:
            return final
        return final

    def equations(self, exp: tuple[Any, Any], ans: tuple[Any, Any], decimals: tuple[tuple[str, int, Any], ...]) -> Verdict:
        el, er = exp
        al, ar = ans
        if isinstance(el, (sympy.Symbol, sympy.MatrixSymbol, sympy.Indexed)) and el == al:
            return self.values(er, ar, decimals)
        if isinstance(el, (sympy.Symbol, sympy.Indexed)) and er == al and not isinstance(ar, sympy.MatrixBase):
            return self.values(er, ar, decimals)  # "value = name" written backwards
        if isinstance(er, sympy.MatrixBase) or isinstance(ar, sympy.MatrixBase):
            return self.values(er, ar, decimals)
        f_exp = sympy.expand(el - er) if not isinstance(el, sympy.MatrixBase) else el - er
        f_ans = al - ar
        return self.proportional(f_exp, f_ans, decimals)

    def proportional(self, f_exp: Any, f_ans: Any, decimals: tuple[tuple[str, int, Any], ...]) -> Verdict:
        """Two equations ``f = 0`` are the same when one side is a nonzero multiple of the other."""
        f_exp = expand_definitions(f_exp, self.rules)
        f_ans = expand_definitions(f_ans, self.rules)
        points = sample_points((f_exp, f_ans), self.ctx, self.opts.points)
        ratios = []
        for p in points:
            try:
                ve = to_number(realise(f_exp, p, self.ctx))
                va = to_number(realise(f_ans, p, self.ctx))
            except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):
                continue
            if abs(complex(ve)) < 1e-20:
                if abs(complex(va)) > 1e-12:
                    return Verdict(False, "numeric", None, "This equation does not describe the same relation.")
                continue
            ratios.append(va / ve)
        if len(ratios) < 2:
            diff = sympy.simplify(f_exp) == 0 and sympy.simplify(f_ans) == 0
            return Verdict(True if diff else None, "symbolic", None, None, error=None if diff else "too few points to decide")
        rel = self.tolerance(decimals)
        first = ratios[0]
        if abs(complex(first)) > 1e-20 and all(close(r, first, rel) for r in ratios[1:]):
            return Verdict(True, "numeric", None, None, evidence=f"equations proportional (factor {sympy.nsimplify(sympy.N(first, 8), rational=True, tolerance=1e-6)})")
        return Verdict(False, "numeric", None, "This equation does not describe the same relation.")

    def systems(self, exp_rows: tuple[Parsed, ...], ans_rows: tuple[Parsed, ...]) -> Verdict:
        exp_assign = _assignments(exp_rows)
        ans_assign = _assignments(ans_rows)
        if exp_assign is not None and ans_assign is not None:
            missing = [k for k in exp_assign if k not in ans_assign]
            if missing:
                return Verdict(False, "exact", "MISSING_TERM", f"No value given for {', '.join(sympy.latex(k) for k in missing)}.")
            wrong = []
            for key, (value, _) in exp_assign.items():
                v = self.values(value, ans_assign[key][0], ans_assign[key][1])
                if v.equivalent is None:
                    return v
                if not v.equivalent:
                    wrong.append(f"{sympy.latex(key)}" + (f" ({v.diagnosis})" if v.diagnosis else ""))
            if wrong:
                return Verdict(False, "numeric", None, f"Wrong value for {', '.join(wrong)}.")
            return Verdict(True, "exact", None, None)
        # general systems: compare the solution sets
        e_eqs = [r.value[0] - r.value[1] for r in exp_rows if r.kind == "equation"]
        a_eqs = [r.value[0] - r.value[1] for r in ans_rows if r.kind == "equation"]
        unknowns = sorted(set().union(*(e.free_symbols for e in e_eqs)), key=str)
        es = sympy.solve(e_eqs, unknowns, dict=True)
        as_ = sympy.solve(a_eqs, unknowns, dict=True)
        same = {frozenset(s.items()) for s in es} == {frozenset(s.items()) for s in as_}
        return Verdict(same, "symbolic", None, None if same else "The system has different solutions.")

    def collections(self, exp_items: tuple[Parsed, ...], ans_items: tuple[Parsed, ...], ordered: bool) -> Verdict:
        if exp_items and all(e.kind == "tuple" for e in exp_items) and all(a.kind == "tuple" for a in ans_items):
            return self.solution_set(exp_items, ans_items)
        if len(exp_items) != len(ans_items):
            return Verdict(False, "exact", "COUNT", f"Expected {len(exp_items)} items, found {len(ans_items)}.")
        if ordered:
            for i, (e, a) in enumerate(zip(exp_items, ans_items, strict=True)):
                v = self.parsed(e, a)
                if v.equivalent is not True:
                    return Verdict(v.equivalent, v.method, v.diagnosis, f"Item {i + 1}: {v.feedback or 'wrong'}", error=v.error)
            return Verdict(True, "numeric", None, None)
        unused = list(range(len(ans_items)))
        for e in exp_items:
            hit = next((j for j in unused if self.parsed(e, ans_items[j]).equivalent), None)
            if hit is None:
                return Verdict(False, "numeric", None, f"Nothing in your answer matches {e.latex}.")
            unused.remove(hit)
        return Verdict(True, "numeric", None, None)

    def solution_set(self, exp_items: tuple[Parsed, ...], ans_items: tuple[Parsed, ...]) -> Verdict:
        """A list of tuples is a set of solutions: order and repetition do not matter."""
        for a in ans_items:
            if not any(self.parsed(e, a).equivalent for e in exp_items):
                return Verdict(False, "numeric", "EXTRA_TERM", f"{a.latex} is not a solution.")
        for e in exp_items:
            if not any(self.parsed(e, a).equivalent for a in ans_items):
                return Verdict(False, "numeric", "MISSING_TERM", f"The solution {e.latex} is missing.")
        return Verdict(True, "numeric", None, None)

    def relation(self, exp: tuple[Any, str, Any], ans: tuple[Any, str, Any], decimals: tuple[tuple[str, int, Any], ...]) -> Verdict:
        flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "!=": "!="}
        el, eop, er = exp
        al, aop, ar = ans
        if aop != eop and flip.get(aop) == eop:
            al, ar = ar, al
        elif aop != eop:
            return Verdict(False, "exact", "RELATION", f"Expected the relation {eop}, found {aop}.")
        v = self.proportional(el - er, al - ar, decimals)
        if v.equivalent and "factor -" in (v.evidence or ""):
            return Verdict(False, "numeric", "SIGN", "The inequality points the wrong way.")
        return v

    # -- values ---------------------------------------------------------------------------------
    def rounded(self, decimals: tuple[tuple[str, int, Any], ...]) -> tuple[tuple[str, int, Any], ...]:
        """The decimals that are the student's rounded values, not data of the problem.

        A decimal that appears in the expected answer (0.3, 0.02 in ``-0.02(q - 0.3)``) is given
        data and exact; so is one with fewer than 3 significant digits (problem parameters such
        as 0.01 or 0.5: a result written that coarsely fails the digits rule anyway).
        """
        return tuple(d for d in decimals if d[1] >= 3 and abs(d[2]) not in self.given)

    def tolerance(self, decimals: tuple[tuple[str, int, Any], ...]) -> float:
        rel = EXACT_REL
        rounded = self.rounded(decimals)
        if rounded:
            # half a unit in the last digit written, relative to the number: 0.499 is no rounding of 1/2
            rel = max(rel, max(_ulp(v, d) / (2 * abs(float(v))) for _, d, v in rounded if v) * (1 + 1e-9))
        if self.opts.rel_tol is not None:
            rel = max(rel, self.opts.rel_tol)
        return rel

    def values(self, expected: Any, answer: Any, decimals: tuple[tuple[str, int, Any], ...]) -> Verdict:
        e = expand_definitions(expected, self.rules)
        a = expand_definitions(answer, self.rules)
        self.given = _given_numbers(e)
        e_mat = isinstance(e, sympy.MatrixBase) or (isinstance(e, sympy.Basic) and e.is_Matrix)
        a_mat = isinstance(a, sympy.MatrixBase) or (isinstance(a, sympy.Basic) and a.is_Matrix)
        if e_mat != a_mat:
            return Verdict(False, "exact", "SHAPE", "Expected a " + ("matrix" if e_mat else "scalar") + ", found a " + ("matrix." if a_mat else "scalar."))
        if e_mat and e.shape != a.shape:
            if e.shape == a.shape[::-1]:
                t = self.values(e.T, a, decimals)
                if t.equivalent:
                    return Verdict(False, "numeric", "TRANSPOSE", "Your matrix is the transpose of the expected one.")
            return Verdict(False, "exact", "SHAPE", f"Expected shape {e.shape[0]}x{e.shape[1]}, found {a.shape[0]}x{a.shape[1]}.")
        if e == a:
            return Verdict(True, "exact", None, None)
        if _is_constant(e) and _is_constant(a):
            return self.numbers(e, a, decimals)
        return self.expressions(e, a, decimals)

    def numbers(self, e: Any, a: Any, decimals: tuple[tuple[str, int, Any], ...]) -> Verdict:
        try:
            ev = to_number(realise(e, Point({}, {}, {}), self.ctx))
            av = to_number(realise(a, Point({}, {}, {}), self.ctx))
        except (ValueError, TypeError, ZeroDivisionError, ArithmeticError) as exc:
            return Verdict(None, "none", "UNDECIDED", None, error=f"cannot evaluate: {exc}")
        pairs = list(zip(ev, av, strict=True)) if isinstance(ev, sympy.MatrixBase) else [(ev, av)]
        raw = list(zip(e, a, strict=True)) if isinstance(e, sympy.MatrixBase) else [(e, a)]
        too_coarse = False
        for (x, s), (_, s_raw) in zip(pairs, raw, strict=True):
            ok, coarse = self.number_ok(x, s, s_raw, decimals)
            too_coarse |= coarse
            if not ok:
                break
        else:
            if too_coarse:
                return Verdict(False, "numeric", "PRECISION", f"Give at least {self.opts.min_digits} significant digits.")
            exact = all(x == s for x, s in pairs)
            return Verdict(True, "exact" if exact else "numeric", None, None, evidence=None if exact else "equal within the digits given")
        # a truncated decimal is off by up to a whole unit in its last digit: allow that here
        diag = diagnose(e, a, [Point({}, {}, {})], self.ctx, 2 * self.tolerance(decimals), self.rules)
        return Verdict(False, "numeric", diag.code if diag else None, diag.feedback if diag else None, evidence=f"expected {sympy.N(ev, 8)}, got {sympy.N(av, 8)}"[:300])

    def number_ok(self, x: Any, s: Any, s_raw: Any, decimals: tuple[tuple[str, int, Any], ...]) -> tuple[bool, bool]:
        """(equal within tolerance, passed only thanks to too few digits)."""
        if x == s:
            return True, False
        abs_tol = self.opts.abs_tol or 0.0
        if self.opts.rel_tol is not None or abs_tol:
            if close(x, s, self.opts.rel_tol or 0.0, abs_tol):
                return True, False
        digits = _digits_of(s_raw, decimals)
        if digits is None:
            # arithmetic on decimals (0.4 - 0.5 * 0.0726666757): as exact as its rounded inputs
            inputs = self.rounded(decimals)
            rel = sum(_ulp(v, d) / abs(float(v)) for _, d, v in inputs if v) if inputs else EXACT_REL
            return close(x, s, rel), False
        ulp = _ulp(s_raw, digits)
        xv, sv = complex(sympy.N(x, 30)), complex(sympy.N(s, 30))
        diff = abs(xv - sv)
        rounded = diff <= ulp / 2 * (1 + 1e-9)
        # truncated: same sign, towards zero, by less than one unit in the last place written
        truncated = diff < ulp * (1 + 1e-9) and xv.real * sv.real >= 0 and abs(sv) <= abs(xv)
        if rounded or truncated:
            return True, digits < self.opts.min_digits
        return False, False

    def expressions(self, e: Any, a: Any, decimals: tuple[tuple[str, int, Any], ...]) -> Verdict:
        points = sample_points((e, a), self.ctx, self.opts.points)
        rel = self.tolerance(decimals)
        good = 0
        for p in points:
            try:
                ev = to_number(realise(e, p, self.ctx))
                av = to_number(realise(a, p, self.ctx))
            except (ValueError, TypeError, ZeroDivisionError, ArithmeticError, IndexError):
                continue
            if not close(ev, av, rel, self.opts.abs_tol or 0.0):
                diag = diagnose(e, a, points, self.ctx, rel, self.rules)
                return Verdict(False, "numeric", diag.code if diag else None, diag.feedback if diag else None,
                               evidence=f"differs at a test point: expected {_short(ev)}, got {_short(av)}")
            good += 1
        if good >= min(3, len(points)):
            # Agreement at several random points at 30 digits is conclusive for the expressions
            # graded here; simplify() is kept for when the numbers cannot decide (below).
            return Verdict(True, "numeric", None, None, evidence=f"equal at {good} random points")
        try:
            d = sympy.simplify(_as_expr(e) - _as_expr(a))
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            d = None
        if d == 0:
            return Verdict(True, "symbolic", None, None)
        return Verdict(None, "none", "UNDECIDED", None, error="could not evaluate at enough points to decide")


def _name_like(e: Any) -> bool:
    """A left side that names a quantity (``k``, ``f(x)``, ``dE/dW``, ``|AB|``, ``A:B``), so that
    ``name = value`` answers with the value; ``7 = 11a + c`` is a relation, not a value."""
    from sympy.core.function import AppliedUndef

    if isinstance(e, (sympy.Symbol, sympy.Indexed, sympy.MatrixSymbol, AppliedUndef, sympy.Derivative)):
        return True
    if isinstance(e, (sympy.Abs, sympy.Transpose)):
        return _name_like(e.args[0])
    if isinstance(e, sympy.Pow) and e.exp == -1:
        return _name_like(e.base)
    if isinstance(e, (sympy.Mul, sympy.MatMul)):
        return all(_name_like(f) for f in e.args)
    return False


def _computation(sides: tuple[Any, Any]) -> bool:
    """``\\frac{1}{\\frac{1}{4}} = 4``: numbers on both sides, a computation whose result is the right side."""
    return all(isinstance(x, sympy.Basic) and not isinstance(x, sympy.MatrixBase) and not x.free_symbols for x in sides)


def _as_items(value: Any) -> tuple[Parsed, ...] | None:
    """The items of a tuple-like right side (a SymPy Tuple, or an open interval read from "(3, 2)")."""
    if isinstance(value, sympy.Tuple):
        return tuple(Parsed("expr", v, sympy.latex(v)) for v in value.args)
    if isinstance(value, sympy.Interval) and value.left_open and value.right_open:
        return tuple(Parsed("expr", v, sympy.latex(v)) for v in (value.start, value.end))
    return None


def _assignments(rows: tuple[Parsed, ...]) -> dict[Any, tuple[Any, tuple[tuple[str, int, Any], ...]]] | None:
    out = {}
    for r in rows:
        if r.kind != "equation":
            return None
        lhs, rhs = r.value
        if isinstance(lhs, (sympy.Symbol, sympy.Indexed)):
            out[lhs] = (rhs, r.decimals)
        elif isinstance(rhs, (sympy.Symbol, sympy.Indexed)):
            out[rhs] = (lhs, r.decimals)
        else:
            return None
    return out


def _is_constant(e: Any) -> bool:
    if isinstance(e, sympy.MatrixBase):
        return all(_is_constant(x) for x in e)
    if not isinstance(e, sympy.Basic):
        return True
    return not e.free_symbols and not e.atoms(sympy.MatrixSymbol) and not e.atoms(sympy.Function) - e.atoms(sympy.exp, sympy.log, sympy.Max, sympy.Min, sympy.Abs, sympy.tanh, sympy.sin, sympy.cos, sympy.sqrt, sympy.factorial, sympy.floor, sympy.ceiling)


def _given_numbers(expected: Any) -> set[Any]:
    """The non-integer rationals written in the expected answer (data of the problem)."""
    items = list(expected) if isinstance(expected, sympy.MatrixBase) else [expected]
    out: set[Any] = set()
    for item in items:
        if isinstance(item, sympy.Basic):
            out |= {abs(r) for r in item.atoms(sympy.Rational) if not r.is_Integer}
    return out


def _digits_of(raw: Any, decimals: tuple[tuple[str, int, Any], ...]) -> int | None:
    """Significant digits the student wrote for this number (None: written exactly)."""
    if not decimals or not isinstance(raw, sympy.Basic):
        return None
    if isinstance(raw, sympy.Rational) and not isinstance(raw, sympy.Integer):
        den = int(raw.q)
        while den % 10 == 0:
            den //= 10
        while den % 2 == 0:
            den //= 2
        while den % 5 == 0:
            den //= 5
        if den != 1:
            return None
    elif not isinstance(raw, sympy.Integer):
        return None  # an expression, not one number the student wrote
    for _, digits, value in decimals:
        if abs(value) == abs(raw):
            return digits
    return None


def _ulp(raw: Any, digits: int) -> float:
    value = abs(float(raw))
    if value == 0:
        return 10.0 ** (-digits)
    exponent = int(sympy.floor(sympy.log(sympy.Rational(value).limit_denominator(10**12) if value < 1e-300 else sympy.Float(value), 10)))
    return 10.0 ** (exponent - digits + 1)


def _small(e: Any) -> bool:
    try:
        return sympy.count_ops(e) < 60
    except (TypeError, AttributeError):
        return False


def _as_expr(e: Any) -> Any:
    return sympy.Matrix(e) if isinstance(e, sympy.MatrixBase) else e


def _short(v: Any) -> str:
    if isinstance(v, sympy.MatrixBase):
        return str(sympy.N(v, 6))[:120]
    return str(sympy.N(v, 8))
