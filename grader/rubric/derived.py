"""Expected answers taken from derivations: ``derive: {from: net, quantity: updated.W[1,1]}``.

A quantity may be indexed 1-based as in mathematics (``grad.W[2,1]``, ``svm.w[1]``);
``quantities`` builds a system of assignments (``{w_1: svm.w[1], b: svm.b}``).

Derivations run in the limited worker (``resolve``), keyed by name and parameters and cached
there, so a rubric whose derivation runs away fails with a time limit instead of hanging.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import sympy

from grader import budget
from grader.errors import BudgetExceeded, DerivationError

_INDEXED = re.compile(r"^(?P<name>[^\[\]]+?)(?:\[(?P<i>\d+)(?:\s*,\s*(?P<j>\d+))?\])?$")


def quantity(derivation: Any, spec: str) -> Any:
    """The value of ``spec`` (a quantity name, maybe 1-based indexed) in a derivation."""
    m = _INDEXED.match(spec.strip())
    if not m:
        raise DerivationError(f"quantity {spec!r} is not like NAME or NAME[i] or NAME[i,j]")
    name = m.group("name").strip()
    quantities = getattr(derivation, "quantities", {})
    if spec.strip() in quantities:
        return quantities[spec.strip()]
    value = derivation.get(name) if hasattr(derivation, "get") else quantities[name]
    if m.group("i") is None:
        return value
    i = int(m.group("i")) - 1
    if isinstance(value, sympy.MatrixBase):
        if m.group("j") is not None:
            return value[i, int(m.group("j")) - 1]
        return value[i] if min(value.shape) == 1 else value[i, :]
    if isinstance(value, (list, tuple, sympy.Tuple)):
        return value[i]
    raise DerivationError(f"quantity {name!r} is not a vector or matrix, it cannot be indexed")


@functools.lru_cache(maxsize=64)
def _derive_cached(name: str, params_json: str) -> Any:
    from grader.derive import derive

    return derive(name, json.loads(params_json))


def _key(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, default=str)


def resolve(name: str, params_json: str, spec: str | dict[str, str] | None) -> Any:
    """In the worker: derive (cached) and return the named quantity, a dict of them, or, with no
    spec, the names of all quantities (to validate a ``derivations:`` entry)."""
    d = _derive_cached(name, params_json)
    if spec is None:
        return tuple(d.quantities)
    if isinstance(spec, dict):
        return {k: quantity(d, v) for k, v in spec.items()}
    return quantity(d, spec)


def run_derivation(name: str, params: dict[str, Any], spec: str | dict[str, str] | None = None) -> Any:
    """``resolve`` under the time and memory limit of the worker."""
    try:
        return budget.limited(resolve, name, _key(params), spec, seconds=budget.DERIVE_SECONDS)
    except BudgetExceeded as exc:
        raise DerivationError(f"derivation {name!r} stopped: {exc}") from None


def derived_value(node: dict[str, Any], derivations: dict[str, tuple[str, dict[str, Any]]]) -> tuple[Any, str]:
    """The expected value a ``derive:`` block names, and a description of where it came from."""
    if "from" in node:
        source = str(node["from"])
        if source not in derivations:
            raise DerivationError(f"derive.from names {source!r}, which is not under 'derivations' ({', '.join(sorted(derivations)) or 'none'})")
        name, params = derivations[source]
    elif "name" in node:
        source = name = str(node["name"])
        params = dict(node.get("params") or {})
    else:
        raise DerivationError("derive needs 'from' (a derivation listed under 'derivations') or 'name'")
    if "quantities" in node:
        qs = node["quantities"]
        if not isinstance(qs, dict):
            raise DerivationError("derive.quantities maps an answer name to a quantity")
        spec = {str(k): str(v) for k, v in qs.items()}
        return run_derivation(name, params, spec), f"{source}: " + ", ".join(f"{k}={v}" for k, v in qs.items())
    if "quantity" not in node:
        raise DerivationError("derive needs 'quantity' (or 'quantities')")
    return run_derivation(name, params, str(node["quantity"])), f"{source}.{node['quantity']}"
