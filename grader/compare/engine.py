"""Is this answer equal to the expected one, and if not, what kind of mistake is it?

Layered: structural equality; numbers compared with a tolerance derived from the digits the
student wrote; numeric evaluation at seeded random points (see ``numeric``); symbolic
confirmation where the numbers cannot decide. Structures (equations, chains, systems, tuples,
sets, matrices) are compared part by part, dispatching on the parsed types.
``compare(student, reference)`` takes values parsed once (``latex.parse_latex``) and runs in the
limited worker; it never raises for student input: the answer is always a Verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sympy

from grader import budget
from grader.compare.definitions import Rule, definition_rules, expand_definitions
from grader.compare.diagnose import diagnose
from grader.compare.numeric import Point, close, realise, sample_points, to_number
from grader.errors import BudgetExceeded, GraderError, LatexError
from grader.latex.context import SymbolContext
from grader.latex.parse import parse_latex_here, precheck
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
    shape_of,
)
from grader.model import Outcome, Verdict

#: Relative tolerance for "the same exact value" at 30-digit evaluation.
EXACT_REL = 1e-18


@dataclass(frozen=True, kw_only=True)
class CompareOptions:
    """How strict a comparison is. Tolerances widen (never narrow) the digits rule."""

    rel_tol: float | None = None
    abs_tol: float | None = None
    #: fewest significant digits a decimal may have and still pass as a rounding of the value
    min_digits: int = 3
    seconds: float = budget.CALL_SECONDS
    points: int = 6


def compare(student: Parsed | ParseFailure, reference: Parsed, context: SymbolContext | None = None, *,
            options: CompareOptions | None = None) -> Verdict:
    """Is the student's parsed answer equal to the reference? Under the time and memory limits;
    never raises for student input. A ``ParseFailure`` is an INVALID verdict with its span."""
    opts = options or CompareOptions()
    if isinstance(student, ParseFailure):
        return Verdict.invalid(student.message, student.span)
    try:
        return budget.limited(compare_here, student, reference, context or SymbolContext(), opts, seconds=opts.seconds)
    except BudgetExceeded as exc:
        return Verdict.undecided("TIMEOUT", f"comparison stopped: {exc}")


def equivalent(expected: str, answer: str, context: SymbolContext | None = None, *, options: CompareOptions | None = None) -> Verdict:
    """Compare two LaTeX texts (``grade compare``): both parsed and compared in one limited call."""
    opts = options or CompareOptions()
    ctx = context or SymbolContext()
    for text in (answer, expected):
        try:
            precheck(text)
        except LatexError as exc:
            if text is expected and text is not answer:
                return Verdict.undecided("EXPECTED_INVALID", f"the expected answer does not parse: {exc.message}")
            return Verdict.invalid(exc.message, exc.span)
    try:
        return budget.limited(_equivalent_here, expected, answer, ctx, opts, seconds=opts.seconds)
    except BudgetExceeded as exc:
        return Verdict.undecided("TIMEOUT", f"comparison stopped: {exc}")


def _equivalent_here(expected: str, answer: str, ctx: SymbolContext, opts: CompareOptions) -> Verdict:
    try:
        reference = parse_latex_here(expected, ctx)
    except LatexError as exc:
        return Verdict.undecided("EXPECTED_INVALID", f"the expected answer does not parse: {exc.message}")
    try:
        student = parse_latex_here(answer, ctx)
    except LatexError as exc:
        return Verdict.invalid(exc.message, exc.span)
    return compare_here(student, reference, ctx, opts)


def compare_follow_through(student: Parsed | ParseFailure, template: Parsed, bindings: tuple[tuple[str, Parsed], ...],
                           context: SymbolContext | None = None, *, options: CompareOptions | None = None) -> Verdict:
    """Compare with ``template`` once each name in ``bindings`` is replaced by the student's own
    earlier value (follow-through); the substitution happens in the limited worker too."""
    opts = options or CompareOptions()
    if isinstance(student, ParseFailure):
        return Verdict.invalid(student.message, student.span)
    try:
        return budget.limited(_follow_through_here, student, template, bindings, context or SymbolContext(), opts, seconds=opts.seconds)
    except BudgetExceeded as exc:
        return Verdict.undecided("TIMEOUT", f"comparison stopped: {exc}")


def _follow_through_here(student: Parsed, template: Parsed, bindings: tuple[tuple[str, Parsed], ...], ctx: SymbolContext,
                         opts: CompareOptions) -> Verdict:
    value = template.single()
    values = {name: bound.single() for name, bound in bindings}
    if value is None or any(v is None for v in values.values()):
        return Verdict.undecided("UNDECIDED", "follow-through needs single values")
    subs = {node: values[node.name] for node in _free_names(value) if node.name in values}
    value = value.xreplace(subs)
    if isinstance(value, sympy.MatrixExpr) and not isinstance(value, sympy.MatrixBase):
        value = value.doit()
    if isinstance(value, sympy.MatrixBase):
        reference: Parsed = MatrixValue(value=sympy.ImmutableMatrix(value), latex=sympy.latex(value))
    else:
        reference = Expression(value=value, latex=sympy.latex(value))
    return compare_here(student, reference, ctx, opts)


def _free_names(expr: Any) -> set[Any]:
    if isinstance(expr, sympy.MatrixBase):
        out: set[Any] = set()
        for e in expr:
            out |= _free_names(e)
        return out
    return {s for s in getattr(expr, "free_symbols", set()) if isinstance(s, (sympy.Symbol, sympy.MatrixSymbol))}


def compare_here(student: Parsed, reference: Parsed, ctx: SymbolContext, opts: CompareOptions) -> Verdict:
    """The comparison itself, in this process (call inside the limited worker)."""
    try:
        rules = definition_rules(ctx)
    except LatexError as exc:
        return Verdict.undecided("CONTEXT_INVALID", f"a definition does not parse: {exc.message}")
    try:
        return _Comparer(ctx, opts, rules).parsed(reference, student)
    except (GraderError, ValueError, TypeError, ArithmeticError, AttributeError, NotImplementedError, IndexError, KeyError, sympy.SympifyError) as exc:
        return Verdict.undecided("UNDECIDED", f"could not compare: {type(exc).__name__}: {exc}"[:300])
    except RecursionError:
        return Verdict.undecided("UNDECIDED", "expression nested too deeply to compare")


def _form(feedback: str) -> Verdict:
    return Verdict.incorrect("exact", "FORM", feedback)


_SCALAR_OR_MATRIX = (Expression, MatrixValue)


class _Comparer:
    def __init__(self, ctx: SymbolContext, opts: CompareOptions, rules: list[Rule]) -> None:
        self.ctx = ctx
        self.opts = opts
        self.rules = rules

    # -- structures -----------------------------------------------------------------------------
    def parsed(self, exp: Parsed, ans: Parsed) -> Verdict:
        """Dispatch on the reference's shape, then on the answer's."""
        if isinstance(exp, _SCALAR_OR_MATRIX):
            return self.against_value(exp, ans)
        if isinstance(exp, Chain):
            exp = Equation(lhs=exp.values[0], rhs=exp.values[-1], latex=exp.latex)
        if isinstance(exp, Equation):
            return self.against_equation(exp, ans)
        if isinstance(exp, System):
            return self.against_system(exp, ans)
        if isinstance(exp, Collection):
            return self.against_collection(exp, ans)
        if isinstance(exp, Relation):
            if not isinstance(ans, Relation):
                return _form(f"Expected an inequality, found a {shape_of(ans)}.")
            return self.relation(exp, ans)
        return Verdict.undecided("UNDECIDED", f"cannot compare a {shape_of(exp)} with a {shape_of(ans)}")

    def against_value(self, exp: Expression | MatrixValue, ans: Parsed) -> Verdict:
        if isinstance(ans, _SCALAR_OR_MATRIX):
            return self.values(exp.value, ans.value, ans.decimals)
        if isinstance(ans, Equation):
            if not _name_like(ans.lhs) and not _computation((ans.lhs, ans.rhs)):
                return _form("An equation relating quantities is not the value asked for.")
            return self.values(exp.value, ans.rhs, ans.decimals)
        if isinstance(ans, Chain):
            return self.values(exp.value, ans.values[-1], ans.decimals)
        if isinstance(ans, System) and len(ans.rows) == 1:
            return self.parsed(exp, ans.rows[0])
        return _form(f"Expected a single {'matrix' if isinstance(exp, MatrixValue) else 'expression'}, found a {shape_of(ans)}.")

    def against_equation(self, exp: Equation, ans: Parsed) -> Verdict:
        if isinstance(ans, Equation):
            return self.equations((exp.lhs, exp.rhs), (ans.lhs, ans.rhs), ans.decimals)
        if isinstance(ans, Chain):
            return self.equations((exp.lhs, exp.rhs), (ans.values[0], ans.values[-1]), ans.decimals)
        if isinstance(ans, _SCALAR_OR_MATRIX):
            if not _name_like(exp.lhs):  # "7 = 11a + c" asks for the relation, not a value
                return _form("Expected an equation, found a single value.")
            return self.values(exp.rhs, ans.value, ans.decimals)
        items = _as_items(exp.rhs)
        if isinstance(ans, Collection) and items is not None:  # "(p, q) = (3, 2)" vs "(3, 2)"
            return self.collections(items, ans.items, ordered=ans.ordered)
        if isinstance(ans, System) and len(ans.rows) == 1:
            return self.parsed(exp, ans.rows[0])
        return _form(f"Expected an equation, found a {shape_of(ans)}.")

    def against_system(self, exp: System, ans: Parsed) -> Verdict:
        if isinstance(ans, Collection) and ans.ordered and all(isinstance(r, Equation) for r in exp.rows):
            # "x = -5, p = 14/3" vs "-5, 14/3"
            return self.collections(_right_sides(exp.rows), ans.items, ordered=True)
        if isinstance(ans, System):
            return self.systems(exp.rows, ans.rows)
        if isinstance(ans, Equation):
            return self.systems(exp.rows, (ans,))
        return _form(f"Expected a system of equations, found a {shape_of(ans)}.")

    def against_collection(self, exp: Collection, ans: Parsed) -> Verdict:
        items = _as_items(ans.rhs) if isinstance(ans, Equation) else None
        if items is not None:  # "(p, q) = (3, 2)"
            return self.collections(exp.items, items, ordered=exp.ordered)
        if isinstance(ans, System) and all(isinstance(r, Equation) for r in ans.rows):  # "AB = 4, CD = 5" for (4, 5)
            return self.collections(exp.items, _right_sides(ans.rows), ordered=exp.ordered)
        if not isinstance(ans, Collection):
            return _form(f"Expected a {exp.label} of {len(exp.items)} items, found a {shape_of(ans)}.")
        return self.collections(exp.items, ans.items, ordered=exp.ordered)

    def equations(self, exp: tuple[Any, Any], ans: tuple[Any, Any], decimals: tuple[WrittenDecimal, ...]) -> Verdict:
        el, er = exp
        al, ar = ans
        if isinstance(el, (sympy.Symbol, sympy.MatrixSymbol, sympy.Indexed)) and el == al:
            return self.values(er, ar, decimals)
        if isinstance(el, (sympy.Symbol, sympy.Indexed)) and er == al and not isinstance(ar, sympy.MatrixBase):
            return self.values(er, ar, decimals)  # "value = name" written backwards
        if isinstance(er, sympy.MatrixBase) or isinstance(ar, sympy.MatrixBase):
            return self.values(er, ar, decimals)
        f_exp = sympy.expand(el - er) if not isinstance(el, sympy.MatrixBase) else el - er
        return self.proportional(f_exp, al - ar, decimals)[0]

    def proportional(self, f_exp: Any, f_ans: Any, decimals: tuple[WrittenDecimal, ...]) -> tuple[Verdict, complex | None]:
        """Two equations ``f = 0`` are the same when one side is a nonzero multiple of the other;
        returns the verdict and, when they are, the factor (a relation's direction depends on it)."""
        f_exp = expand_definitions(f_exp, self.rules)
        f_ans = expand_definitions(f_ans, self.rules)
        points = sample_points((f_exp, f_ans), self.ctx, self.opts.points)
        ratios = []
        differ = Verdict.incorrect("numeric", None, "This equation does not describe the same relation.")
        for p in points:
            try:
                ve = to_number(realise(f_exp, p, self.ctx))
                va = to_number(realise(f_ans, p, self.ctx))
            except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):
                continue
            if abs(complex(ve)) < 1e-20:
                if abs(complex(va)) > 1e-12:
                    return differ, None
                continue
            ratios.append(va / ve)
        if len(ratios) < 2:
            if sympy.simplify(f_exp) == 0 and sympy.simplify(f_ans) == 0:
                return Verdict.correct("symbolic"), None
            return Verdict.undecided("UNDECIDED", "too few points to decide", method="symbolic"), None
        rel = _Written(decimals, _given_numbers(f_exp)).tolerance(self.opts)
        first = ratios[0]
        if abs(complex(first)) > 1e-20 and all(close(r, first, rel) for r in ratios[1:]):
            factor = sympy.nsimplify(sympy.N(first, 8), rational=True, tolerance=1e-6)
            return Verdict.correct("numeric", evidence=f"equations proportional (factor {factor})"), complex(first)
        return differ, None

    def systems(self, exp_rows: tuple[Parsed, ...], ans_rows: tuple[Parsed, ...]) -> Verdict:
        exp_assign = _assignments(exp_rows)
        ans_assign = _assignments(ans_rows)
        if exp_assign is not None and ans_assign is not None:
            missing = [k for k in exp_assign if k not in ans_assign]
            if missing:
                return Verdict.incorrect("exact", "MISSING_TERM", f"No value given for {', '.join(sympy.latex(k) for k in missing)}.")
            wrong = []
            for key, (value, _) in exp_assign.items():
                v = self.values(value, ans_assign[key][0], ans_assign[key][1])
                if v.outcome is Outcome.UNDECIDED or v.outcome is Outcome.INVALID:
                    return v
                if v.outcome is Outcome.INCORRECT:
                    wrong.append(f"{sympy.latex(key)}" + (f" ({v.diagnosis})" if v.diagnosis else ""))
            if wrong:
                return Verdict.incorrect("numeric", None, f"Wrong value for {', '.join(wrong)}.")
            return Verdict.correct("exact")
        # general systems: compare the solution sets
        e_eqs = [r.lhs - r.rhs for r in exp_rows if isinstance(r, Equation)]
        a_eqs = [r.lhs - r.rhs for r in ans_rows if isinstance(r, Equation)]
        unknowns = sorted(set().union(*(e.free_symbols for e in e_eqs)), key=str)
        es = sympy.solve(e_eqs, unknowns, dict=True)
        as_ = sympy.solve(a_eqs, unknowns, dict=True)
        if {frozenset(s.items()) for s in es} == {frozenset(s.items()) for s in as_}:
            return Verdict.correct("symbolic")
        return Verdict.incorrect("symbolic", None, "The system has different solutions.")

    def collections(self, exp_items: tuple[Parsed, ...], ans_items: tuple[Parsed, ...], ordered: bool) -> Verdict:
        if exp_items and all(_is_tuple(e) for e in exp_items) and all(_is_tuple(a) for a in ans_items):
            return self.solution_set(exp_items, ans_items)
        if len(exp_items) != len(ans_items):
            return Verdict.incorrect("exact", "COUNT", f"Expected {len(exp_items)} items, found {len(ans_items)}.")
        if ordered:
            for i, (e, a) in enumerate(zip(exp_items, ans_items, strict=True)):
                v = self.parsed(e, a)
                if v.outcome is not Outcome.CORRECT:
                    return replace(v, feedback=f"Item {i + 1}: {v.feedback or 'wrong'}", evidence=None, span=None)
            return Verdict.correct("numeric")
        unused = list(range(len(ans_items)))
        for e in exp_items:
            hit = next((j for j in unused if self.parsed(e, ans_items[j]).outcome is Outcome.CORRECT), None)
            if hit is None:
                return Verdict.incorrect("numeric", None, f"Nothing in your answer matches {e.latex}.")
            unused.remove(hit)
        return Verdict.correct("numeric")

    def solution_set(self, exp_items: tuple[Parsed, ...], ans_items: tuple[Parsed, ...]) -> Verdict:
        """A list of tuples is a set of solutions: order and repetition do not matter."""
        for a in ans_items:
            if not any(self.parsed(e, a).outcome is Outcome.CORRECT for e in exp_items):
                return Verdict.incorrect("numeric", "EXTRA_TERM", f"{a.latex} is not a solution.")
        for e in exp_items:
            if not any(self.parsed(e, a).outcome is Outcome.CORRECT for a in ans_items):
                return Verdict.incorrect("numeric", "MISSING_TERM", f"The solution {e.latex} is missing.")
        return Verdict.correct("numeric")

    def relation(self, exp: Relation, ans: Relation) -> Verdict:
        flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "!=": "!="}
        al, ar = ans.lhs, ans.rhs
        if ans.op != exp.op and flip.get(ans.op) == exp.op:
            al, ar = ar, al
        elif ans.op != exp.op:
            return Verdict.incorrect("exact", "RELATION", f"Expected the relation {exp.op}, found {ans.op}.")
        verdict, factor = self.proportional(exp.lhs - exp.rhs, al - ar, ans.decimals)
        if verdict.outcome is Outcome.CORRECT and factor is not None and factor.real < 0 and exp.op != "!=":
            return Verdict.incorrect("numeric", "SIGN", "The inequality points the wrong way.")
        return verdict

    # -- values ---------------------------------------------------------------------------------
    def values(self, expected: Any, answer: Any, decimals: tuple[WrittenDecimal, ...]) -> Verdict:
        e = expand_definitions(expected, self.rules)
        a = expand_definitions(answer, self.rules)
        written = _Written(decimals, _given_numbers(e))
        e_mat = isinstance(e, sympy.MatrixBase) or (isinstance(e, sympy.Basic) and e.is_Matrix)
        a_mat = isinstance(a, sympy.MatrixBase) or (isinstance(a, sympy.Basic) and a.is_Matrix)
        if e_mat != a_mat:
            return Verdict.incorrect("exact", "SHAPE", "Expected a " + ("matrix" if e_mat else "scalar") + ", found a " + ("matrix." if a_mat else "scalar."))
        if e_mat and e.shape != a.shape:
            if e.shape == a.shape[::-1]:
                t = self.values(e.T, a, decimals)
                if t.outcome is Outcome.CORRECT:
                    return Verdict.incorrect("numeric", "TRANSPOSE", "Your matrix is the transpose of the expected one.")
            return Verdict.incorrect("exact", "SHAPE", f"Expected shape {e.shape[0]}x{e.shape[1]}, found {a.shape[0]}x{a.shape[1]}.")
        if e == a:
            return Verdict.correct("exact")
        escaped = _escaped_indices(a)
        if escaped:
            names = ", ".join(sorted(escaped))
            return Verdict.undecided("AMBIGUOUS_INDEX", f"the summation index {names} is also used outside its sum: "
                                     "which one is meant cannot be told")
        if _is_constant(e) and _is_constant(a):
            return self.numbers(e, a, written)
        return self.expressions(e, a, written)

    def numbers(self, e: Any, a: Any, written: _Written) -> Verdict:
        try:
            ev = to_number(realise(e, Point({}, {}, {}), self.ctx))
            av = to_number(realise(a, Point({}, {}, {}), self.ctx))
        except (ValueError, TypeError, ZeroDivisionError, ArithmeticError) as exc:
            return Verdict.undecided("UNDECIDED", f"cannot evaluate: {exc}")
        pairs = list(zip(ev, av, strict=True)) if isinstance(ev, sympy.MatrixBase) else [(ev, av)]
        raw = list(zip(e, a, strict=True)) if isinstance(e, sympy.MatrixBase) else [(e, a)]
        too_coarse = False
        for (x, s), (_, s_raw) in zip(pairs, raw, strict=True):
            ok, coarse = self.number_ok(x, s, s_raw, written)
            too_coarse |= coarse
            if not ok:
                break
        else:
            if too_coarse:
                return Verdict.incorrect("numeric", "PRECISION", f"Give at least {self.opts.min_digits} significant digits.")
            if all(x == s for x, s in pairs):
                return Verdict.correct("exact")
            return Verdict.correct("numeric", evidence="equal within the digits given")
        # a truncated decimal is off by up to a whole unit in its last digit: allow that here
        diag = diagnose(e, a, [Point({}, {}, {})], self.ctx, 2 * written.tolerance(self.opts), self.rules)
        return Verdict.incorrect("numeric", diag.code if diag else None, diag.feedback if diag else None,
                                 evidence=f"expected {sympy.N(ev, 8)}, got {sympy.N(av, 8)}"[:300])

    def number_ok(self, x: Any, s: Any, s_raw: Any, written: _Written) -> tuple[bool, bool]:
        """(equal within tolerance, passed only thanks to too few digits)."""
        if x == s:
            return True, False
        abs_tol = self.opts.abs_tol or 0.0
        if self.opts.rel_tol is not None or abs_tol:
            if close(x, s, self.opts.rel_tol or 0.0, abs_tol):
                return True, False
        digits = written.digits_of(s_raw)
        if digits is None:
            # arithmetic on decimals (0.4 - 0.5 * 0.0726666757): as exact as its rounded inputs
            inputs = written.rounded()
            rel = sum(_ulp(d.value, d.digits) / abs(float(d.value)) for d in inputs if d.value) if inputs else EXACT_REL
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

    def expressions(self, e: Any, a: Any, written: _Written) -> Verdict:
        points = sample_points((e, a), self.ctx, self.opts.points)
        rel = written.tolerance(self.opts)
        good = 0
        for p in points:
            try:
                ev = to_number(realise(e, p, self.ctx))
                av = to_number(realise(a, p, self.ctx))
            except (ValueError, TypeError, ZeroDivisionError, ArithmeticError, IndexError):
                continue
            if not close(ev, av, rel, self.opts.abs_tol or 0.0):
                diag = diagnose(e, a, points, self.ctx, rel, self.rules)
                return Verdict.incorrect("numeric", diag.code if diag else None, diag.feedback if diag else None,
                                         evidence=f"differs at a test point: expected {_short(ev)}, got {_short(av)}")
            good += 1
        if good >= min(3, len(points)):
            # Agreement at several random points at 30 digits is conclusive for the expressions
            # graded here; simplify() is kept for when the numbers cannot decide (below).
            return Verdict.correct("numeric", evidence=f"equal at {good} random points")
        if not _simplify_can_help(e, a):
            return Verdict.undecided("UNDECIDED", "could not evaluate at enough points to decide")
        try:
            d = sympy.simplify(_as_expr(e) - _as_expr(a))
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            d = None
        if d == 0:
            return Verdict.correct("symbolic")
        return Verdict.undecided("UNDECIDED", "could not evaluate at enough points to decide")


