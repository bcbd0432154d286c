"""Pinned exact results for the computational exercises in the seed assignments.

The engine is the referee: where a student's answer disagrees, the test id says so and the
pinned value is the engine's.
"""

from __future__ import annotations

import pytest
import sympy

from grader.derive import derive

E = sympy.E


def close(value: sympy.Basic, expected: float, tol: float = 1e-12) -> bool:
    return abs(float(sympy.N(value, 30)) - expected) < tol


def is_zero(expr: sympy.Basic) -> bool:
    return abs(sympy.N(expr, 50)) < sympy.Float("1e-40")


# seed 000 problem 2: X = [1, 1], B = 0, W = [[1, 0], [0, -1]], P = [0.3, 0.7], lr 0.02
SEED000 = derive("mlp_relu_softmax_ce", {})


@pytest.mark.parametrize(
    ("name", "exact"),
    [
        ("forward.Z", sympy.Matrix([1, 0])),
        ("forward.Q", sympy.Matrix([E / (1 + E), 1 / (1 + E)])),
        ("grad.Z", sympy.Matrix([E / (1 + E) - sympy.Rational(3, 10), 1 / (1 + E) - sympy.Rational(7, 10)])),
        ("grad.B", sympy.Matrix([E / (1 + E) - sympy.Rational(3, 10), 0])),
        ("grad.W", sympy.Matrix([[E / (1 + E) - sympy.Rational(3, 10)] * 2, [0, 0]])),
        ("updated.B", sympy.Matrix([-sympy.Rational(1, 50) * (E / (1 + E) - sympy.Rational(3, 10)), 0])),
    ],
)
def test_seed000_exact(name: str, exact: sympy.Matrix) -> None:
    assert sympy.simplify(sympy.Matrix(SEED000.get(name)) - exact) == sympy.zeros(*exact.shape)


@pytest.mark.parametrize(
    ("name", "decimal"),
    [
        pytest.param("loss", 1.0132616875182228, id="E=1.01326-student-agrees"),
        pytest.param("updated.B[1]", -0.008621171573, id="B'=-0.0086211-student-agrees"),
        pytest.param("updated.W[1,1]", 0.991378828427, id="W'11=0.99138-student-agrees"),
        pytest.param("updated.W[1,2]", -0.008621171573, id="W'12=-0.00862117-student-agrees"),
        pytest.param("updated.W[2,2]", -1.0, id="W'22=-1"),
    ],
)
def test_seed000_decimals(name: str, decimal: float) -> None:
    assert close(SEED000.get(name), decimal, 1e-11)


def test_seed000_loss_exact() -> None:
    expected = sympy.log(1 + E) - sympy.Rational(3, 10)
    assert is_zero(SEED000.get("loss") - expected)


# seed 001 problem 3: two sigmoid layers, E = 1/2 sum (P - Q)^2, lr 0.5
SEED001 = derive("mlp_sigmoid_squared_error", {})


def test_seed001_forward_exact() -> None:
    y = SEED001.get("forward.Y")
    assert y == sympy.ImmutableMatrix([sympy.Rational(13, 400), sympy.Rational(1, 25)])
    assert close(SEED001.get("forward.Q[1]"), 0.61259871936, 1e-10)
    assert close(SEED001.get("loss"), 0.248318114810, 1e-10)


@pytest.mark.parametrize(
    ("name", "decimal"),
    [
        # the student's derivation says m11 = 0.363667 (right); the conclusion 0.3655 is wrong
        pytest.param("updated.m11", 0.363666662183, id="m11=0.3636667-student-conclusion-0.3655-wrong"),
        # the student says w11 = 0.1496504 and 0.1497: both wrong
        pytest.param("updated.w11", 0.149883465795, id="w11=0.1498835-student-0.1497-wrong"),
        pytest.param("updated.W[2,2]", 0.299695322862, id="w22"),
        pytest.param("grad.M[1,1]", 0.072666675634, id="dE/dm11"),
    ],
)
def test_seed001_updates(name: str, decimal: float) -> None:
    assert close(SEED001.get(name), decimal, 1e-10)


