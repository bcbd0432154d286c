"""Catalog entry for activation derivatives, in terms of x and of the activation's output y.

``dy_dx`` is ``sympy.diff`` of the activation; ``dy_dx_of_y`` substitutes ``x = f^{-1}(y)`` and
simplifies (sigmoid gives ``y(1 - y)``, tanh ``1 - y^2``); ReLU's is the step of y with the
chosen value at 0. ``dE_dx`` is ``dE_dy`` times the derivative.
"""

from __future__ import annotations

import sympy

from grader.derive.activations import ACTIVATIONS, INVERSES, Relu, apply_relu_convention
from grader.derive.params import to_choice, to_exact
from grader.derive.result import CatalogEntry, Quantity, entry
from grader.errors import DerivationError


def _activation(p: dict[str, object]) -> dict[str, Quantity]:
    kind = to_choice(p["activation"], "activation", tuple(ACTIVATIONS))
    x = to_exact(p["x"], "x")
    if not isinstance(x, sympy.Symbol):
        raise DerivationError("x must be a symbol name")
    at_zero = to_exact(p["relu_grad_at_zero"], "relu_grad_at_zero")
    y, de_dy = sympy.Symbol("y"), sympy.Symbol("dE_dy")
    f = ACTIVATIONS[kind](x)
    df = apply_relu_convention(sympy.diff(f, x), at_zero)
    if kind == "relu":
        df_of_y: sympy.Expr = sympy.Heaviside(y, at_zero)
        shown: sympy.Expr = sympy.Max(0, x)
    else:
        positive = sympy.Symbol("y", positive=True)
        df_of_y = sympy.factor(sympy.simplify(df.subs(x, INVERSES[kind](positive)))).subs(positive, y)
        shown = f
        check = sympy.simplify(df_of_y.subs(y, f) - df)
        if check != 0:
            raise DerivationError(f"could not write the {kind} derivative in terms of its output")
    out: dict[str, Quantity] = {
        "y": shown,
        "dy_dx": df,
        "dy_dx_of_y": df_of_y,
        "dE_dx": de_dy * df,
        "dE_dx_of_y": de_dy * df_of_y,
    }
    if p["at"] is not None:
        point = to_exact(p["at"], "at")
        value = df.subs(x, point)
        out["dy_dx_at"] = apply_relu_convention(value, at_zero) if not isinstance(f, Relu) else value
    return out


CATALOG: tuple[CatalogEntry, ...] = (
    entry(
        "activation_derivative",
        "f(x), f'(x), f' in terms of y = f(x), and dE/dx = dE/dy f'(x) for an activation",
        [
            ("activation", "sigmoid, tanh, relu, softplus or shifted_logistic", "sigmoid"),
            ("x", "the input symbol", "x"),
            ("at", "a point at which to evaluate f'(x) (optional)", None),
            ("relu_grad_at_zero", "the value taken for the ReLU derivative at 0", 0),
        ],
        _activation,
    ),
)
