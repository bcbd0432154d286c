"""Every derived gradient against central finite differences computed with numpy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.derive import derive

ACT = {
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "tanh": np.tanh,
    "relu": lambda v: np.maximum(v, 0),
    "softplus": lambda v: np.log1p(np.exp(v)),
    "shifted_logistic": lambda v: 1 / (1 + np.exp(-v)) - 0.5,
}
LOSS = {
    "cross_entropy": lambda q, p: -np.sum(p * np.log(q)),
    "squared_error": lambda q, p: 0.5 * np.sum((p - q) ** 2),
    "binary_cross_entropy": lambda q, p: -np.sum(p * np.log(q) + (1 - p) * np.log(1 - q)),
}


def as_array(value: sympy.Basic) -> np.ndarray:
    return np.array(sympy.Matrix(value).evalf(20).tolist(), dtype=float)


def numpy_loss(params: dict[str, np.ndarray], x: np.ndarray, acts: list[str], last: str, loss: str, p: np.ndarray, row: bool) -> float:
    h = x
    for k, act in enumerate(acts, start=1):
        w, b = params[f"W{k}"], params[f"b{k}"]
        h = (h @ w if row else w @ h) + b
        h = ACT[act](h)
    if last == "softmax":
        e = np.exp(h - h.max())
        h = e / e.sum()
    elif last == "sigmoid":
        h = ACT["sigmoid"](h)
    return float(LOSS[loss](h, p))


def central(f, params: dict[str, np.ndarray], name: str, eps: float = 1e-6) -> np.ndarray:  # noqa: ANN001
    grad = np.zeros_like(params[name])
    for idx in np.ndindex(grad.shape):
        plus = {k: v.copy() for k, v in params.items()}
        minus = {k: v.copy() for k, v in params.items()}
        plus[name][idx] += eps
        minus[name][idx] -= eps
        grad[idx] = (f(plus) - f(minus)) / (2 * eps)
    return grad


decimals = st.integers(-90, 90).map(lambda n: n / 100)


@st.composite
def networks(draw: st.DrawFn) -> dict[str, object]:
    depth = draw(st.integers(1, 2))
    widths = [draw(st.integers(1, 3)) for _ in range(depth + 1)]
    row = draw(st.booleans())
    acts = [draw(st.sampled_from(["sigmoid", "tanh", "softplus", "shifted_logistic", "relu"])) for _ in range(depth - 1)]
    last, loss = draw(st.sampled_from([("softmax", "cross_entropy"), ("sigmoid", "squared_error"), ("sigmoid", "binary_cross_entropy")]))
    layers: list[object] = []
    values: dict[str, list] = {}
    for k in range(1, depth + 1):
        n_in, n_out = widths[k - 1], widths[k]
        shape = (n_in, n_out) if row else (n_out, n_in)
        w = [[draw(decimals) for _ in range(shape[1])] for _ in range(shape[0])]
        b = [draw(decimals) for _ in range(n_out)]
        values[f"W{k}"], values[f"b{k}"] = w, b
        layers.append({"linear": {f"W{k}": w, f"b{k}": b}})
        if k < depth:
            layers.append({acts[k - 1]: {}})
    layers.append({last: {}})
    x = [draw(decimals) for _ in range(widths[0])]
    target = [draw(st.integers(1, 9)) / 10 for _ in range(widths[-1])]
    return {"layers": layers, "values": values, "x": x, "target": target, "row": row, "acts": acts, "last": last, "loss": loss}


@settings(max_examples=12, deadline=None)
@given(networks())
def test_network_gradients_match_finite_differences(case: dict) -> None:
    row = case["row"]
    d = derive("network", {
        "layers": case["layers"], "input": case["x"], "target": case["target"], "loss": case["loss"],
        "lr": 0.1, "convention": "row" if row else "column", "tidy": False,
    })
    shape = (1, -1) if row else (-1, 1)
    x = np.array(case["x"]).reshape(shape)
    p = np.array(case["target"]).reshape(shape)
    params = {}
    for name, v in case["values"].items():
        params[name] = np.array(v, dtype=float) if name.startswith("W") else np.array(v, dtype=float).reshape(shape)
    acts = case["acts"] + ["identity"]
    ACT.setdefault("identity", lambda v: v)

    def f(ps: dict[str, np.ndarray]) -> float:
        return numpy_loss(ps, x, acts, case["last"], case["loss"], p, row)

    assert abs(float(sympy.N(d.get("loss"), 20)) - f(params)) < 1e-9
    for name in params:
        numeric = central(f, params, name)
        exact = as_array(d.get(f"grad.{name}"))
        # ReLU kinks are measure-zero for random decimals but may be hit: skip those entries
        assert np.allclose(exact, numeric, atol=1e-5), name
        updated = as_array(d.get(f"updated.{name}"))
        assert np.allclose(updated, params[name] - 0.1 * exact, atol=1e-12)


@pytest.mark.parametrize("row", [False, True], ids=["column", "row"])
@pytest.mark.parametrize("last", ["softmax", "sigmoid"])
def test_chain_and_composed_differentiation_agree(row: bool, last: str) -> None:
    layers = [
        {"linear": {"W1": [[0.5, -0.25], [0.75, 0.1]], "b1": [0.1, -0.2]}},
        {"tanh": {}},
        {last: {}},
    ]
    common = {"layers": layers, "input": [0.2, -0.4], "target": [0.25, 0.75], "lr": "1/10",
              "convention": "row" if row else "column", "loss": "cross_entropy" if last == "softmax" else "squared_error",
              "tidy": False}
    a = derive("network", common | {"autodiff": "chain"})
    b = derive("network", common | {"autodiff": "composed"})
    assert list(a.quantities) == list(b.quantities)
    for name in a.quantities:
        if name.startswith("grad."):
            left, right = sympy.Matrix(a.get(name)).evalf(25), sympy.Matrix(b.get(name)).evalf(25)
            assert all(abs(u - v) < 1e-20 for u, v in zip(left, right, strict=True)), name


def test_symbolic_network_gradient_matches_hand_derivative() -> None:
    d = derive("network", {
        "layers": [{"matmul": {"W": {"symbol": "w", "shape": [1, 2]}}}, {"sigmoid": {}}],
        "input": ["x1", "x2"], "target": ["p"], "loss": "squared_error",
    })
    w1, w2, x1, x2, p = (sympy.Symbol(n) for n in ("w_{1,1}", "w_{1,2}", "x1", "x2", "p"))
    q = 1 / (1 + sympy.exp(-(w1 * x1 + w2 * x2)))
    expected = sympy.diff((p - q) ** 2 / 2, w1)
    assert sympy.simplify(d.get("grad.W[1,1]") - expected) == 0


def conv_net_loss(k: np.ndarray, x: np.ndarray, g: np.ndarray) -> float:
    kr = k.shape[0]
    c = np.array([[np.sum(k * x[i:i + kr, j:j + kr]) for j in range(x.shape[1] - kr + 1)] for i in range(x.shape[0] - kr + 1)])
    s = 1 / (1 + np.exp(-c))
    pooled = s.reshape(s.shape[0] // 2, 2, s.shape[1] // 2, 2).mean(axis=(1, 3))
    return float(np.sum(g * pooled))


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 10_000))
def test_conv_sigmoid_avgpool_kernel_gradient(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = np.round(rng.uniform(-1, 1, (2, 2)), 2)
    x = np.round(rng.uniform(-1, 1, (5, 5)), 2)
    g = np.round(rng.uniform(-1, 1, (2, 2)), 2)
    d = derive("network", {
        "layers": [{"conv2d": {"K": k.tolist()}}, {"sigmoid": {}}, {"avgpool": {"size": 2}}, {"flatten": {}}],
        "input": x.tolist(), "target": [0] * 4, "loss": "squared_error",
    })
    # with loss 1/2 sum (0 - P)^2 the upstream gradient is P itself; compare to numpy
    def f(ps: dict[str, np.ndarray]) -> float:
        kk = ps["K"]
        c = np.array([[np.sum(kk * x[i:i + 2, j:j + 2]) for j in range(4)] for i in range(4)])
        pooled = (1 / (1 + np.exp(-c))).reshape(2, 2, 2, 2).mean(axis=(1, 3))
        return float(0.5 * np.sum(pooled**2))

    assert np.allclose(as_array(d.get("grad.K")), central(f, {"K": k}, "K"), atol=1e-6)
    assert g.shape == (2, 2)


@settings(max_examples=6, deadline=None)
@given(st.lists(st.integers(-30, 30), min_size=2, max_size=4, unique=True), st.integers(0, 1000))
def test_batch_norm_gradients(xs: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    g = np.round(rng.uniform(-1, 1, len(xs)), 2)
    gamma, beta = 1.5, -0.25
    d = derive("batch_norm", {"x": [v / 10 for v in xs], "gamma": gamma, "beta": beta, "g": g.tolist(), "eps": 0.01})

    def f(ps: dict[str, np.ndarray]) -> float:
        x = ps["x"]
        xhat = (x - x.mean()) / np.sqrt(x.var() + 0.01)
        return float(np.sum(g * (ps["gamma"][0] * xhat + ps["beta"][0])))

    params = {"x": np.array(xs, dtype=float) / 10, "gamma": np.array([gamma]), "beta": np.array([beta])}
    assert np.allclose(as_array(d.get("grad.x")).ravel(), central(f, params, "x"), atol=1e-6)
    assert abs(float(d.get("grad.gamma")) - central(f, params, "gamma")[0]) < 1e-6
    assert abs(float(d.get("grad.beta")) - central(f, params, "beta")[0]) < 1e-6


@pytest.mark.parametrize(("mu", "sigma"), [([0.5, -1], [1.5, 0.25]), ([0], [1]), ([2, 0, -0.3], [0.1, 2, 1])])
def test_vae_kl_gradients(mu: list[float], sigma: list[float]) -> None:
    d = derive("vae_kl", {"mu": mu, "sigma": sigma})

    def f(ps: dict[str, np.ndarray]) -> float:
        m, s = ps["mu"], ps["sigma"]
        return float(0.5 * np.sum(m**2 + s**2 - np.log(s**2) - 1))

    params = {"mu": np.array(mu, float), "sigma": np.array(sigma, float)}
    assert abs(float(d.get("kl")) - f(params)) < 1e-12
    for name in params:
        assert np.allclose(as_array(d.get(f"grad.{name}")).ravel(), central(f, params, name), atol=1e-6)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_softmax_cross_entropy_index_form(n: int) -> None:
    d = derive("softmax_cross_entropy", {"N": n})
    assert d.get("grad.z_x") == sympy.IndexedBase("q")[sympy.Symbol("x")] - sympy.IndexedBase("p")[sympy.Symbol("x")]
    rng = np.random.default_rng(n)
    z = rng.normal(size=n)
    p = rng.dirichlet(np.ones(n))
    subs = {sympy.Symbol(f"z_{i + 1}"): sympy.Float(z[i], 30) for i in range(n)} | {sympy.Symbol(f"p_{i + 1}"): sympy.Float(p[i], 30) for i in range(n)}

    def f(ps: dict[str, np.ndarray]) -> float:
        zz = ps["z"]
        return float(-np.sum(p * (zz - np.log(np.sum(np.exp(zz))))))

    numeric = central(f, {"z": z}, "z")
    exact = np.array([float(v.xreplace(subs)) for v in d.get("grad.z.raw")])
    assert np.allclose(exact, numeric, atol=1e-6)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus", "shifted_logistic", "relu"])
@pytest.mark.parametrize("x0", [-1.3, -0.2, 0.45, 2.0])
def test_activation_derivative_matches_finite_difference(activation: str, x0: float) -> None:
    d = derive("activation_derivative", {"activation": activation, "at": x0})
    numeric = central(lambda ps: float(ACT[activation](ps["x"][0])), {"x": np.array([x0])}, "x")[0]
    assert abs(float(d.get("dy_dx_at")) - numeric) < 1e-6


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "shifted_logistic"])
def test_rnn_matrix_jacobian_matches_finite_difference(activation: str) -> None:
    wh = [[0.5, -0.3], [0.2, 0.8]]
    d = derive("rnn_matrix_recurrence", {"activation": activation, "W_h": wh, "steps": 1})
    h0, u0 = np.array([0.1, -0.2]), np.array([0.3, 0.05])
    subs = {sympy.Symbol("h1_1"): 0.1, sympy.Symbol("h1_2"): -0.2, sympy.Symbol("u1_1"): 0.3, sympy.Symbol("u1_2"): 0.05}
    exact = np.array(sympy.Matrix(d.get("rnn.jacobian")).xreplace(subs).evalf().tolist(), dtype=float)
    w = np.array(wh)
    numeric = np.zeros((2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = 1e-6
        numeric[:, j] = (ACT[activation](w @ (h0 + e) + u0) - ACT[activation](w @ (h0 - e) + u0)) / 2e-6
    assert np.allclose(exact, numeric, atol=1e-6)
