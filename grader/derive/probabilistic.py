"""VAE KL term for diagonal Gaussians, and batch normalisation forward and backward.

KL: ``log q - log p`` for ``q = N(mu, sigma^2)`` and ``p = N(0, 1)`` is a polynomial in x; its
expectation under q is taken with the moments ``E[x] = mu``, ``E[x^2] = mu^2 + sigma^2``,
giving ``1/2 (mu^2 + sigma^2 - log sigma^2 - 1)`` per dimension, summed.
Batch norm over a batch x_1..x_m: ``mean``, biased ``var``, ``xhat = (x - mean)/sqrt(var + eps)``,
``y = gamma xhat + beta``; gradients of ``L = sum_i g_i y_i`` (so ``dL/dy = g``) by ``sympy.diff``.
"""

from __future__ import annotations

import sympy

from grader.derive.params import to_exact, to_vector
from grader.derive.result import CatalogEntry, Quantity, entry
from grader.errors import DerivationError

Matrix = sympy.ImmutableMatrix


def kl_term(mu: sympy.Expr, sigma: sympy.Expr) -> sympy.Expr:
    """KL(N(mu, sigma^2) || N(0, 1)) for one dimension, by moments (sigma > 0)."""
    x = sympy.Symbol("x")
    m, s = sympy.Symbol("m"), sympy.Symbol("s", positive=True)
    log_q = -sympy.log(s) - sympy.log(2 * sympy.pi) / 2 - (x - m) ** 2 / (2 * s**2)
    log_p = -sympy.log(2 * sympy.pi) / 2 - x**2 / 2
    poly = sympy.Poly(sympy.expand(log_q - log_p), x)
    moments = {0: 1, 1: m, 2: m**2 + s**2}
    value = sympy.Add(*[coeff * moments[power[0]] for power, coeff in poly.terms()])
    return sympy.expand(value).xreplace({m: mu, s: sigma})


def _kl(p: dict[str, object]) -> dict[str, Quantity]:
    if p["mu"] is None or p["sigma"] is None:
        n = int(to_exact(p["n"], "n"))
        mus: list[sympy.Expr] = list(sympy.symbols(f"mu_1:{n + 1}"))
        sigmas: list[sympy.Expr] = list(sympy.symbols(f"sigma_1:{n + 1}"))
    else:
        mus, sigmas = to_vector(p["mu"], "mu"), to_vector(p["sigma"], "sigma")
    if len(mus) != len(sigmas):
        raise DerivationError("mu and sigma must have the same length")
    if any(s.is_positive is False for s in sigmas):
        raise DerivationError("sigma must be positive")
    # derive with placeholders (sigma > 0 so that log sigma^2 = 2 log sigma), then substitute
    hm = sympy.symbols(f"_m1:{len(mus) + 1}")
    hs = sympy.symbols(f"_s1:{len(mus) + 1}", positive=True)
    total_h = sympy.Add(*[kl_term(m, s) for m, s in zip(hm, hs, strict=True)])
    closed_h = sympy.Rational(1, 2) * sympy.Add(*[m**2 + s**2 - sympy.log(s**2) - 1 for m, s in zip(hm, hs, strict=True)])
    if sympy.simplify(sympy.expand_log(total_h - closed_h, force=True)) != 0:
        raise DerivationError("the moment computation disagrees with the closed form")
    values = dict(zip(hm, mus, strict=True)) | dict(zip(hs, sigmas, strict=True))

    def at(expr: sympy.Expr) -> sympy.Expr:
        return expr.xreplace(values)

    return {
        "kl": at(total_h),
        "kl.closed_form": at(closed_h),
        "kl.terms": Matrix([at(kl_term(m, s)) for m, s in zip(hm, hs, strict=True)]),
        "grad.mu": Matrix([at(sympy.diff(total_h, m)) for m in hm]),
        "grad.sigma": Matrix([at(sympy.diff(total_h, s)) for s in hs]),
    }


def _batch_norm(p: dict[str, object]) -> dict[str, Quantity]:
    xs = to_vector(p["x"], "x")
    m = len(xs)
    if m < 2:
        raise DerivationError("a batch needs at least two values")
    gamma, beta, eps = to_exact(p["gamma"], "gamma"), to_exact(p["beta"], "beta"), to_exact(p["eps"], "eps")
    gs = to_vector(p["g"], "g") if p["g"] is not None else list(sympy.symbols(f"g_1:{m + 1}"))
    if len(gs) != m:
        raise DerivationError("g must have one entry per batch value")
    hx = sympy.symbols(f"_x1:{m + 1}")
    hg, hb = sympy.Symbol("_gamma"), sympy.Symbol("_beta")

    def normalise(values: list[sympy.Expr]) -> tuple[sympy.Expr, sympy.Expr, list[sympy.Expr]]:
        mean = sympy.Add(*values) / m
        var = sympy.Add(*[(v - mean) ** 2 for v in values]) / m
        return mean, var, [(v - mean) / sympy.sqrt(var + eps) for v in values]

    _, _, xhat_h = normalise(list(hx))
    y_h = [hg * v + hb for v in xhat_h]
    loss = sympy.Add(*[g * y for g, y in zip(gs, y_h, strict=True)])
    at = dict(zip(hx, xs, strict=True)) | {hg: gamma, hb: beta}
    mean, var, xhat = normalise(xs)
    if var + eps == 0:
        raise DerivationError("variance plus eps is zero: the batch cannot be normalised")

    def at_point(expr: sympy.Expr) -> sympy.Expr:
        return sympy.simplify(expr.xreplace(at))

    return {
        "bn.mean": mean,
        "bn.var": var,
        "forward.xhat": Matrix([sympy.simplify(v) for v in xhat]),
        "forward.y": Matrix([sympy.simplify(gamma * v + beta) for v in xhat]),
        "grad.gamma": at_point(sympy.diff(loss, hg)),
        "grad.beta": at_point(sympy.diff(loss, hb)),
        "grad.x": Matrix([at_point(sympy.diff(loss, h)) for h in hx]),
    }


CATALOG: tuple[CatalogEntry, ...] = (
    entry(
        "vae_kl",
        "KL(N(mu, sigma^2) || N(0, I)) = 1/2 sum (mu^2 + sigma^2 - log sigma^2 - 1), and its gradients",
        [
            ("mu", "means (default: symbols mu_1..mu_n)", None),
            ("sigma", "standard deviations, positive (default: symbols sigma_1..sigma_n)", None),
            ("n", "number of latent dimensions when mu and sigma are symbols", 2),
        ],
        _kl,
    ),
    entry(
        "batch_norm",
        "batch norm forward (mean, var, xhat, y) and dL/dgamma, dL/dbeta, dL/dx for dL/dy = g",
        [
            ("x", "the batch values of one feature", [1, 2, 4]),
            ("gamma", "scale", 2),
            ("beta", "shift", "1/2"),
            ("eps", "added to the variance", 0),
            ("g", "upstream gradient dL/dy (default: symbols g_1..g_m)", None),
        ],
        _batch_norm,
    ),
)
