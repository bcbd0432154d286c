"""Expected answers taken from derivations: ``derive: {from: net, quantity: updated.W[1,1]}``.

A quantity may be indexed 1-based as in mathematics (``grad.W[2,1]``, ``svm.w[1]``);
``quantities`` builds a system of assignments (``{w_1: svm.w[1], b: svm.b}``).
"""

from __future__ import annotations

import re
from typing import Any

import sympy

from grader.errors import DerivationError

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


def derived_value(node: dict[str, Any], derivations: dict[str, Any]) -> tuple[Any, str]:
    """The expected value a ``derive:`` block names, and a description of where it came from."""
    if "from" in node:
        source = str(node["from"])
        if source not in derivations:
            raise DerivationError(f"derive.from names {source!r}, which is not under 'derivations' ({', '.join(sorted(derivations)) or 'none'})")
        d = derivations[source]
    elif "name" in node:
        from grader.derive import derive

        source = str(node["name"])
        d = derive(source, dict(node.get("params") or {}))
    else:
        raise DerivationError("derive needs 'from' (a derivation listed under 'derivations') or 'name'")
    if "quantities" in node:
        qs = node["quantities"]
        if not isinstance(qs, dict):
            raise DerivationError("derive.quantities maps an answer name to a quantity")
        return {str(k): quantity(d, str(v)) for k, v in qs.items()}, f"{source}: " + ", ".join(f"{k}={v}" for k, v in qs.items())
    if "quantity" not in node:
        raise DerivationError("derive needs 'quantity' (or 'quantities')")
    return quantity(d, str(node["quantity"])), f"{source}.{node['quantity']}"
