"""Name the mistake when an answer is not equal: sign, factor, reciprocal, transpose, a term
missing or extra, log base, rounding.

Each check evaluates a candidate "mistaken expected answer" at the same points as the
comparison and sees whether it equals the student's. Codes are stable (STACK-style notes) so a
class report can count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from grader.compare.definitions import Rule, expand_definitions
from grader.compare.numeric import Point, close, realise, to_number
from grader.latex.context import SymbolContext


@dataclass(frozen=True)
class Diagnosis:
    code: str
    feedback: str


def diagnose(expected: Any, answer: Any, points: list[Point], ctx: SymbolContext, rel: float, rules: list[Rule]) -> Diagnosis | None:
    """The first diagnosis whose mistaken version of ``expected`` matches ``answer`` everywhere.

    ``rel`` is capped at 1%: a one-digit decimal may pass as a rounding of the value, but it is
    no evidence of a particular mistake.
    """
    rel = min(rel, 1e-2)
    try:
        return _diagnose(expected, answer, points, ctx, rel, rules)
    except (ArithmeticError, ValueError, TypeError, IndexError, AttributeError):
        return None  # values too extreme to say more than "not equal"


def _diagnose(expected: Any, answer: Any, points: list[Point], ctx: SymbolContext, rel: float, rules: list[Rule]) -> Diagnosis | None:
    rel = max(rel, 1e-12)
    e_vals, a_vals = _values(expected, points, ctx), _values(answer, points, ctx)
    pairs = [(x, y) for x, y in zip(e_vals, a_vals, strict=True) if x is not None and y is not None]
    if not pairs:
        return None

    def all_close(transform: Any) -> bool:
        try:
            return all(close(transform(x), y, rel) for x, y in pairs)
        except (TypeError, ValueError, ZeroDivisionError, ArithmeticError, sympy.NonSquareMatrixError):
            return False

    nonzero = all(not _is_zero(x) for x, _ in pairs)
    if nonzero and all_close(lambda x: -x):
        return Diagnosis("SIGN", "The sign is wrong.")
    if isinstance(pairs[0][0], sympy.MatrixBase):
        if pairs[0][0].shape == pairs[0][0].shape[::-1] and all_close(lambda x: x.T):
            return Diagnosis("TRANSPOSE", "Your matrix is the transpose of the expected one.")
        if all_close(lambda x: -x.T):
            return Diagnosis("SIGN", "The sign is wrong (and the matrix is transposed).")
    elif nonzero and all_close(lambda x: 1 / x):
        return Diagnosis("RECIPROCAL", "You have the reciprocal of the expected value.")
    factor = _constant_ratio(pairs, rel)
    if factor is not None:
        return Diagnosis(f"FACTOR:{factor}", f"Off by a constant factor: your answer is {factor} times the expected one.")
    term = _term_mistake(expected, answer, points, ctx, rel, rules, a_vals)
    if term is not None:
        return term
    if expected.has(sympy.log) if isinstance(expected, sympy.Basic) else False:
        for base in (10, 2):
            changed = expected.replace(sympy.log, lambda *args, b=base: sympy.log(args[0], b))
            vals = _values(changed, points, ctx)
            if all(v is not None and close(v, y, rel) for v, y in zip(vals, a_vals, strict=True) if y is not None):
                return Diagnosis("LOG_BASE", f"The logarithm should be natural, not base {base}.")
    if len(pairs) == 1 and not isinstance(pairs[0][0], sympy.MatrixBase):
        x, y = pairs[0]
        if not _is_zero(x) and abs(complex(y - x)) <= 0.01 * abs(complex(x)):
            return Diagnosis("ROUNDING", "Close, but not equal to the expected value within the digits you gave.")
    return None


def _values(expr: Any, points: list[Point], ctx: SymbolContext) -> list[Any]:
    out = []
    for p in points:
        try:
            out.append(to_number(realise(expr, p, ctx)))
        except (ValueError, TypeError, ZeroDivisionError, ArithmeticError, IndexError, AttributeError):
            out.append(None)
    return out


def _is_zero(x: Any) -> bool:
    if isinstance(x, sympy.MatrixBase):
        return all(abs(complex(v)) < 1e-20 for v in x)
    return abs(complex(x)) < 1e-20


def _constant_ratio(pairs: list[tuple[Any, Any]], rel: float) -> str | None:
    ratios = []
    for x, y in pairs:
        xs = list(x) if isinstance(x, sympy.MatrixBase) else [x]
        ys = list(y) if isinstance(y, sympy.MatrixBase) else [y]
        for a, b in zip(xs, ys, strict=True):
            if abs(complex(a)) < 1e-20:
                if abs(complex(b)) > 1e-20:
                    return None
                continue
            ratios.append(complex(b / a))
    if not ratios:
        return None
    first = ratios[0]
    if any(abs(r - first) > max(rel, 1e-9) * max(1.0, abs(first)) for r in ratios[1:]):
        return None
    tight = max(min(rel, 1e-3), 1e-9)
    if abs(first.imag) > 1e-9 or abs(first.real) < 1e-12 or abs(first.real - 1) < 1e-9:
        return None
    # a factor students really get wrong (2, 1/2, -1/4, 3/2: small numerator and denominator),
    # matched within the answer's digits but never looser than 0.1%: a one-digit decimal is no
    # evidence of a particular factor
    tol = tight * abs(first.real)
    for q in range(1, 5):
        p = round(first.real * q)
        if p and abs(p) <= 16 and abs(p / q - first.real) <= tol:
            return None if p == q else str(sympy.Rational(p, q))
    return None


def _term_mistake(expected: Any, answer: Any, points: list[Point], ctx: SymbolContext, rel: float, rules: list[Rule], a_vals: list[Any]) -> Diagnosis | None:
    if isinstance(expected, sympy.MatrixBase) or not isinstance(expected, sympy.Basic):
        return None
    e_terms = sympy.Add.make_args(expected)
    if len(e_terms) > 1 and len(e_terms) <= 12:
        for t in e_terms:
            vals = _values(expected - t, points, ctx)
            if _match(vals, a_vals, rel):
                return Diagnosis("MISSING_TERM", f"A term is missing: {sympy.latex(t)}.")
    if isinstance(answer, sympy.Basic) and not isinstance(answer, sympy.MatrixBase):
        a_terms = sympy.Add.make_args(expand_definitions(answer, rules))
        if len(a_terms) > 1 and len(a_terms) <= 12:
            e_vals = _values(expected, points, ctx)
            for t in a_terms:
                vals = _values(answer - t, points, ctx)
                if _match(vals, e_vals, rel):
                    return Diagnosis("EXTRA_TERM", f"This term should not be there: {sympy.latex(t)}.")
    return None


def _match(xs: list[Any], ys: list[Any], rel: float) -> bool:
    got = [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None and y is not None]
    return bool(got) and all(close(x, y, rel) for x, y in got)
