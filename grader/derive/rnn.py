"""Recurrent networks: the backward recurrence of the hidden-state gradient, the critical
recurrent weight, Jacobian products over k steps, and deep linear networks.

Scalar form: ``h_{t+1} = phi(z_t + h_t W)`` gives ``hbar_t = hbar_{t+1} dh_{t+1}/dh_t =
hbar_{t+1} phi'(z_t + h_t W) W`` by ``sympy.diff``. The critical weight solves
``W phi'(z + h W) = 1`` at the given fixed point (4 for the shifted logistic at 0). Matrix
form: ``h_{t+1} = phi(W_h h_t + u_t)``; the Jacobian ``diag(phi'(a_t)) W_h`` is ``Matrix.jacobian``
of the step, and ``hbar_t = J^T hbar_{t+1}``. Deep linear network: ``h_k = W h_{k-1}`` with
``W = U (c I) V^T``; with L layers counting the input, ``dE/dh_1 = dE/dy W^{L-2}`` and its norm
is ``|c|^{L-2} ||dE/dy||``, computed exactly with rational orthogonal U and V (Cayley transform).
"""

from __future__ import annotations

import sympy

from grader.derive.activations import ACTIVATIONS
from grader.derive.params import to_choice, to_exact, to_int, to_matrix
from grader.derive.result import CatalogEntry, Quantity, entry
from grader.errors import DerivationError

Matrix = sympy.ImmutableMatrix


def _scalar(p: dict[str, object]) -> dict[str, Quantity]:
    kind = to_choice(p["activation"], "activation", tuple(ACTIVATIONS))
    phi = ACTIVATIONS[kind]
    h, z, w, hbar_next = sympy.symbols("h_t z_t W hbar_t+1")
    h_next = phi(z + h * w)
    dh = sympy.diff(h_next, h)
    generic = sympy.Function("phi")
    dh_generic = sympy.diff(generic(z + h * w), h)
    z0, h0 = to_exact(p["z"], "z"), to_exact(p["h"], "h")
    ratio_at = dh.subs({z: z0, h: h0})
    solutions = [s for s in sympy.solve(sympy.Eq(ratio_at, 1), w) if s.is_real is not False]
    out: dict[str, Quantity] = {
        "rnn.h_next": h_next,
        "rnn.dh_next_dh": dh,
        "rnn.hbar_t": hbar_next * dh,
        "rnn.hbar_t.generic": hbar_next * dh_generic,
        "rnn.gradient_ratio": dh,
        "rnn.activation_slope_at": sympy.diff(phi(sympy.Symbol("u")), sympy.Symbol("u")).subs(sympy.Symbol("u"), z0 + h0 * w),
    }
    if solutions:
        out["rnn.critical_W"] = solutions[0] if len(solutions) == 1 else Matrix([solutions])
    return out


def _matrix(p: dict[str, object]) -> dict[str, Quantity]:
    kind = to_choice(p["activation"], "activation", tuple(ACTIVATIONS))
    phi = ACTIVATIONS[kind]
    n = to_int(p["n"], "n", 1)
    steps = to_int(p["steps"], "steps", 1)
    if n > 4 or steps > 6:
        raise DerivationError("n must be at most 4 and steps at most 6")
    wh = to_matrix(p["W_h"], "W_h") if p["W_h"] is not None else _symbols("W", n, n)
    if wh.shape != (n, n):
        raise DerivationError(f"W_h must be {n}x{n}")
    jacobians = []
    for t in range(1, steps + 1):
        h = _symbols(f"h{t}", n, 1)  # each step's Jacobian is taken at its own state and input
        u = _symbols(f"u{t}", n, 1)
        step = Matrix(wh * h + u).applyfunc(phi)
        jac = Matrix(step.jacobian(h))
        if t == 1:
            pre = Matrix(wh * h + u)
            slopes = [sympy.diff(phi(a), a) for a in sympy.symbols(f"a_1:{n + 1}")]
            diag = sympy.diag(*[s.subs(a, v) for s, a, v in zip(slopes, sympy.symbols(f"a_1:{n + 1}"), pre, strict=True)])
            if sympy.simplify(jac - diag * wh) != sympy.zeros(n, n):
                raise DerivationError("the step Jacobian is not diag(phi') W_h")
            first = jac
        jacobians.append(jac)
    product = sympy.eye(n)
    for jac in jacobians:
        product = jac * product
    hbar_next = _symbols("hbar", n, 1)
    return {
        "rnn.jacobian": first,
        "rnn.hbar_t": Matrix(first.T * hbar_next),
        "rnn.jacobian_product": Matrix(product),
    }