@dataclass(frozen=True)
class _Written:
    """The decimals a student wrote, read against the numbers of the expected answer.

    A decimal that appears in the expected answer (0.3, 0.02 in ``-0.02(q - 0.3)``) is given
    data and exact; so is one with fewer than 3 significant digits (problem parameters such as
    0.01 or 0.5: a result written that coarsely fails the digits rule anyway). The others are
    the student's rounded values, and they set the tolerance.
    """

    decimals: tuple[WrittenDecimal, ...]
    given: frozenset[Any]

    def rounded(self) -> tuple[WrittenDecimal, ...]:
        return tuple(d for d in self.decimals if d.digits >= 3 and abs(d.value) not in self.given)

    def tolerance(self, opts: CompareOptions) -> float:
        rel = EXACT_REL
        rounded = self.rounded()
        if rounded:
            # half a unit in the last digit written, relative to the number: 0.499 is no rounding of 1/2
            rel = max(rel, max(_ulp(d.value, d.digits) / (2 * abs(float(d.value))) for d in rounded if d.value) * (1 + 1e-9))
        if opts.rel_tol is not None:
            rel = max(rel, opts.rel_tol)
        return rel

    def digits_of(self, raw: Any) -> int | None:
        """Significant digits the student wrote for this number (None: written exactly)."""
        if not self.decimals or not isinstance(raw, sympy.Basic):
            return None
        if isinstance(raw, sympy.Rational) and not isinstance(raw, sympy.Integer):
            den = int(raw.q)
            for prime in (2, 5):
                while den % prime == 0:
                    den //= prime
            if den != 1:
                return None
        elif not isinstance(raw, sympy.Integer):
            return None  # an expression, not one number the student wrote
        for d in self.decimals:
            if abs(d.value) == abs(raw):
                return d.digits
        return None


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
        return tuple(Expression(value=v, latex=sympy.latex(v)) for v in value.args)
    if isinstance(value, sympy.Interval) and value.left_open and value.right_open:
        return tuple(Expression(value=v, latex=sympy.latex(v)) for v in (value.start, value.end))
    return None