def test_seed001_update_is_exact_rational_expression() -> None:
    m11 = SEED001.get("updated.M[1,1]")
    assert m11.free_symbols == set()
    assert m11.has(sympy.exp)


# seed 000 problem 3 and the RNN exercise: hbar_t = hbar_{t+1} phi'(z_t + h_t W) W
def test_seed000_rnn_recurrence_not_inverted() -> None:
    d = derive("rnn_scalar_recurrence", {})
    h, z, w, hbar = sympy.symbols("h_t z_t W hbar_t+1")
    u = z + h * w
    sigma = 1 / (1 + sympy.exp(-u))
    right = hbar * w * sigma * (1 - sigma)
    assert sympy.simplify(d.get("rnn.hbar_t") - right) == 0
    # the student's hbar_t = hbar_{t+1} / (W sigma') is the reciprocal relation: wrong
    student = hbar / (w * sigma * (1 - sigma))
    assert sympy.simplify(d.get("rnn.hbar_t") - student) != 0
    assert d.get("rnn.critical_W") == 4


# seed 000 / 001 problem 4 and seed 004 question 3: hard-margin SVM
def test_seed_svm_six_points() -> None:
    d = derive("svm_hard_margin", {})
    assert d.get("svm.w") == sympy.ImmutableMatrix([-1, 1])
    assert d.get("svm.b") == -1
    assert list(d.get("svm.support_indices")) == [1, 3, 4, 6]  # student agrees
    assert d.get("svm.margin") == sympy.sqrt(2)
    assert d.get("svm.half_margin") == sympy.sqrt(2) / 2
    assert d.get("svm.lambda_unique") == sympy.false


def test_seed004_svm_two_points() -> None:
    d = derive("svm_hard_margin", {"points": [[1, -1], [-1, -1]], "labels": [1, -1]})
    assert d.get("svm.w") == sympy.ImmutableMatrix([1, 0])
    assert d.get("svm.b") == 0
    assert list(d.get("svm.lambda")) == [sympy.Rational(1, 2)] * 2
    assert d.get("svm.lambda_unique") == sympy.true


# seed 003: deep linear network, 51 layers counting the input
@pytest.mark.parametrize(("c", "norm"), [(1, 1), ("1/2", sympy.Rational(1, 2**49)), (2, 2**49)])
def test_seed003_deep_linear(c: object, norm: sympy.Expr) -> None:
    d = derive("deep_linear_gradient_norm", {"c": c})
    assert d.get("deep.power") == 49
    assert d.get("deep.grad_norm") == norm


def test_seed003_deep_linear_symbolic_c() -> None:
    d = derive("deep_linear_gradient_norm", {"c": "c", "L": 6})
    assert d.get("deep.grad_norm") == sympy.Abs(sympy.Symbol("c")) ** 4


# seed 003: MNIST conv stack, same and valid padding
@pytest.mark.parametrize(
    ("padding", "shapes", "flat"),
    [
        ("same", [[16, 28, 28], [16, 27, 27], [32, 27, 27], [32, 26, 26]], 21632),
        ("valid", [[16, 24, 24], [16, 23, 23], [32, 19, 19], [32, 18, 18]], 10368),
    ],
)
def test_seed003_conv_shapes(padding: str, shapes: list[list[int]], flat: int) -> None:
    d = derive("conv_output_shapes", {"padding": padding})
    got = [list(d.get(n)) for n in ("shape.conv1", "shape.pool1", "shape.conv2", "shape.pool2")]
    assert got == shapes
    assert d.get("shape.flatten") == flat


# seed 002: parameter counts as polynomials in C
C = sympy.Symbol("C")


