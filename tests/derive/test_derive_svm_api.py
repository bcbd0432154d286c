"""SVM cross-checked against a numeric QP (scipy SLSQP), and the public API's contracts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy
from scipy.optimize import minimize

from grader.derive import derive, list_derivations, load_spec, render
from grader.derive.params import to_exact, to_matrix
from grader.errors import DerivationError


def numeric_svm(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    d = x.shape[1]
    cons = [{"type": "ineq", "fun": lambda v, i=i: y[i] * (x[i] @ v[:d] + v[d]) - 1} for i in range(len(y))]
    res = minimize(lambda v: 0.5 * v[:d] @ v[:d], np.zeros(d + 1), constraints=cons, method="SLSQP", options={"ftol": 1e-12, "maxiter": 500})
    return res.x[:d], float(res.x[d])


@pytest.mark.parametrize("seed", range(8))
def test_svm_matches_numeric_qp_on_random_separable_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = int(rng.integers(3, 8))
    x = rng.integers(-5, 6, size=(m, 2)).astype(float)
    direction, offset = rng.normal(size=2), rng.normal()
    y = np.where(x @ direction + offset >= 0, 1, -1)
    if len(set(y)) < 2:
        y[0] = -y[0]
    try:
        d = derive("svm_hard_margin", {"points": x.astype(int).tolist(), "labels": y.tolist()})
    except DerivationError:
        pytest.skip("flipping a label made this draw inseparable")
    w_num, b_num = numeric_svm(x, y)
    w = np.array([float(v) for v in d.get("svm.w")])
    assert np.allclose(w, w_num, atol=1e-4)
    assert abs(float(d.get("svm.b")) - b_num) < 1e-4
    lam = np.array([float(v) for v in d.get("svm.lambda")])
    assert (lam >= 0).all()
    assert np.allclose(w, (lam * y) @ x) and abs(lam @ y) < 1e-12


@pytest.mark.parametrize(
    ("points", "labels"),
    [
        pytest.param([[0, 0], [1, 1], [1, 0], [0, 1]], [1, 1, -1, -1], id="xor"),
        pytest.param([[0, 0], [0, 0]], [1, -1], id="same-point-both-labels"),
        pytest.param([[0], [1], [2]], [1, -1, 1], id="1d-interleaved"),
    ],
)
def test_svm_not_separable_raises(points: list, labels: list) -> None:
    with pytest.raises(DerivationError, match="not linearly separable"):
        derive("svm_hard_margin", {"points": points, "labels": labels})


# ---- parameters become exact values ---------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "exact"),
    [
        (0.15, sympy.Rational(3, 20)),
        (0.1, sympy.Rational(1, 10)),
        (3, sympy.Integer(3)),
        ("0.15", sympy.Rational(3, 20)),
        ("1/4", sympy.Rational(1, 4)),
        ("-2e-3", sympy.Rational(-1, 500)),
        ("x", sympy.Symbol("x")),
        ("W", sympy.Symbol("W")),
    ],
)
def test_params_are_exact(raw: object, exact: sympy.Expr) -> None:
    assert to_exact(raw) == exact


@pytest.mark.parametrize("raw", ["__import__('os')", "1+1", "x y", "", True, None, float("nan"), "1/0"])
def test_params_reject_anything_else(raw: object) -> None:
    with pytest.raises(DerivationError):
        to_exact(raw)


def test_flat_list_is_a_column_and_nested_a_matrix() -> None:
    assert to_matrix([1, 2]).shape == (2, 1)
    assert to_matrix([1, 2], orientation="row").shape == (1, 2)
    assert to_matrix([[1, 2], [3, 4]]).shape == (2, 2)
    assert to_matrix({"symbol": "W", "shape": [2, 3]})[1, 2] == sympy.Symbol("W_{2,3}")


# ---- the public API ------------------------------------------------------------------------
def test_every_catalog_entry_lists_its_parameters_and_derives_with_defaults() -> None:
    infos = list_derivations()
    assert {"network", "mlp_relu_softmax_ce", "svm_hard_margin"} <= {i.name for i in infos}
    for info in infos:
        assert info.summary
        if info.name != "network":
            assert derive(info.name, {}).quantities


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("no_such_thing", {}, "unknown derivation"),
        ("mlp_relu_softmax_ce", {"bogus": 1}, "unknown parameter"),
        ("mlp_relu_softmax_ce", {"W": [[1, 2, 3]]}, "shapes do not match"),
        ("mlp_relu_softmax_ce", {"lr": "import os"}, "neither a number"),
        ("network", {}, "needs layers"),
        ("network", {"layers": [{"warp": {}}], "input": [1], "target": [1]}, "unknown layer kind"),
        ("svm_hard_margin", {"labels": [1, 2, 1, 1, 1, 1]}, "labels must be"),
    ],
)
def test_bad_requests_raise_one_line_errors(name: str, params: dict, message: str) -> None:
    with pytest.raises(DerivationError, match=message) as info:
        derive(name, params)
    assert "\n" not in str(info.value)


def test_get_names_available_quantities_and_reads_entries() -> None:
    d = derive("mlp_relu_softmax_ce", {})
    with pytest.raises(DerivationError, match="available: forward.X"):
        d.get("grad.nothing")
    assert d.get("updated.W[2,2]") == -1
    assert d.get("updated.w22") == -1
    assert d.get("forward.Z[1]") == 1
    with pytest.raises(DerivationError, match="out of range"):
        d.get("updated.W[3,1]")


def test_quantities_are_read_only() -> None:
    d = derive("deep_linear_gradient_norm", {})
    with pytest.raises(TypeError):
        d.quantities["x"] = sympy.S.One  # type: ignore[index]


@pytest.mark.parametrize("fmt", ["text", "latex", "json"])
def test_render_formats(fmt: str) -> None:
    out = render(derive("mlp_relu_softmax_ce", {}), fmt)
    assert "updated.B" in out.replace("\\_", "_")


def test_render_json_shape_and_decimals() -> None:
    data = json.loads(render(derive("mlp_relu_softmax_ce", {}), "json"))
    assert data["derivation"] == "mlp_relu_softmax_ce"
    loss = data["quantities"]["loss"]
    assert loss["decimal"] == "1.01326168751822"
    assert data["quantities"]["updated.B"]["decimal"][0][0].startswith("-0.008621171572")
    assert data["quantities"]["updated.W"]["latex"].startswith(r"\left[")
    symbolic = json.loads(render(derive("softmax_cross_entropy", {}), "json"))
    assert symbolic["quantities"]["grad.z_x"]["decimal"] is None


def test_render_rejects_unknown_format() -> None:
    with pytest.raises(DerivationError):
        render(derive("deep_linear_gradient_norm", {}), "pdf")


def test_load_spec_and_derive_network(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "derivation: network\n"
        "params:\n"
        "  input: [1, 1]\n"
        "  layers:\n"
        "    - matmul: {W: [[1, 0], [0, -1]]}\n"
        "    - bias: {B: [0, 0]}\n"
        "    - relu: {name: Z}\n"
        "    - softmax: {name: Q}\n"
        "  target: [0.3, 0.7]\n"
        "  lr: 0.02\n",
        encoding="utf-8",
    )
    name, params = load_spec(spec)
    d = derive(name, params)
    same = derive("mlp_relu_softmax_ce", {})
    assert sympy.simplify(d.get("updated.B[1]") - same.get("updated.B[1]")) == 0


@pytest.mark.parametrize(
    "text",
    ["derivation: [1]\n", "just text\n", "derivation: network\nparams: [1]\n", "derivation: x\nextra: 1\n", "a: !!python/object:os.system x\n"],
)
def test_load_spec_rejects_bad_files(tmp_path: Path, text: str) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(DerivationError):
        load_spec(spec)