def _right_sides(rows: tuple[Parsed, ...]) -> tuple[Parsed, ...]:
    return tuple(Expression(value=r.rhs, latex=r.latex, decimals=r.decimals) for r in rows if isinstance(r, Equation))


def _is_tuple(value: Parsed) -> bool:
    return isinstance(value, Collection) and value.ordered


def _assignments(rows: tuple[Parsed, ...]) -> dict[Any, tuple[Any, tuple[WrittenDecimal, ...]]] | None:
    out = {}
    for r in rows:
        if not isinstance(r, Equation):
            return None
        if isinstance(r.lhs, (sympy.Symbol, sympy.Indexed)):
            out[r.lhs] = (r.rhs, r.decimals)
        elif isinstance(r.rhs, (sympy.Symbol, sympy.Indexed)):
            out[r.rhs] = (r.lhs, r.decimals)
        else:
            return None
    return out


def _is_constant(e: Any) -> bool:
    if isinstance(e, sympy.MatrixBase):
        return all(_is_constant(x) for x in e)
    if not isinstance(e, sympy.Basic):
        return True
    return not e.free_symbols and not e.atoms(sympy.MatrixSymbol) and not e.atoms(sympy.Function) - e.atoms(sympy.exp, sympy.log, sympy.Max, sympy.Min, sympy.Abs, sympy.tanh, sympy.sin, sympy.cos, sympy.sqrt, sympy.factorial, sympy.floor, sympy.ceiling)


