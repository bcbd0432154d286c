"""The one definition of a relation sign: how each is written, what it means, where text splits.

Extraction cuts a derivation into steps at every sign (arrows and ``\\propto`` included, they end
a step); the parser reads equalities, orders and ``\\neq`` as the relations of an answer. Both
take their signs from this table, so they never disagree on what a relation is.
"""

from __future__ import annotations

import re
from enum import Enum


class Meaning(Enum):
    EQUAL = "equal"  # carries the value along a chain: =, :=, \approx ...
    ORDER = "order"  # <, <=, >, >=
    UNEQUAL = "unequal"  # \neq
    ARROW = "arrow"  # \to, \Rightarrow, \implies: a step ends, no value relation
    OTHER = "other"  # \propto, \ll, \gg


#: written sign (after ``\\``-command canonicalisation) -> (canonical sign, meaning)
SIGNS: dict[str, tuple[str, Meaning]] = {
    "=": ("=", Meaning.EQUAL), ":=": (":=", Meaning.EQUAL), "=:": ("=:", Meaning.EQUAL),
    "\\coloneqq": (":=", Meaning.EQUAL), "\\eqqcolon": ("=:", Meaning.EQUAL),
    "\\approx": ("\\approx", Meaning.EQUAL), "\\simeq": ("\\simeq", Meaning.EQUAL),
    "\\equiv": ("\\equiv", Meaning.EQUAL), "\\doteq": ("\\doteq", Meaning.EQUAL),
    "\\triangleq": ("\\triangleq", Meaning.EQUAL), "\\cong": ("\\cong", Meaning.EQUAL),
    "<": ("<", Meaning.ORDER), ">": (">", Meaning.ORDER), "\\lt": ("<", Meaning.ORDER), "\\gt": (">", Meaning.ORDER),
    "\\le": ("\\le", Meaning.ORDER), "\\leq": ("\\le", Meaning.ORDER), "\\leqslant": ("\\le", Meaning.ORDER),
    "\\ge": ("\\ge", Meaning.ORDER), "\\geq": ("\\ge", Meaning.ORDER), "\\geqslant": ("\\ge", Meaning.ORDER),
    "\\neq": ("\\neq", Meaning.UNEQUAL), "\\ne": ("\\neq", Meaning.UNEQUAL), "\\not=": ("\\neq", Meaning.UNEQUAL),
    "\\to": ("\\to", Meaning.ARROW), "\\rightarrow": ("\\to", Meaning.ARROW), "\\longrightarrow": ("\\to", Meaning.ARROW),
    "\\mapsto": ("\\mapsto", Meaning.ARROW), "\\Rightarrow": ("\\Rightarrow", Meaning.ARROW),
    "\\Longrightarrow": ("\\Rightarrow", Meaning.ARROW), "\\implies": ("\\Rightarrow", Meaning.ARROW),
    "\\Leftrightarrow": ("\\Leftrightarrow", Meaning.ARROW), "\\iff": ("\\Leftrightarrow", Meaning.ARROW),
    "\\propto": ("\\propto", Meaning.OTHER), "\\ll": ("\\ll", Meaning.OTHER), "\\gg": ("\\gg", Meaning.OTHER),
}

#: The relation an answer states, as the comparer names it (``<=`` for ``\\le`` and ``\\leq``).
COMPARISON = {"=": "=", ":=": "=", "=:": "=", "\\approx": "=", "\\simeq": "=", "\\equiv": "=", "\\doteq": "=",
              "\\triangleq": "=", "\\cong": "=", "<": "<", ">": ">", "\\le": "<=", "\\ge": ">=", "\\neq": "!="}

_COMMANDS = sorted((s[1:] for s in SIGNS if s.startswith("\\") and s[1:].isalpha()), key=len, reverse=True)

#: Every sign in raw text (extraction's step boundaries); arrows with labels count as one sign.
ANY_SIGN = re.compile(
    r"\\x(?:right|left)arrow\s*(?:\[[^\]{}]*\])?\s*\{(?:[^{}]|\{[^{}]*\})*\}"
    r"|\\(?:overset|stackrel)\s*\{(?:[^{}]|\{[^{}]*\})*\}\s*\{\s*=\s*\}"
    r"|\\not\s*="
    r"|\\(?:" + "|".join(_COMMANDS) + r")(?![A-Za-z])"
    r"|:=|=:|=|<|>"
)

#: The signs an answer's value relations are written with, in cleaned text (``clean_math`` has
#: already turned ``\\leq``, ``<=`` and ``\\ne`` into ``\\le``, ``\\le`` and ``\\neq``).
VALUE_SIGN = re.compile(r":=|=|\\approx(?![a-zA-Z])|\\le(?![a-zA-Z])|\\ge(?![a-zA-Z])|\\neq(?![a-zA-Z])|<|>")


def canonical(sign: str) -> str:
    """The canonical spelling of a sign as written (``\\leq`` -> ``\\le``, ``\\not =`` -> ``\\neq``)."""
    s = re.sub(r"\s+", "", sign)
    if s in SIGNS:
        return SIGNS[s][0]
    if s.startswith(("\\xrightarrow", "\\xleftarrow")):
        return "\\to"
    if s.startswith(("\\overset", "\\stackrel")):
        return "="
    return s


def meaning(sign: str) -> Meaning:
    """What a sign as written means (labelled arrows are arrows, ``\\overset{def}{=}`` an equality)."""
    s = canonical(sign)
    for written, (canon, what) in SIGNS.items():
        if canon == s or written == s:
            return what
    return Meaning.ARROW if s == "\\to" else Meaning.EQUAL if s == "=" else Meaning.OTHER


def comparison(sign: str) -> str | None:
    """The comparer's name for a value relation (``=``, ``<=``, ``!=``...), None for arrows."""
    return COMPARISON.get(canonical(sign))
