"""The registry of named derivations: ``derive`` and ``list_derivations``.

Each topic module exports ``CATALOG``, a tuple of ``CatalogEntry``; this module gathers them,
checks parameter names against each entry's declared parameters, fills in defaults, and turns
any failure inside a derivation into a one-line ``DerivationError``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import sympy

from grader.derive import (
    activations_catalog,
    conv_catalog,
    gan,
    nets,
    probabilistic,
    rnn,
    softmax,
    svm,
)
from grader.derive.result import CatalogEntry, Derivation, DerivationInfo
from grader.errors import DerivationError

_ENTRIES: dict[str, CatalogEntry] = {}
for _module in (softmax, nets, rnn, activations_catalog, svm, gan, conv_catalog, probabilistic):
    for _entry in _module.CATALOG:
        if _entry.info.name in _ENTRIES:
            raise RuntimeError(f"derivation {_entry.info.name!r} registered twice")
        _ENTRIES[_entry.info.name] = _entry


def list_derivations() -> list[DerivationInfo]:
    """Every catalog entry, sorted by name."""
    return [_ENTRIES[name].info for name in sorted(_ENTRIES)]


def derive(name: str, params: Mapping[str, object] | None = None) -> Derivation:
    """Carry out the derivation ``name`` with ``params``; raises ``DerivationError``."""
    found = _ENTRIES.get(name) if isinstance(name, str) else None
    if found is None:
        close = difflib.get_close_matches(str(name), list(_ENTRIES), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(sorted(_ENTRIES))}"
        raise DerivationError(f"unknown derivation {name!r}{hint}")
    params = {} if params is None else params
    if not isinstance(params, Mapping) or not all(isinstance(k, str) for k in params):
        raise DerivationError(f"{name}: params must be a mapping from names to values")
    declared = {p.name: p.default for p in found.info.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise DerivationError(
            f"{name}: unknown parameter(s) {', '.join(unknown)}; expected: {', '.join(declared)}"
        )
    merged = declared | dict(params)
    try:
        quantities = found.build(dict(merged))
    except DerivationError as exc:
        raise DerivationError(f"{name}: {_one_line(str(exc))}") from None
    except (ValueError, TypeError, ArithmeticError, IndexError, KeyError, sympy.ShapeError) as exc:
        raise DerivationError(f"{name}: cannot derive: {_one_line(str(exc))}") from None
    return Derivation(name=name, params=merged, quantities=quantities)


def _one_line(text: str) -> str:
    return " ".join(text.split())
