"""What an answer may be before and after it is parsed: size, nesting, numbers.

Two checks, both refusing with a ``LatexError`` that carries a span:

* ``precheck(text)`` before parsing, in linear time: length, control bytes, nesting depth, the
  longest written number (digits with the spaces TeX ignores between them), towers of powers
  written with bare digits and TeX programming commands.
* ``check_values(values)`` after parsing, on the SymPy trees: an exact constant whose value
  would need more than ``MAX_EXACT_DIGITS`` digits (``{10}^{{10}^{10}}``, ``10^{99999 \\cdot
  99999}``, ``{100000000}!``, ``\\Gamma(10^8)``) is refused before anything evaluates it. The
  size is bounded from the tree without computing the value, so the check itself is cheap.

``MAX_EXACT_DIGITS`` stays under Python's limit on int-to-text conversion (4300 digits), so every
number that passes can be printed and keyed; ``MAX_DIGITS`` bounds a number as written.
"""

from __future__ import annotations

import math
import re
from typing import Any

import sympy

from grader.errors import LatexError

#: Longest answer read, in characters (a derivation chain is a few hundred).
MAX_CHARS = 20_000
#: Deepest nesting of braces, parentheses and environments accepted before parsing.
MAX_DEPTH = 40
#: Most digits in one written number (``0.333...``), spaces between digits included.
MAX_DIGITS = 1_000
#: Most decimal digits an exact constant of an answer may need (numerator and denominator).
MAX_EXACT_DIGITS = 4_000

_TEX_PROGRAMMING = re.compile(r"\\(?:def|let|newcommand|renewcommand|input|include|write|openout|read|catcode|csname|expandafter)(?![a-zA-Z])")
_HUGE_NUMBER = re.compile(r"\d\s*\^\s*\{?\s*\(?\s*\d+\s*\}?\s*\^|\d\s*\^\s*\{?\s*\d{6,}|\d{5,}\s*!")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_LOG10_2 = math.log10(2)


def precheck(text: str) -> None:
    """Refuse input whose size, nesting or numbers would make the parser run away."""
    if len(text) > MAX_CHARS:
        raise LatexError(f"answer too long ({len(text)} characters, limit {MAX_CHARS})", text, (MAX_CHARS, len(text)))
    control = _CONTROL.search(text)
    if control:
        raise LatexError("binary data in the answer", text, (control.start(), control.start() + 1))
    depth = deepest = 0
    for i, c in enumerate(text):
        if c in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    raise LatexError(f"nested more than {MAX_DEPTH} levels deep", text, (i, i + 1))
        elif c in "})]":
            depth -= 1
    span = longest_number(text)
    if span is not None:
        raise LatexError(f"a number with more than {MAX_DIGITS} digits", text, span)
    huge = _HUGE_NUMBER.search(text)
    if huge:
        raise LatexError("a number too large to evaluate", text, (huge.start(), huge.end()))
    programming = _TEX_PROGRAMMING.search(text)
    if programming:
        raise LatexError("TeX programming commands are not read in an answer", text, (programming.start(), programming.end()))


def longest_number(text: str, limit: int = MAX_DIGITS) -> tuple[int, int] | None:
    """The span of the first written number with more than ``limit`` digits, or None.

    A number is digits with a decimal point, ``{,}`` or a thousands comma, or spaces between
    them (TeX ignores the spaces: ``1.01 326`` is one number). One pass, no backtracking.
    """
    n = len(text)
    digits = 0
    start = -1
    i = 0
    while i < n:
        c = text[i]
        if "0" <= c <= "9":
            if digits == 0:
                start = i
            digits += 1
            if digits > limit:
                j = i
                while j < n and (text[j].isdigit() or text[j] in " .,"):
                    j += 1
                return (start, j)
            i += 1
            continue
        if digits and (c in " \t\n." or (c == "," and text[i + 1 : i + 4].isdigit())):
            i += 1
            continue
        if digits and text.startswith("{,}", i):
            i += 3
            continue
        digits = 0
        i += 1
    return None


#: What the base parser would hand to ``sympify`` as something other than a digit string: a
#: decimal point or exponent at a digit, or a whole text that it reads as a decimal comma
#: (``0,111`` is 0.111 to it).
_NOT_DIGITS = re.compile(r"\d\.|\.\d|\d[eE][+-]?\d|\A\s*-?0(?:,\d{3})+(?:\.\d+)?\s*\Z")


def base_parser_input(text: str) -> tuple[int, int] | None:
    """Where ``text`` (about to be handed to latex2sympy2_extended) has a number that is not a
    plain digit string, or one longer than ``MAX_DIGITS``; None when every number is digits.

    The base parser turns each number token into a SymPy number with ``sympy.Number(token)``,
    which runs ``sympify`` on the token's text. Our scanner replaces decimals, exponents and
    percentages with placeholders, so only digit strings (maybe with thousands commas, which the
    base parser strips) should remain; this is the check that it is so.
    """
    m = _NOT_DIGITS.search(text)
    if m:
        return (m.start(), m.end())
    return longest_number(text.replace(" ", "_"))


def check_values(values: tuple[Any, ...], text: str = "") -> None:
    """Refuse parsed values holding an exact constant too large to compute (see module doc)."""
    sizer = _Sizer()
    for value in values:
        for node in _walk(value):
            size = sizer.digits(node)
            if size > MAX_EXACT_DIGITS:
                raise LatexError(f"a number too large to evaluate (about {_shown(size)} digits; the limit is {MAX_EXACT_DIGITS})",
                                 text, (0, len(text)) if text else None)