def _given_numbers(expected: Any) -> frozenset[Any]:
    """The non-integer rationals written in the expected answer (data of the problem)."""
    items = list(expected) if isinstance(expected, sympy.MatrixBase) else [expected]
    out: set[Any] = set()
    for item in items:
        if isinstance(item, sympy.Basic):
            out |= {abs(r) for r in item.atoms(sympy.Rational) if not r.is_Integer}
    return frozenset(out)


def _ulp(raw: Any, digits: int) -> float:
    value = abs(float(raw))
    if value == 0:
        return 10.0 ** (-digits)
    exponent = int(sympy.floor(sympy.log(sympy.Rational(value).limit_denominator(10**12) if value < 1e-300 else sympy.Float(value), 10)))
    return 10.0 ** (exponent - digits + 1)


def _escaped_indices(e: Any) -> set[str]:
    """Indices a sum binds that also appear free outside it (``\\sum_j x_j + y_j``): the answer
    reads two ways, so it is flagged before any evaluation rather than after the time runs out."""
    if isinstance(e, sympy.MatrixBase):
        out: set[str] = set()
        for x in e:
            out |= _escaped_indices(x)
        return out
    if not isinstance(e, sympy.Basic) or not e.has(sympy.Sum):
        return set()
    free = {s.name for s in e.free_symbols if isinstance(s, sympy.Symbol)}
    bound = {str(lim[0]) for node in sympy.preorder_traversal(e) if isinstance(node, sympy.Sum) for lim in node.limits}
    return bound & free


def _simplify_can_help(*exprs: Any) -> bool:
    """``simplify`` decides what the points could not only for closed forms: a sum with a symbolic
    bound, an undefined function or an unevaluated derivative costs seconds and ends undecided."""
    from sympy.core.function import AppliedUndef

    for e in exprs:
        if isinstance(e, sympy.Basic) and e.has(sympy.Sum, sympy.Product, sympy.Derivative, sympy.Integral, AppliedUndef):
            return False
    return True


def _as_expr(e: Any) -> Any:
    return sympy.Matrix(e) if isinstance(e, sympy.MatrixBase) else e


def _short(v: Any) -> str:
    if isinstance(v, sympy.MatrixBase):
        return str(sympy.N(v, 6))[:120]
    return str(sympy.N(v, 8))
