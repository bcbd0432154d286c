"""Softmax with cross-entropy in index form: ``dE/dz_x = q_x - p_x`` when ``sum p = 1``.

The loss ``E = -sum_i p_i log softmax(z)_i`` is built for a concrete ``N``, differentiated by
``sympy.diff``, and the index form is confirmed by simplifying the difference to zero after
using ``p_N = 1 - (p_1 + ... + p_{N-1})``. A failure to confirm is a ``DerivationError``.
"""

from __future__ import annotations

import sympy

from grader.derive.params import to_int
from grader.derive.result import CatalogEntry, Quantity, entry
from grader.errors import DerivationError


def _softmax_ce(p: dict[str, object]) -> dict[str, Quantity]:
    n = to_int(p["N"], "N", 2)
    if n > 12:
        raise DerivationError("N must be at most 12")
    z = sympy.symbols(f"z_1:{n + 1}")
    pr = sympy.symbols(f"p_1:{n + 1}")
    total = sympy.Add(*[sympy.exp(v) for v in z])
    q = [sympy.exp(v) / total for v in z]
    loss = -sympy.Add(*[pi * sympy.log(qi) for pi, qi in zip(pr, q, strict=True)])
    raw = [sympy.diff(loss, v) for v in z]
    on_simplex = {pr[-1]: 1 - sympy.Add(*pr[:-1])}
    for x, d in enumerate(raw):
        residual = (d - (q[x] - pr[x])).xreplace(on_simplex)
        if sympy.simplify(residual) != 0:
            raise DerivationError(f"could not confirm dE/dz_{x + 1} = q_{x + 1} - p_{x + 1}")
    qb, pb = sympy.IndexedBase("q"), sympy.IndexedBase("p")
    x = sympy.Symbol("x")
    return {
        "loss": loss,
        "forward.q": sympy.ImmutableMatrix(q),
        "grad.z.raw": sympy.ImmutableMatrix(raw),
        "grad.z": sympy.ImmutableMatrix([qi - pi for qi, pi in zip(q, pr, strict=True)]),
        "grad.z.in_q": sympy.ImmutableMatrix([sympy.Symbol(f"q_{i}") - pr[i - 1] for i in range(1, n + 1)]),
        "grad.z_x": qb[x] - pb[x],
        "loss.log_sum_exp": sympy.log(total) - sympy.Add(*[pi * zi for pi, zi in zip(pr, z, strict=True)]),
    }


CATALOG: tuple[CatalogEntry, ...] = (
    entry(
        "softmax_cross_entropy",
        "dE/dz for E = -sum p log softmax(z), in index form q_x - p_x (uses sum p = 1)",
        [("N", "number of classes (2..12)", 3)],
        _softmax_ce,
    ),
)
