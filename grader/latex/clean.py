"""Take math out of its surroundings and remove what carries no meaning.

Delimiters (``$$``, ``\\[``, ``$``, equation environments), equation numbers (``\\tag{3}``,
``\\quad (3)``), ``\\left``/``\\right``, spacing, ``\\boxed{}``, style commands and trailing
punctuation go; unicode operators become their LaTeX commands. Offsets are kept (Mapped).

A space between digits means what TeX makes of it: TeX ignores spaces in math, so ``1.01 326``
prints as 1.01326 and is that number; a thin space (``1\\,000``) groups digits. The one
exception is a digit that is a one-token script (``x^2 3`` is x squared times 3, as TeX reads
it), so the space after it is kept.
"""

from __future__ import annotations

import re

from grader.latex.mapped import Mapped

_UNICODE = {
    "\u2212": "-", "\u2013": "-", "\u00d7": r"\times ", "\u00b7": r"\cdot ", "\u22c5": r"\cdot ",
    "\u2264": r"\le ", "\u2265": r"\ge ", "\u2260": r"\neq ", "\u2248": r"\approx ", "\u221e": r"\infty ",
    "\u03b1": r"\alpha ", "\u03b2": r"\beta ", "\u03b3": r"\gamma ", "\u03b4": r"\delta ",
    "\u03b5": r"\epsilon ", "\u03b7": r"\eta ", "\u03b8": r"\theta ", "\u03bb": r"\lambda ",
    "\u03bc": r"\mu ", "\u03c0": r"\pi ", "\u03c3": r"\sigma ", "\u03c4": r"\tau ", "\u03c6": r"\phi ",
    "\u03c9": r"\omega ", "\u03a3": r"\Sigma ", "\u2202": r"\partial ", "\u2207": r"\nabla ",
    "\u2211": r"\sum ", "\u220f": r"\prod ", "\u221a": r"\sqrt ", "\u2032": "'", "\u2019": "'",
    "\u00a0": " ",
}
_UNICODE_RE = re.compile("|".join(map(re.escape, _UNICODE)))

_MATH_ENVS = r"(?:equation|align|aligned|gather|gathered|multline|split|eqnarray|displaymath|math)\*?"

#: A digit (or a digit and its decimal point) followed by spaces TeX ignores or thin spaces,
#: then more of the number; group ``script`` is set when the digit is a one-token script.
_DIGIT_SPACE = re.compile(r"(?P<script>[\^_]\s*)?(?P<digit>\d\.?)(?:\s|\\[,!](?![a-zA-Z])|\\thinspace(?![a-zA-Z]))++(?=\.?\d)")


def _join_digits(m: re.Match[str]) -> str:
    return m.group(0) if m.group("script") is not None else m.group("digit")