@pytest.mark.parametrize(
    ("kernels", "with_bias"),
    [
        pytest.param([1, 1, 1, 1, 3, 5], 38 * C**2 + 6 * C, id="inception-1x1x4+3x3+5x5"),
        pytest.param([1, 1, 1, 1, 3, 3, 3], 31 * C**2 + 7 * C, id="1x1x4+three-3x3"),
        pytest.param([3], 9 * C**2 + C, id="3x3"),
        pytest.param([2, 2], 8 * C**2 + 2 * C, id="two-2x2"),
        pytest.param(["1x3", "3x1"], 6 * C**2 + 2 * C, id="1x3-then-3x1"),
    ],
)
def test_seed002_param_counts(kernels: list[object], with_bias: sympy.Expr) -> None:
    d = derive("conv_param_count", {"kernels": kernels})
    assert sympy.expand(d.get("params.with_bias") - with_bias) == 0


# seed 002 GAN: d/da per sample is 1 - D(x_i) (real) and -D(G(z_i)) (fake)
def test_seed002_gan_logit_gradient() -> None:
    d = derive("gan_discriminator_gradient", {"n": 2})
    r1, r2, f1, f2 = sympy.symbols("D_real_1 D_real_2 D_fake_1 D_fake_2")
    assert d.get("gan.grad_logit_real") == sympy.ImmutableMatrix([1 - r1, 1 - r2])
    assert d.get("gan.grad_logit_fake") == sympy.ImmutableMatrix([-f1, -f2])
    right = (1 - r1 - f1) + (1 - r2 - f2)
    assert sympy.expand(d.get("gan.grad_logit_sum") - right) == 0
    # read as (n - sum_i D_real_i) + D_fake_i the student's final line is wrong: fake sign flips
    misread = 2 - r1 - r2 + f1 + f2
    assert sympy.expand(d.get("gan.grad_logit_sum") - misread) != 0


# seed 001 problem 1: kernel gradient through sigmoid and 2x2 average pooling
def test_seed001_conv_kernel_gradient_formula() -> None:
    d = derive("conv_kernel_gradient", {"n": 1, "m": 1, "k": 2})
    s11, x11, g11 = (sympy.Symbol(n) for n in ("S_{1,1}", "X_{1,1}", "g_{1,1}"))
    grad = d.get("grad.K[1,1]")
    assert sympy.expand(grad).coeff(x11) == sympy.expand(g11 * s11 * (1 - s11) / 4)


# seed 004 question 5: sub-pixel convolution then ReLU (the student's printout agrees)
def test_seed004_subpixel_conv() -> None:
    d = derive("subpixel_conv", {})
    out = d.get("conv.relu")
    assert out.shape == (11, 11)
    assert list(out.row(0)) == [18, 0, 0, 0, 0, 0, 8, 0, 3, 0, 0]
    assert list(out.row(4)) == [17, 0, 0, 0, 29, 0, 14, 0, 6, 0, 0]
    assert list(out.row(10)) == [10, 0, 17, 0, 7, 0, 14, 0, 10, 1, 0]


# seed 003 problem 1: activation derivatives in terms of the output
@pytest.mark.parametrize(
    ("activation", "of_y"),
    [
        ("sigmoid", lambda y: y * (1 - y)),
        ("tanh", lambda y: 1 - y**2),
        ("shifted_logistic", lambda y: sympy.Rational(1, 4) - y**2),
        ("softplus", lambda y: 1 - sympy.exp(-y)),
    ],
)
def test_activation_derivative_in_terms_of_output(activation: str, of_y: object) -> None:
    d = derive("activation_derivative", {"activation": activation})
    y = sympy.Symbol("y")
    assert sympy.simplify(d.get("dy_dx_of_y") - of_y(y)) == 0  # type: ignore[operator]


def test_relu_derivative_convention() -> None:
    assert derive("activation_derivative", {"activation": "relu", "at": 0}).get("dy_dx_at") == 0
    d = derive("activation_derivative", {"activation": "relu", "at": 0, "relu_grad_at_zero": 1})
    assert d.get("dy_dx_at") == 1