def _shown(size: float) -> str:
    return f"{size:.0f}" if size < 1e15 else "10^" + (f"{math.log10(size):.0f}" if math.isfinite(size) else "...")


def _walk(value: Any) -> Any:
    """Every node of a value, matrices entry by entry, children before parents (so that a node's
    size is computed from its children's, one level at a time)."""
    if isinstance(value, sympy.MatrixBase):
        for entry in value:
            yield from _walk(entry)
        return
    if isinstance(value, sympy.Basic):
        yield from sympy.postorder_traversal(value)


_FACTORIAL_LIKE = (sympy.factorial, sympy.factorial2, sympy.gamma, sympy.binomial, sympy.RisingFactorial,
                   sympy.FallingFactorial, sympy.subfactorial)


class _Sizer:
    """Bounds on exact constants, memoised per node (a tree is walked once)."""

    def __init__(self) -> None:
        self._digits: dict[int, float] = {}
        self._exact: dict[int, bool] = {}

    def digits(self, node: Any) -> float:
        """An upper bound on the digits (numerator plus denominator) of ``node``'s value when it
        is a rational constant that SymPy would compute exactly; 0 for anything else (symbols,
        transcendental constants), which numeric evaluation handles in bounded precision."""
        key = id(node)
        if key not in self._digits:
            self._digits[key] = self._measure(node)
        return self._digits[key]

    def _measure(self, node: Any) -> float:
        if isinstance(node, sympy.Integer):
            return _int_digits(int(node))
        if isinstance(node, sympy.Rational):
            return _int_digits(int(node.p)) + _int_digits(int(node.q))
        if isinstance(node, (sympy.Add, sympy.Mul)):
            return sum(self.digits(a) for a in node.args) if self.exact(node) else 0.0
        if isinstance(node, sympy.Pow) or (isinstance(node, sympy.MatPow) and isinstance(node.args[0], sympy.MatrixBase)):
            return self._power(node.args[0], node.args[1])
        if isinstance(node, _FACTORIAL_LIKE):
            bounds = [self.magnitude(a) for a in node.args]
            if any(b is None for b in bounds):
                return 0.0
            top = max(b for b in bounds if b is not None)
            return top * math.log10(top + 1) if top < 1e300 else math.inf
        return 0.0

    def _power(self, base: Any, exp: Any) -> float:
        """Digits of ``base ** exp`` for an exact base (a number, or a written-out matrix of
        numbers) and an exponent whose exact part is known; 0 when SymPy keeps it symbolic."""
        if isinstance(base, sympy.MatrixBase):
            if not all(self.exact(e) for e in base):
                return 0.0
            base_digits = sum(self.digits(e) for e in base) + 1
        elif self.exact(base):
            if base in (sympy.S.Zero, sympy.S.One, sympy.S.NegativeOne):
                return 1.0
            base_digits = max(self.digits(base), 1.0)
        else:
            return 0.0
        exponent = self.magnitude(exp, constant_part=True)
        if exponent is None:
            return 0.0
        return base_digits * max(exponent, 1.0)

    def magnitude(self, node: Any, *, constant_part: bool = False) -> float | None:
        """An upper bound on ``|node|`` when it is an exact constant (with ``constant_part``, of
        the exact terms of a sum such as ``10^{10} + x``), else None."""
        if constant_part and isinstance(node, sympy.Add) and not self.exact(node):
            bounds = [self.magnitude(a) for a in node.args if self.exact(a)]
            return sum(b for b in bounds if b is not None) if bounds else None
        if not self.exact(node):
            return None
        if self.digits(node) > 300:
            return math.inf
        try:
            return abs(float(_small_value(node)))
        except OverflowError:
            return math.inf
        except (ZeroDivisionError, ValueError, TypeError):
            return None

    def exact(self, node: Any) -> bool:
        """A rational constant built of numbers by sums, products and integer powers."""
        key = id(node)
        if key not in self._exact:
            if isinstance(node, sympy.Rational):
                value = True
            elif isinstance(node, (sympy.Add, sympy.Mul)):
                value = all(self.exact(a) for a in node.args)
            elif isinstance(node, sympy.Pow):
                value = self.exact(node.args[0]) and self.exact(node.args[1]) and _integer_valued(node.args[1])
            else:
                value = False
            self._exact[key] = value
        return self._exact[key]


def _small_value(node: Any) -> Any:
    """The value of an exact constant already known to be small."""
    if isinstance(node, sympy.Rational):
        return sympy.Rational(node.p, node.q)
    if isinstance(node, sympy.Add):
        return sum((_small_value(a) for a in node.args), sympy.Integer(0))
    if isinstance(node, sympy.Mul):
        out = sympy.Integer(1)
        for a in node.args:
            out *= _small_value(a)
        return out
    if isinstance(node, sympy.Pow):
        return _small_value(node.args[0]) ** _small_value(node.args[1])
    raise ValueError("not an exact constant")


def _integer_valued(node: Any) -> bool:
    if isinstance(node, sympy.Integer):
        return True
    if isinstance(node, (sympy.Add, sympy.Mul)):
        return all(_integer_valued(a) for a in node.args)
    if isinstance(node, sympy.Pow):
        return _integer_valued(node.args[0]) and isinstance(node.args[1], sympy.Integer) and node.args[1] >= 0
    return False


def _int_digits(n: int) -> float:
    return max(1.0, abs(n).bit_length() * _LOG10_2)
