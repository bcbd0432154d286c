"""Hard-margin SVM solved exactly: ``min 1/2 ||w||^2`` s.t. ``y_i (w . x_i + b) >= 1``.

The KKT conditions are solved in rational arithmetic by enumerating candidate active sets
``S`` of at most ``d + 1`` points with both labels: on ``S`` the conditions ``w = sum
lambda_i y_i x_i``, ``sum lambda_i y_i = 0``, ``y_i (w . x_i + b) = 1`` form a linear system
in ``(lambda_S, b)``. A solution with ``lambda_S >= 0`` that satisfies every constraint is
optimal (the problem is convex); some such ``S`` always exists when the data are separable,
because an extreme point of the optimal multipliers has independent columns ``(y_i x_i, y_i)``,
which makes the system non-singular. When none exists the data are not linearly separable.

Support vectors are every point on the margin (1-based indices). ``svm.margin`` is the width
``2/||w||`` between the two margin hyperplanes; ``svm.half_margin`` is ``1/||w||``, the
distance from the separating hyperplane to the support vectors. Multipliers need not be
unique when support vectors are degenerate: ``svm.lambda_unique`` says whether they are.
"""

from __future__ import annotations

from itertools import combinations

import sympy

from grader.derive.params import to_exact, to_matrix
from grader.derive.result import CatalogEntry, Quantity, entry
from grader.errors import DerivationError

Matrix = sympy.ImmutableMatrix
MAX_POINTS = 40


def read_data(points: object, labels: object) -> tuple[list[Matrix], list[int]]:
    """Points as rows of a matrix and labels +1/-1."""
    xs = to_matrix(points, "points")
    ys = list(to_matrix(labels, "labels"))
    if len(ys) != xs.rows:
        raise DerivationError(f"{xs.rows} points but {len(ys)} labels")
    if xs.rows > MAX_POINTS:
        raise DerivationError(f"at most {MAX_POINTS} points")
    if any(not v.is_Rational for v in xs) :
        raise DerivationError("points must be numbers")
    if any(y not in (1, -1) for y in ys):
        raise DerivationError("labels must be +1 or -1")
    if len(set(ys)) < 2:
        raise DerivationError("both labels must occur")
    return [Matrix(xs.row(i)).T for i in range(xs.rows)], [int(y) for y in ys]


def solve_hard_margin(points: list[Matrix], labels: list[int]) -> tuple[Matrix, sympy.Rational, list[sympy.Rational]]:
    """(w, b, lambda) of the hard-margin SVM, exact."""
    m, d = len(points), points[0].rows
    for size in range(2, min(m, d + 1) + 1):
        for subset in combinations(range(m), size):
            if len({labels[i] for i in subset}) < 2:
                continue
            found = _try_active_set(points, labels, subset)
            if found is not None:
                return found
    raise DerivationError("the data are not linearly separable: no hard-margin solution exists")


def solve_free(points: list[Matrix], labels: list[int], free: tuple[int, ...], base: Matrix, bound_sum: sympy.Expr) -> tuple[list[sympy.Expr], sympy.Expr] | None:
    """The KKT equations on the points whose multipliers are free: ``y_j (w . x_j + b) = 1`` with
    ``w = base + sum_free lambda_i y_i x_i`` and ``sum_free lambda_i y_i + bound_sum = 0``, solved for
    ``(lambda_free, b)``; None when singular. ``base`` and ``bound_sum`` carry the multipliers fixed
    at the bound C of a soft margin (zero for a hard margin)."""
    k = len(free)
    system = sympy.zeros(k + 1, k + 1)
    rhs = sympy.zeros(k + 1, 1)
    for r, j in enumerate(free):
        for c, i in enumerate(free):
            system[r, c] = labels[j] * labels[i] * (points[i].T * points[j])[0, 0]
        system[r, k] = labels[j]
        rhs[r, 0] = 1 - labels[j] * (base.T * points[j])[0, 0]
    for c, i in enumerate(free):
        system[k, c] = labels[i]
    rhs[k, 0] = -bound_sum
    if system.det() == 0:
        return None
    solution = system.LUsolve(rhs)
    return list(solution[:k]), solution[k]


