"""Names of quantities, matched by what they name rather than how they are spelled.

A rubric's target (``\\frac{\\partial CE}{\\partial v_c}``) and a student's left side
(``\\frac{ \\partial{CE(y, \\hat{y})}}{ \\partial{v_c}}``) name the same quantity. A name is read
into a ``Name``: a derivative of one name with respect to another (``\\frac{\\partial A}{\\partial
B}``, ``\\frac{dA}{dB}``, ``\\partial A / \\partial B``, ``\\frac{\\partial}{\\partial B} A``,
``\\nabla_B A``), an application ``head(args)`` (``J(o, v_c, U)`` names ``J``), or an atom.
Atoms compare by the latex layer's canonical name (``\\hat y`` = ``\\hat{y}``, ``\\mathbf{w}`` =
``w``) or by the textual key (``\\text{CE}`` = ``CE``). Applications with different arguments
(``\\sigma(x)``, ``\\sigma(z_1)``) are different names. Linear scans of at most ``MAX_NAME``
characters; no SymPy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from grader.errors import LatexError
from grader.extract.normalize import target_key
from grader.extract.scan import BraceIndex, split_toplevel, toplevel_positions
from grader.latex.relations import ANY_SIGN

#: Longer texts are never names (a left side that long is an expression).
MAX_NAME = 400

_NOISE = re.compile(
    r"\\(?:left|right|big|Big|bigg|Bigg|bigl|bigr|Bigl|Bigr|displaystyle|textstyle|limits)(?![A-Za-z])|\\[,;:! ]|~"
)
_FRAC = re.compile(r"\\[dtc]?frac(?![A-Za-z])\s*")
_D = re.compile(r"^(?:\\partial(?![A-Za-z])|\\(?:mathrm|operatorname|text)\s*\{\s*d\s*\}|d(?=\s*[A-Za-z\\{(]))\s*")
_SLASH = re.compile(r"/")
_NABLA = re.compile(r"^\\nabla\s*_\s*")
_OPERATOR = re.compile(r"[+*]|(?<!^)-|\\(?:cdot|times|circ|odot|otimes|sum|prod|int)(?![A-Za-z])")
_CALL = re.compile(r"\(")


@dataclass(frozen=True)
class Name:
    """What a name names: ``keys`` of an atom (with ``args`` when applied), or ``num``/``den`` of
    a derivative (then ``keys`` is empty)."""

    keys: frozenset[str] = frozenset()
    args: str | None = None
    num: Name | None = None
    den: Name | None = None

    @property
    def derivative(self) -> bool:
        return self.num is not None


def same_name(a: str, b: str) -> bool:
    """Whether two LaTeX names name the same quantity (False when either is not a name)."""
    x, y = read_name(a), read_name(b)
    return x is not None and y is not None and _same(x, y)


def _same(x: Name, y: Name) -> bool:
    if x.derivative or y.derivative:
        return (x.derivative and y.derivative and x.num is not None and y.num is not None and x.den is not None
                and y.den is not None and _same(x.num, y.num) and _same(x.den, y.den))
    if not x.keys & y.keys:
        return False
    # "J(o, v_c, U)" names J; "sigma(x)" and "sigma(z)" are different values of one function
    return x.args is None or y.args is None or x.args == y.args


@lru_cache(maxsize=8192)
def read_name(latex: str) -> Name | None:
    """The name ``latex`` stands for, or None when it is not a name (an expression, a relation)."""
    if not latex or len(latex) > MAX_NAME:
        return None
    text = _tidy(latex)
    if not text:
        return None
    return _read(text, 0)


def _tidy(text: str) -> str:
    text = _NOISE.sub(" ", text).strip()
    for _ in range(8):  # outer braces and parentheses: "{x}" and "(x)" are x
        if len(text) >= 2 and text[0] == "{" and _group_end(text, 0) == len(text):
            text = text[1:-1].strip()
        elif len(text) >= 2 and text[0] == "(" and _closes_at_end(text, 0):
            text = text[1:-1].strip()
        else:
            break
    return text


def _group_end(text: str, start: int) -> int:
    got = BraceIndex(text).group(start)
    return -1 if got is None else got[1]


def _read(text: str, depth: int) -> Name | None:
    if depth > 4 or not text:
        return None
    if toplevel_positions(text, ANY_SIGN):
        return None  # "a = b" is a statement, not a name
    derivative = _derivative(text, depth)
    if derivative is not None:
        return derivative
    return _atom(text)


def _derivative(text: str, depth: int) -> Name | None:
    frac = _FRAC.match(text)
    if frac:
        index = BraceIndex(text)
        top = index.group(frac.end())
        bottom = index.group(top[1]) if top else None
        if top is None or bottom is None:
            return None
        num_d, den_d = _D.match(top[0].strip()), _D.match(bottom[0].strip())
        if num_d is None or den_d is None:
            return None
        num_text = top[0].strip()[num_d.end():].strip()
        if num_text.startswith("^"):
            return None  # a second derivative
        rest = text[bottom[1]:].strip()
        if num_text and rest:
            return None  # "\frac{\partial a}{\partial b} c" is a product, not a name
        num_text = num_text or rest  # the operator form: \frac{\partial}{\partial w} L(w)
        return _pair(num_text, bottom[0].strip()[den_d.end():], depth)
    nabla = _NABLA.match(text)
    if nabla:
        index = BraceIndex(text)
        sub = index.group(nabla.end())
        if sub is not None:
            return _pair(text[sub[1]:], sub[0], depth)
        m = re.match(r"(\\[A-Za-z]+|[A-Za-z0-9])", text[nabla.end():])
        if m:
            return _pair(text[nabla.end() + m.end():], m.group(1), depth)
        return None
    pieces = split_toplevel(text, _SLASH)
    if len(pieces) == 2:
        num_d, den_d = _D.match(pieces[0][0].strip()), _D.match(pieces[1][0].strip())
        if num_d is not None and den_d is not None:
            return _pair(pieces[0][0].strip()[num_d.end():], pieces[1][0].strip()[den_d.end():], depth)
    return None


def _pair(num_text: str, den_text: str, depth: int) -> Name | None:
    num, den = _read(_tidy(num_text), depth + 1), _read(_tidy(den_text), depth + 1)
    if num is None or den is None or num.derivative or den.derivative:
        return None
    return Name(num=num, den=den)


def _atom(text: str) -> Name | None:
    args: str | None = None
    head = text
    if text.endswith(")"):
        opens = [m.start() for m in _CALL.finditer(text)]
        for start in opens:  # the top-level "(" whose group closes at the end
            if start > 0 and _closes_at_end(text, start):
                head, args = text[:start].strip(), _args_key(text[start + 1 : -1])
                break
    if not head or _OPERATOR.search(_strip_scripts(head)):
        return None
    keys = {target_key(head)}
    canonical = _canonical(head)
    if canonical:
        keys.add(canonical)
    return Name(keys=frozenset(keys), args=args)


def _closes_at_end(text: str, start: int) -> bool:
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def _args_key(args: str) -> str:
    return ",".join(target_key(a.strip()) for a, _, _ in split_toplevel(args, re.compile(",")))


def _strip_scripts(text: str) -> str:
    """The text without sub/superscript groups, where ``-`` and ``+`` are part of the name (``h_{t-1}``)."""
    out: list[str] = []
    i, n = 0, len(text)
    index: BraceIndex | None = None
    while i < n:
        c = text[i]
        if c in "_^":
            j = i + 1
            while j < n and text[j] == " ":
                j += 1
            if j < n and text[j] == "{":
                index = index or BraceIndex(text)
                got = index.group(j)
                i = got[1] if got else n
                continue
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=8192)
def _canonical(text: str) -> str | None:
    """The latex layer's canonical name, when the text reads as one name there."""
    from grader.latex.scan import canonical_name

    try:
        got = canonical_name(text)
    except (LatexError, ValueError, IndexError, KeyError):
        return None
    return got or None
