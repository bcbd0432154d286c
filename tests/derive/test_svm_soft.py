"""Soft-margin SVM: the exact solution against an independent numeric QP, and its limits."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from scipy.optimize import minimize

from grader.derive import derive
from grader.errors import DerivationError


def _qp(points: np.ndarray, labels: np.ndarray, C: float) -> tuple[np.ndarray, float, float]:
    """Primal soft-margin SVM by SLSQP over (w, b, xi): (w, b, objective)."""
    m, d = points.shape

    def objective(v: np.ndarray) -> float:
        return 0.5 * float(v[:d] @ v[:d]) + C * float(np.sum(v[d + 1:]))

    cons = [{"type": "ineq", "fun": lambda v, i=i: labels[i] * (points[i] @ v[:d] + v[d]) - 1 + v[d + 1 + i]} for i in range(m)]
    cons += [{"type": "ineq", "fun": lambda v, i=i: v[d + 1 + i]} for i in range(m)]
    res = minimize(objective, np.zeros(d + 1 + m), constraints=cons, method="SLSQP", options={"maxiter": 500, "ftol": 1e-12})
    return res.x[:d], float(res.x[d]), float(res.fun)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("C", [0.5, 2])
def test_soft_margin_matches_a_numeric_qp(seed: int, C: float) -> None:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(4, 8))
    points = np.round(rng.uniform(-2, 2, (m, 2)), 1)
    labels = np.where(points[:, 0] + 0.5 * points[:, 1] + rng.normal(0, 0.8, m) > 0, 1, -1)
    if len(set(labels.tolist())) < 2:
        labels[0] = -labels[0]
    d = derive("svm_soft_margin", {"points": points.tolist(), "labels": labels.tolist(), "C": C})
    w_qp, _, obj_qp = _qp(points, labels, C)
    w = np.array([float(v) for v in d.get("svm.w")])
    assert float(d.get("svm.objective")) == pytest.approx(obj_qp, rel=1e-5, abs=1e-6)
    assert np.allclose(w, w_qp, atol=1e-4)
    lam = [d.get("svm.lambda")[i] for i in range(m)]
    assert all(0 <= v <= sympy.Rational(str(C)) for v in lam)
    assert sum(v * int(y) for v, y in zip(lam, labels, strict=True)) == 0  # exact


def test_large_c_on_separable_data_is_the_hard_margin() -> None:
    hard = derive("svm_hard_margin", {})
    soft = derive("svm_soft_margin", {"points": [[0, 2], [0, 3], [1, 3], [1, 1], [2, 1], [2, 2]], "labels": [1, 1, 1, -1, -1, -1], "C": 100})
    assert soft.get("svm.w") == hard.get("svm.w") and soft.get("svm.b") == hard.get("svm.b")
    assert all(v == 0 for v in soft.get("svm.slack"))


@pytest.mark.parametrize("params, words", [
    ({"C": 0}, "C must be positive"),
    ({"C": -1}, "C must be positive"),
    ({"labels": [1, 1, 1, 1, 1, 1]}, "both labels"),
])
def test_bad_parameters_are_one_line_errors(params: dict[str, object], words: str) -> None:
    with pytest.raises(DerivationError, match=words):
        derive("svm_soft_margin", params)