_STEPS: tuple[tuple[str, str], ...] = (
    (r"\A\s*(?:\$\$|\\\[|\\\(|\$)", ""),
    (r"(?:\$\$|\\\]|\\\)|\$)\s*\Z", ""),
    (r"\\begin\{" + _MATH_ENVS + r"\}|\\end\{" + _MATH_ENVS + r"\}", " "),
    (r"\\tag\*?\{[^{}]*\}|\\label\{[^{}]*\}|\\nonumber|\\notag", " "),
    # An equation number after spacing or dots at the very end: "\quad (3)", "......(1)".
    (r"(?:\\q?quad|\\dots|\\ldots|\.{2,}|\s{2,})\s*(?:\\dots|\\ldots|\.)*\s*\(\s*\d{1,3}(?:\.\d{1,3})?\s*\)\s*\Z", ""),
    (r"\\(?:left|right|mleft|mright|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\s*\.?", ""),
    (r"\\(?:displaystyle|textstyle|scriptstyle|limits|nolimits)(?![a-zA-Z])", " "),
    (r"(?<!\\)\\[,;:! ]|\\q?quad(?![a-zA-Z])|~|\\hspace\*?\{[^{}]*\}|\\enspace|\\thinspace", " "),
    (r"\\[dt]frac(?![a-zA-Z])", r"\\frac"),
    # \frac12, \frac1{x}, \frac{1}2: single-token arguments get their braces
    (r"\\frac\s*([0-9A-Za-z])", r"\\frac{\1}"),
    (r"(\\frac\{[^{}]*\})\s*([0-9A-Za-z])", r"\1{\2}"),
    # \sqrt3, \sqrt x: a single-token radicand gets its braces (TeX reads one token)
    (r"\\sqrt\s*([0-9A-Za-z])", r"\\sqrt{\1}"),
    # x^2_i is x_i^2 in TeX: subscript first, so the name reader sees the whole name
    (r"(\^\s*(?:\{[^{}]*\}|\\[A-Za-z]+|[^\s{}\\_^]))\s*(_\s*(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|\\[A-Za-z]+|[^\s{}\\_^]))", r"\2\1"),
    # ASCII relations: "x <= 1", "x >= 5", "x != 3"
    (r"<=", r"\\le "),
    (r">=", r"\\ge "),
    (r"!=", r"\\neq "),
    (r"\\(?:leq|leqslant)(?![a-zA-Z])", r"\\le"),
    (r"\\(?:geq|geqslant)(?![a-zA-Z])", r"\\ge"),
    (r"\\(?:ne)(?![a-zA-Z])", r"\\neq"),
    (r"\\lt(?![a-zA-Z])", "<"),
    (r"\\gt(?![a-zA-Z])", ">"),
    (r"\\(?:lVert|rVert|Vert)(?![a-zA-Z])|\\\|", "||"),
    (r"\\(?:lvert|rvert|vert)(?![a-zA-Z])", "|"),
    (r"\\(?:intercal|top|mathsf\{T\}|mathrm\{T\}|mathsf\{\s*T\s*\})(?![a-zA-Z])", "T"),
    (r"\\(?:dagger)(?![a-zA-Z])", "T"),
    (r"\\ell(?![a-zA-Z])", "l"),
    (r"\\cdotp|\\centerdot|\\ast(?![a-zA-Z])", r"\\cdot "),
)
_COMPILED = tuple((re.compile(p), r) for p, r in _STEPS)
_TRAILING = re.compile(r"(?:[.,;:]|\\[.,;]|\\text\{\s*[.,;]?\s*\})+\s*\Z")
_BOXED = re.compile(r"\\(?:boxed|fbox|bbox)\s*\{")


def unwrap_boxed(mapped: Mapped) -> Mapped:
    """Replace ``\\boxed{X}`` with ``X`` (balanced braces), keeping offsets."""
    text = mapped.text
    while True:
        m = _BOXED.search(text)
        if not m:
            return mapped
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth:
            return mapped
        inner = mapped.slice(m.end(), i - 1)
        mapped = Mapped(
            text[: m.start()] + inner.text + text[i:],
            mapped.origin[: m.start()] + inner.origin + mapped.origin[i:],
        )
        text = mapped.text


def clean_math(text: str | Mapped) -> Mapped:
    """The math of an answer with delimiters, numbering, spacing and decoration removed."""
    mapped = Mapped.of(text) if isinstance(text, str) else text
    mapped = mapped.sub(_UNICODE_RE, lambda m: _UNICODE[m.group(0)])
    mapped = mapped.sub(_DIGIT_SPACE, _join_digits)
    for regex, repl in _COMPILED:
        mapped = mapped.sub(regex, repl)
    mapped = unwrap_boxed(mapped)
    mapped = mapped.strip()
    for regex, repl in _COMPILED[:2]:  # delimiters again, once boxed and spacing are gone
        mapped = mapped.sub(regex, repl).strip()
    mapped = mapped.sub(_TRAILING, "").strip()
    return mapped
