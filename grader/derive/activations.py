"""Activation functions as SymPy expressions, and their derivatives.

Every activation is an ordinary SymPy expression (``sigmoid(x) = 1/(1 + exp(-x))``), so its
derivative comes from ``sympy.diff``. ReLU is the one exception: it is the function ``Relu``
whose derivative is ``ReluStep``, left unevaluated at 0 so that the convention for the
derivative at 0 is an explicit setting (``apply_relu_convention``, default 0), never a
silent choice of SymPy's.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy


class ReluStep(sympy.Function):
    """The derivative of ReLU: 1 for positive, 0 for negative, unevaluated at 0."""

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x.is_positive:
            return sympy.S.One
        if x.is_negative:
            return sympy.S.Zero
        return None


class Relu(sympy.Function):
    """max(0, x), with ``ReluStep`` as its derivative."""

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sympy.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return ReluStep(self.args[0])

    def _latex(self, printer: sympy.printing.latex.LatexPrinter) -> str:
        inner = printer._print(self.args[0])
        return rf"\operatorname{{ReLU}}\left({inner}\right)"


def apply_relu_convention(expr: sympy.Basic, at_zero: sympy.Expr) -> sympy.Basic:
    """Replace every ``ReluStep(a)`` by the Heaviside step with the chosen value at 0."""
    if not expr.has(ReluStep):
        return expr
    return expr.replace(ReluStep, lambda a: sympy.Heaviside(a, at_zero))


def sigmoid(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


def shifted_logistic(x: sympy.Expr) -> sympy.Expr:
    return sigmoid(x) - sympy.Rational(1, 2)


def softplus(x: sympy.Expr) -> sympy.Expr:
    return sympy.log(1 + sympy.exp(x))


def tanh(x: sympy.Expr) -> sympy.Expr:
    return sympy.tanh(x)


def relu(x: sympy.Expr) -> sympy.Expr:
    return Relu(x)


ACTIVATIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "softplus": softplus,
    "shifted_logistic": shifted_logistic,
}

# x as a function of the activation's output y, used to write f'(x) in terms of y.
# ReLU is not invertible; its derivative in terms of y is the step of y (y > 0 iff x > 0).
INVERSES: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sigmoid": lambda y: sympy.log(y / (1 - y)),
    "tanh": lambda y: sympy.atanh(y),
    "softplus": lambda y: sympy.log(sympy.exp(y) - 1),
    "shifted_logistic": lambda y: sympy.log((y + sympy.Rational(1, 2)) / (sympy.Rational(1, 2) - y)),
}
