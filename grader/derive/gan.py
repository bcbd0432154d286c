"""GAN discriminator gradients.

The objective ``L = sum_i log D(x_i) + log(1 - D(G(z_i)))`` is built for n samples with D an
applied function of its input and the parameters theta_d; ``sympy.diff`` gives the gradient.
With ``D = sigmoid(a)`` and per-sample logits ``a_real_i``, ``a_fake_i``, the derivatives are
rewritten in terms of ``D`` itself (``exp(-a) = (1 - D)/D``): ``1 - D(x_i)`` and ``-D(G(z_i))``;
their sum over samples is ``sum_i (1 - D(x_i)) - D(G(z_i))``.
"""

from __future__ import annotations

import sympy

from grader.derive.activations import sigmoid
from grader.derive.params import to_int
from grader.derive.result import CatalogEntry, Quantity, entry
from grader.errors import DerivationError

Matrix = sympy.ImmutableMatrix


def _in_terms_of_output(expr: sympy.Expr, logit: sympy.Symbol, out: sympy.Symbol) -> sympy.Expr:
    """Rewrite a function of ``logit`` in terms of ``out = sigmoid(logit)``."""
    positive = sympy.Symbol("s", positive=True)
    value = expr.subs(logit, sympy.log(positive / (1 - positive)))
    return sympy.factor(sympy.simplify(value)).subs(positive, out)


def _gan(p: dict[str, object]) -> dict[str, Quantity]:
    n = to_int(p["n"], "n", 1)
    if n > 8:
        raise DerivationError("n must be at most 8")
    theta = sympy.Symbol("theta_d")
    d, g = sympy.Function("D"), sympy.Function("G")
    xs, zs = sympy.symbols(f"x_1:{n + 1}"), sympy.symbols(f"z_1:{n + 1}")
    objective = sympy.Add(*[sympy.log(d(x, theta)) + sympy.log(1 - d(g(z), theta)) for x, z in zip(xs, zs, strict=True)])
    real, fake = sympy.symbols(f"a_real_1:{n + 1}"), sympy.symbols(f"a_fake_1:{n + 1}")
    d_real, d_fake = sympy.symbols(f"D_real_1:{n + 1}"), sympy.symbols(f"D_fake_1:{n + 1}")
    logit_objective = sympy.Add(*[sympy.log(sigmoid(r)) + sympy.log(1 - sigmoid(f)) for r, f in zip(real, fake, strict=True)])
    grad_real = [_in_terms_of_output(sympy.diff(logit_objective, r), r, dr) for r, dr in zip(real, d_real, strict=True)]
    grad_fake = [_in_terms_of_output(sympy.diff(logit_objective, f), f, df) for f, df in zip(fake, d_fake, strict=True)]
    return {
        "gan.objective": objective,
        "gan.grad_theta": sympy.diff(objective, theta),
        "gan.grad_logit_real": Matrix(grad_real),
        "gan.grad_logit_fake": Matrix(grad_fake),
        "gan.grad_logit_sum": sympy.Add(*grad_real, *grad_fake),
        "gan.grad_logit_real.exact": Matrix([sympy.diff(logit_objective, r) for r in real]),
        "gan.grad_logit_fake.exact": Matrix([sympy.diff(logit_objective, f) for f in fake]),
    }


CATALOG: tuple[CatalogEntry, ...] = (
    entry(
        "gan_discriminator_gradient",
        "gradient of sum log D(x_i) + log(1 - D(G(z_i))) w.r.t. theta_d and w.r.t. sigmoid logits",
        [("n", "number of samples (1..8)", 3)],
        _gan,
    ),
)
