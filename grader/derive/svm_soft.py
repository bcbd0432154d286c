"""Soft-margin SVM solved exactly: ``min 1/2 ||w||^2 + C sum xi_i`` s.t. ``y_i (w . x_i + b) >= 1 - xi_i``.

At the optimum each point is free (``0 < lambda_i < C``, on the margin), at the bound
(``lambda_i = C``, inside the margin or misclassified) or inactive (``lambda_i = 0``). Given that
partition the KKT conditions are linear in ``(lambda_free, b)``; the solution is optimal when it
satisfies every bound and constraint exactly (the problem is convex). The partition is proposed
by a deterministic SMO run in floating point on the dual and then certified in rational
arithmetic; when the proposal does not certify, small data sets are searched exhaustively.
Nothing numeric is trusted without the exact check.
"""

from __future__ import annotations

from itertools import product

import sympy

from grader.derive.svm import Matrix, read_data, solve_free
from grader.errors import DerivationError

#: Largest data set searched exhaustively when the SMO proposal does not certify.
MAX_EXHAUSTIVE = 9


def solve_soft_margin(points: list[Matrix], labels: list[int], C: sympy.Rational) -> tuple[Matrix, sympy.Rational, list[sympy.Rational]]:
    """(w, b, lambda) of the soft-margin SVM, exact."""
    if C <= 0:
        raise DerivationError("C must be positive")
    m = len(points)
    guess = _smo([[float(v) for v in x] for x in points], labels, float(C))
    tol = 1e-7 * max(1.0, float(C))
    free = tuple(i for i in range(m) if tol < guess[i] < float(C) - tol)
    upper = tuple(i for i in range(m) if guess[i] >= float(C) - tol)
    found = _certify(points, labels, C, free, upper)
    if found is not None:
        return found
    if m > MAX_EXHAUSTIVE:
        raise DerivationError(f"could not certify the soft-margin solution for {m} points (exhaustive search stops at {MAX_EXHAUSTIVE})")
    for states in product((0, 1, 2), repeat=m):  # 0 inactive, 1 free, 2 at C
        free = tuple(i for i, s in enumerate(states) if s == 1)
        upper = tuple(i for i, s in enumerate(states) if s == 2)
        found = _certify(points, labels, C, free, upper)
        if found is not None:
            return found
    raise DerivationError("no soft-margin solution certified (is C a positive number?)")


def _certify(points: list[Matrix], labels: list[int], C: sympy.Rational, free: tuple[int, ...], upper: tuple[int, ...]) -> tuple[Matrix, sympy.Rational, list[sympy.Rational]] | None:
    k = len(free)
    base = Matrix(sympy.Add(*[C * labels[i] * points[i] for i in upper])) if upper else Matrix.zeros(points[0].rows, 1)
    if k == 0:
        return _certify_no_free(points, labels, C, upper, base)
    solved = solve_free(points, labels, free, base, sum(C * labels[i] for i in upper))
    if solved is None:
        return None
    lam_f, b = solved
    if any(v <= 0 or v >= C for v in lam_f):
        return None
    w = Matrix(base + sympy.Add(*[lam_f[c] * labels[i] * points[i] for c, i in enumerate(free)]))
    return _check(points, labels, C, free, upper, lam_f, w, b)


def _certify_no_free(points: list[Matrix], labels: list[int], C: sympy.Rational, upper: tuple[int, ...], w: Matrix) -> tuple[Matrix, sympy.Rational, list[sympy.Rational]] | None:
    """No free multiplier: b lies in an interval; take its midpoint when the interval is not empty."""
    if sum(C * labels[i] for i in upper) != 0:
        return None
    lo, hi = -sympy.oo, sympy.oo
    for i, x in enumerate(points):
        f = (w.T * x)[0, 0]
        # at C: y (f + b) <= 1; inactive: y (f + b) >= 1
        bound = 1 - f if labels[i] == 1 else -1 - f
        at_c = i in upper
        if (labels[i] == 1) == at_c:
            hi = min(hi, bound)
        else:
            lo = max(lo, bound)
    if lo > hi:
        return None
    b = (lo + hi) / 2 if lo.is_finite and hi.is_finite else (lo if lo.is_finite else hi if hi.is_finite else sympy.S.Zero)
    return _check(points, labels, C, (), upper, [], w, b)


