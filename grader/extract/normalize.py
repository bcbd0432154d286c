"""A textual key for LaTeX, so that spellings of the same quantity compare equal.

``target_key`` is for matching the name of a quantity (``w_{11}``, ``w_11`` and ``w11`` agree;
``\\frac{\\partial\\,loss}{\\partial P}`` and ``\\dfrac{\\partial loss}{\\partial P}`` agree), not
for deciding that two answers are equal: that is the compare package's job. It drops spacing,
``\\left``/``\\right``, font and text wrappers, redundant braces around one token, writes primes
as ``'`` and transposes as ``^T``. Iterative and linear: safe on any input.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}]|\s+|[0-9]+|.", re.DOTALL)
_DROP = frozenset(
    {
        "\\left", "\\right", "\\big", "\\Big", "\\bigg", "\\Bigg", "\\bigl", "\\bigr", "\\Bigl",
        "\\Bigr", "\\biggl", "\\biggr", "\\Biggl", "\\Biggr", "\\middle", "\\,", "\\;", "\\:",
        "\\!", "\\ ", "\\quad", "\\qquad", "\\displaystyle", "\\textstyle", "\\limits", "~",
    }
)
_WRAPPERS = frozenset(
    {
        "\\mathrm", "\\text", "\\textrm", "\\operatorname", "\\mathit", "\\textit", "\\mathbf",
        "\\boldsymbol", "\\bm", "\\textbf", "\\mathsf", "\\mathnormal", "\\emph",
    }
)
_ALIASES = {
    "\\dfrac": "\\frac", "\\tfrac": "\\frac", "\\cfrac": "\\frac", "\\prime": "'", "\\top": "T",
    "\\intercal": "T", "\\transpose": "T", "\\leq": "\\le", "\\geq": "\\ge", "\\ne": "\\neq",
    "\\to": "\\rightarrow", "\\lbrace": "\\{", "\\rbrace": "\\}", "\\vert": "|", "\\lVert": "\\|",
    "\\rVert": "\\|", "\\Vert": "\\|", "\\ast": "*", "\\varepsilon": "\\epsilon", "\\varphi": "\\phi",
}
_MAX = 4000


def target_key(latex: str) -> str:
    """A normal form of ``latex`` for comparing quantity names."""
    if len(latex) > _MAX:
        return re.sub(r"\s+", "", latex)
    return _key(latex)


@lru_cache(maxsize=8192)
def _key(latex: str) -> str:
    tokens = [t for t in _TOKEN.findall(latex) if not t.isspace()]
    tokens = [_ALIASES.get(t, t) for t in tokens if t not in _DROP]
    tokens = _unwrap(tokens)
    tokens = _primes(tokens)
    tokens = _strip_single_braces(tokens)
    out = "".join(tokens)
    out = out.replace("^''", "''").replace("^'", "'")
    return out


def _unwrap(tokens: list[str]) -> list[str]:
    """Drop ``\\mathrm`` and friends, keeping their argument's content."""
    out: list[str] = []
    drop_close: list[bool] = []  # for each open brace: whether its close is dropped
    pending = False
    for t in tokens:
        if t in _WRAPPERS:
            pending = True
            continue
        if t == "{":
            drop_close.append(pending)
            if not pending:
                out.append(t)
            pending = False
            continue
        pending = False
        if t == "}":
            if drop_close and drop_close.pop():
                continue
            out.append(t)
            continue
        out.append(t)
    return out


def _primes(tokens: list[str]) -> list[str]:
    """``^{\\prime}``, ``^{'}``, ``^\\prime`` -> ``'``."""
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if t == "^" and i + 1 < n:
            if tokens[i + 1] == "'":
                out.append("'")
                i += 2
                continue
            if tokens[i + 1] == "{":
                j = i + 2
                primes = 0
                while j < n and tokens[j] == "'":
                    primes += 1
                    j += 1
                if primes and j < n and tokens[j] == "}":
                    out.append("'" * primes)
                    i = j + 1
                    continue
        out.append(t)
        i += 1
    return out


def _strip_single_braces(tokens: list[str]) -> list[str]:
    """``_{11}`` -> ``11``, ``^{2}`` -> ``^2``, ``{x}`` -> ``x``; braces that are arguments of a
    command (``\\frac{a}{b}``) stay. Subscripts of one alphanumeric run lose the ``_``."""
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if t == "_" and i + 1 < n:
            nxt = tokens[i + 1]
            if nxt == "{":
                inner, j = _simple_group(tokens, i + 1)
                if inner is not None:
                    out.append(inner)
                    i = j
                    continue
            elif nxt.isalnum():
                out.append(nxt)
                i += 2
                continue
        if t == "^" and i + 1 < n and tokens[i + 1] == "{":
            inner, j = _simple_group(tokens, i + 1, single=True)
            if inner is not None:
                out.extend(["^", inner])
                i = j
                continue
        if t == "{" and not (out and (out[-1].startswith("\\") and out[-1][1:].isalpha() or out[-1] == "}")):
            inner, j = _simple_group(tokens, i, single=True)
            if inner is not None:
                out.append(inner)
                i = j
                continue
        out.append(t)
        i += 1
    return out


def _simple_group(tokens: list[str], i: int, *, single: bool = False) -> tuple[str | None, int]:
    """If tokens[i] opens ``{`` + one token (or an alphanumeric run) + ``}``: (content, index after)."""
    j = i + 1
    parts: list[str] = []
    while j < len(tokens) and tokens[j] != "}" and len(parts) < 8:
        if tokens[j] == "{":
            return None, i
        parts.append(tokens[j])
        j += 1
    if j >= len(tokens) or tokens[j] != "}" or not parts:
        return None, i
    if len(parts) == 1:
        return parts[0], j + 1
    if not single and all(p.isalnum() or p == "," for p in parts):
        return "".join(parts), j + 1
    return None, i


def same_key(a: str, b: str) -> bool:
    """Whether two LaTeX strings name the same quantity by ``target_key``."""
    return target_key(a) == target_key(b)