def _symbols(name: str, rows: int, cols: int) -> Matrix:
    if cols == 1:
        return Matrix([sympy.Symbol(f"{name}_{i + 1}") for i in range(rows)])
    return Matrix(rows, cols, [sympy.Symbol(f"{name}_{{{i + 1},{j + 1}}}") for i in range(rows) for j in range(cols)])


def _cayley(n: int, shift: int) -> sympy.Matrix:
    """A rational orthogonal matrix (I - A)(I + A)^-1 for a skew-symmetric rational A."""
    a = sympy.zeros(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = sympy.Rational(i + j + shift, 3 * (i + j + shift) + 1)
            a[j, i] = -a[i, j]
    return (sympy.eye(n) - a) * (sympy.eye(n) + a).inv()


def _deep_linear(p: dict[str, object]) -> dict[str, Quantity]:
    layers = to_int(p["L"], "L", 2)
    c = to_exact(p["c"], "c")
    n = to_int(p["n"], "n", 1)
    if n > 4:
        raise DerivationError("n must be at most 4")
    power = layers - 2
    u, v = _cayley(n, 1), _cayley(n, 2)
    if u * u.T != sympy.eye(n) or v * v.T != sympy.eye(n):
        raise DerivationError("internal: Cayley transform is not orthogonal")
    w = u * (c * sympy.eye(n)) * v.T
    # a unit gradient ||dE/dy|| = 1 with rational entries
    g = sympy.Matrix([[sympy.Rational(3, 5), sympy.Rational(4, 5)] + [0] * (n - 2)]) if n >= 2 else sympy.Matrix([[1]])
    grad = g * w**power
    squared = sympy.expand((grad * grad.T)[0, 0])
    norm = sympy.Abs(c) ** power if sympy.expand(squared - c ** (2 * power)) == 0 else sympy.sqrt(squared)
    us, sigma, vs = (sympy.MatrixSymbol(name, n, n) for name in ("U", "Sigma", "V"))
    gk = sympy.MatrixSymbol("dE_dh_k", 1, n)
    return {
        "deep.recurrence": gk * us * sigma * vs.T,
        "deep.power": sympy.Integer(power),
        "deep.grad_norm": norm,
        "deep.grad_norm_squared": squared,
    }


CATALOG: tuple[CatalogEntry, ...] = (
    entry(
        "rnn_scalar_recurrence",
        "hbar_t from hbar_{t+1} for h_{t+1} = phi(z_t + h_t W), and the critical weight W",
        [
            ("activation", "sigmoid, tanh, relu, softplus or shifted_logistic", "shifted_logistic"),
            ("z", "input at the fixed point", 0),
            ("h", "hidden state at the fixed point", 0),
        ],
        _scalar,
    ),
    entry(
        "rnn_matrix_recurrence",
        "Jacobian diag(phi'(W_h h + u)) W_h of h_{t+1} = phi(W_h h_t + u_t), hbar_t, and k-step product",
        [
            ("activation", "sigmoid, tanh, relu, softplus or shifted_logistic", "tanh"),
            ("n", "hidden size (1..4)", 2),
            ("steps", "number of steps in the Jacobian product (1..6)", 2),
            ("W_h", "recurrent weights (default: symbols W_{i,j})", None),
        ],
        _matrix,
    ),
    entry(
        "deep_linear_gradient_norm",
        "||dE/dh_1|| = |c|^(L-2) ||dE/dy|| for L layers (counting input) with W = U (c I) V^T",
        [
            ("L", "number of layers counting the input layer", 51),
            ("c", "the singular value (Sigma = c I)", 1),
            ("n", "width used for the exact check (1..4)", 2),
        ],
        _deep_linear,
    ),
)