def _check(points: list[Matrix], labels: list[int], C: sympy.Rational, free: tuple[int, ...], upper: tuple[int, ...],
           lam_f: list[sympy.Rational], w: Matrix, b: sympy.Rational) -> tuple[Matrix, sympy.Rational, list[sympy.Rational]] | None:
    for i, x in enumerate(points):
        score = labels[i] * ((w.T * x)[0, 0] + b)
        if i in upper and score > 1:
            return None
        if i not in upper and i not in free and score < 1:
            return None
    lam = [sympy.S.Zero] * len(points)
    for c, i in enumerate(free):
        lam[i] = lam_f[c]
    for i in upper:
        lam[i] = C
    return w, b, lam


def _smo(xs: list[list[float]], ys: list[int], C: float, passes: int = 200) -> list[float]:
    """Dual multipliers by sequential minimal optimisation (Platt), deterministic order, floats."""
    m = len(xs)
    K = [[sum(a * b for a, b in zip(xs[i], xs[j], strict=True)) for j in range(m)] for i in range(m)]
    lam = [0.0] * m
    b = 0.0

    def f(i: int) -> float:
        return sum(lam[j] * ys[j] * K[j][i] for j in range(m)) + b

    for _ in range(passes):
        changed = 0
        for i in range(m):
            Ei = f(i) - ys[i]
            if not ((ys[i] * Ei < -1e-9 and lam[i] < C) or (ys[i] * Ei > 1e-9 and lam[i] > 0)):
                continue
            for j in sorted(range(m), key=lambda j: -abs(Ei - (f(j) - ys[j]))):
                if j == i:
                    continue
                Ej = f(j) - ys[j]
                ai, aj = lam[i], lam[j]
                if ys[i] != ys[j]:
                    lo, hi = max(0.0, aj - ai), min(C, C + aj - ai)
                else:
                    lo, hi = max(0.0, ai + aj - C), min(C, ai + aj)
                eta = 2 * K[i][j] - K[i][i] - K[j][j]
                if lo >= hi or eta >= 0:
                    continue
                new_j = min(hi, max(lo, aj - ys[j] * (Ei - Ej) / eta))
                if abs(new_j - aj) < 1e-12:
                    continue
                new_i = ai + ys[i] * ys[j] * (aj - new_j)
                b1 = b - Ei - ys[i] * (new_i - ai) * K[i][i] - ys[j] * (new_j - aj) * K[i][j]
                b2 = b - Ej - ys[i] * (new_i - ai) * K[i][j] - ys[j] * (new_j - aj) * K[j][j]
                lam[i], lam[j] = new_i, new_j
                b = b1 if 0 < new_i < C else b2 if 0 < new_j < C else (b1 + b2) / 2
                changed += 1
                break
        if not changed:
            break
    return lam


def soft_margin_quantities(points_param: object, labels_param: object, C: sympy.Rational) -> dict[str, object]:
    points, labels = read_data(points_param, labels_param)
    w, b, lam = solve_soft_margin(points, labels, C)
    scores = [labels[i] * ((w.T * x)[0, 0] + b) for i, x in enumerate(points)]
    slack = [sympy.Max(0, 1 - s) for s in scores]
    norm = sympy.sqrt((w.T * w)[0, 0])
    xs = sympy.symbols(f"x_1:{w.rows + 1}")
    return {
        "svm.w": w,
        "svm.b": b,
        "svm.lambda": Matrix(lam),
        "svm.support_indices": Matrix([[i + 1 for i, v in enumerate(lam) if v != 0]]),
        "svm.margin_indices": Matrix([[i + 1 for i, v in enumerate(lam) if 0 < v < C]]),
        "svm.slack": Matrix(slack),
        "svm.objective": (w.T * w)[0, 0] / 2 + C * sum(slack),
        "svm.margin": 2 / norm if norm != 0 else sympy.oo,
        "svm.w_norm": norm,
        "svm.hyperplane": sympy.Add(*[wi * xi for wi, xi in zip(w, xs, strict=True)]) + b,
        "svm.scores": Matrix(scores),
    }