def _try_active_set(points: list[Matrix], labels: list[int], subset: tuple[int, ...]) -> tuple[Matrix, sympy.Rational, list[sympy.Rational]] | None:
    k = len(subset)
    solved = solve_free(points, labels, subset, Matrix.zeros(points[0].rows, 1), sympy.S.Zero)
    if solved is None:
        return None
    lam_s, b = solved
    if any(v < 0 for v in lam_s):
        return None
    w = Matrix(sympy.Add(*[lam_s[c] * labels[i] * points[i] for c, i in enumerate(subset)]) if k else sympy.zeros(points[0].rows, 1))
    if any(labels[i] * ((w.T * points[i])[0, 0] + b) < 1 for i in range(len(points))):
        return None
    lam = [sympy.S.Zero] * len(points)
    for c, i in enumerate(subset):
        lam[i] = lam_s[c]
    return w, b, lam


def multipliers_unique(points: list[Matrix], labels: list[int], active: list[int], lam: list[sympy.Rational]) -> bool:
    """Whether no other lambda >= 0 on the active set gives the same w with sum lambda y = 0."""
    if not active:
        return True
    columns = sympy.Matrix.hstack(*[sympy.Matrix.vstack(labels[i] * points[i], sympy.Matrix([[labels[i]]])) for i in active])
    null = columns.nullspace()
    if not null:
        return True
    for direction in null:
        for sign in (1, -1):
            # a small step along +-direction keeps lambda >= 0 iff no zero multiplier decreases
            if all(sign * direction[c] >= 0 for c, i in enumerate(active) if lam[i] == 0):
                return False
    return True  # a multi-dimensional null space is checked one basis direction at a time


def _svm(p: dict[str, object]) -> dict[str, Quantity]:
    points, labels = read_data(p["points"], p["labels"])
    w, b, lam = solve_hard_margin(points, labels)
    scores = [labels[i] * ((w.T * x)[0, 0] + b) for i, x in enumerate(points)]
    active = [i for i, s in enumerate(scores) if s == 1]
    norm = sympy.sqrt((w.T * w)[0, 0])
    xs = sympy.symbols(f"x_1:{w.rows + 1}")
    return {
        "svm.w": w,
        "svm.b": b,
        "svm.lambda": Matrix(lam),
        "svm.lambda_unique": sympy.true if multipliers_unique(points, labels, active, lam) else sympy.false,
        "svm.support_indices": Matrix([[i + 1 for i in active]]),
        "svm.support_vectors": Matrix([list(points[i]) for i in active]),
        "svm.margin": 2 / norm,
        "svm.half_margin": 1 / norm,
        "svm.w_norm": norm,
        "svm.hyperplane": sympy.Add(*[wi * xi for wi, xi in zip(w, xs, strict=True)]) + b,
        "svm.scores": Matrix(scores),
    }


def _svm_soft(p: dict[str, object]) -> dict[str, Quantity]:
    from grader.derive.svm_soft import soft_margin_quantities

    C = to_exact(p["C"], "C")
    if not C.is_Rational:
        raise DerivationError("C must be a number")
    return soft_margin_quantities(p["points"], p["labels"], C)  # type: ignore[return-value]


CATALOG: tuple[CatalogEntry, ...] = (
    entry(
        "svm_hard_margin",
        "exact hard-margin SVM: w, b, multipliers, support vectors, margin, hyperplane",
        [
            ("points", "the data, one point per row", [[0, 2], [0, 3], [1, 3], [1, 1], [2, 1], [2, 2]]),
            ("labels", "+1 or -1 for each point", [1, 1, 1, -1, -1, -1]),
        ],
        _svm,
    ),
    entry(
        "svm_soft_margin",
        "exact soft-margin SVM with penalty C: w, b, multipliers (0 <= lambda <= C), slacks, objective",
        [
            ("points", "the data, one point per row", [[0, 0], [1, 1], [2, 0], [0, 2], [2, 2], [1, 0.5]]),
            ("labels", "+1 or -1 for each point", [-1, 1, -1, 1, 1, -1]),
            ("C", "the penalty on slack", 1),
        ],
        _svm_soft,
    ),
)
