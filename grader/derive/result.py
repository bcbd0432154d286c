"""Result values of the derivation engine: ``Derivation``, ``DerivationInfo``, ``ParamInfo``.

A ``Derivation`` is a frozen record of one derivation run: its name, the exact parameters it
was given, and its named quantities in order. Quantities are addressed by dotted names
(``loss``, ``grad.W``, ``forward.Q``, ``svm.w``). ``Derivation.get`` also reads single entries of
a matrix quantity with 1-based indices as in math notation: ``updated.W[1,1]`` is the top-left
entry and ``forward.Q[2]`` the second entry of a vector; ``updated.w11`` is a shorthand for
``updated.W[1,1]`` when the matrix name is one letter and both indices are single digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import sympy

from grader.errors import DerivationError

Quantity = sympy.Basic  # a scalar expression or an ImmutableMatrix

_ENTRY = re.compile(r"^(?P<base>.+)\[(?P<i>\d+)(?:\s*,\s*(?P<j>\d+))?\]$")
_SHORT = re.compile(r"^(?P<prefix>(?:.+\.)?)(?P<letter>[a-z])(?P<i>[1-9])(?P<j>[1-9])$")


@dataclass(frozen=True)
class ParamInfo:
    """One parameter of a catalog derivation."""

    name: str
    description: str
    default: object = None


@dataclass(frozen=True)
class DerivationInfo:
    """A catalog entry as listed by ``list_derivations``."""

    name: str
    summary: str
    params: tuple[ParamInfo, ...] = ()


@dataclass(frozen=True)
class Derivation:
    """The exact quantities derived for one problem, in a fixed order."""

    name: str
    params: Mapping[str, object]
    quantities: Mapping[str, Quantity] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "quantities", MappingProxyType(dict(self.quantities)))

    def names(self) -> list[str]:
        """The quantity names in derivation order."""
        return list(self.quantities)

    def get(self, name: str) -> Quantity:
        """The quantity called ``name`` (or one 1-based entry of it, ``grad.W[1,2]``)."""
        if name in self.quantities:
            return self.quantities[name]
        entry = _ENTRY.match(name)
        if entry and entry["base"] in self.quantities:
            j = entry["j"]
            return self._entry(entry["base"], int(entry["i"]), int(j) if j else None)
        short = _SHORT.match(name)
        if short:
            base = short["prefix"] + short["letter"].upper()
            if base in self.quantities:
                return self._entry(base, int(short["i"]), int(short["j"]))
        available = ", ".join(self.quantities)
        raise DerivationError(f"derivation {self.name!r} has no quantity {name!r}; available: {available}")

    def _entry(self, base: str, i: int, j: int | None) -> Quantity:
        value = self.quantities[base]
        if not isinstance(value, sympy.MatrixBase):
            raise DerivationError(f"quantity {base!r} is a scalar and has no entries")
        rows, cols = value.shape
        if j is None:
            if rows != 1 and cols != 1:
                raise DerivationError(f"quantity {base!r} is {rows}x{cols}: give two indices")
            flat = list(value)
            if not 1 <= i <= len(flat):
                raise DerivationError(f"index {i} out of range 1..{len(flat)} for {base!r}")
            return flat[i - 1]
        if not (1 <= i <= rows and 1 <= j <= cols):
            raise DerivationError(f"index [{i},{j}] out of range for {base!r} of shape {rows}x{cols}")
        return value[i - 1, j - 1]


Builder = Callable[[dict[str, object]], dict[str, Quantity]]


@dataclass(frozen=True)
class CatalogEntry:
    """A named derivation: what ``list_derivations`` shows and the function that derives it.

    ``build`` receives every parameter (defaults filled in) and returns the named quantities.
    """

    info: DerivationInfo
    build: Builder


def entry(name: str, summary: str, params: list[tuple[str, str, object]], build: Builder) -> CatalogEntry:
    """A ``CatalogEntry`` from ``(name, description, default)`` triples."""
    infos = tuple(ParamInfo(n, d, default) for n, d, default in params)
    return CatalogEntry(DerivationInfo(name, summary, infos), build)
