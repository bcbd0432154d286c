"""LaTeX to MathML for HTML pages, offline: browsers lay MathML out themselves, nothing is fetched.

``latex2mathml`` (pure Python) builds the element tree; we do not use its string output, which
un-escapes entities and so would pass ``\\text{<script>}`` through as markup. Instead the tree
is rebuilt keeping only MathML elements and presentation attributes (``href``, colours and
styles are dropped: a grader must see everything a student wrote) and serialised with
escaping. Student text is cut into prose and formulas and converted in the limited worker
(``grader.budget``), many strings per call, and written without a namespace (an HTML parser
puts ``<math>`` in MathML's); whatever does not convert in time or at all is shown as LaTeX
source in ``<code>``.

Prose answers mix text and math: ``$...$``, ``$$...$$``, ``\\(...\\)`` and ``\\[...\\]`` are
typeset, the rest is escaped text. A string with no delimiters is read as math unless it reads
as prose (a run of plain words).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from grader.budget import limited
from grader.errors import BudgetExceeded

#: Longest LaTeX typeset; longer strings are shown as source.
MAX_CHARS = 4000
#: Time for one batch of conversions in the limited worker.
SECONDS = 10.0

_ELEMENTS = frozenset("""math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot
    mover munder munderover mtable mtr mtd mstyle menclose mpadded mphantom merror semantics
    mmultiscripts mprescripts none mfenced mlabeledtr maligngroup malignmark""".split())
_ATTRIBUTES = frozenset("""display mathvariant stretchy fence form accent accentunder separator
    separators lspace rspace width height depth linethickness columnalign rowalign columnspacing
    rowspacing columnlines rowlines frame notation displaystyle scriptlevel minsize maxsize
    movablelimits largeop symmetric open close align columnspan rowspan""".split())
_PROSE = re.compile(r"(?:\b[A-Za-z]{2,}\b[ ,;.]+){3}")
_DELIMS = (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$"))


def _clean(node: ET.Element) -> ET.Element | None:
    tag = node.tag.split("}", 1)[-1]
    if tag not in _ELEMENTS:
        return None
    out = ET.Element(tag, {k: v for k, v in node.attrib.items()
                           if k in _ATTRIBUTES and "(" not in v and ":" not in v})
    out.text = html.unescape(node.text) if node.text else None
    for child in node:
        kept = _clean(child)
        if kept is not None:
            kept.tail = html.unescape(child.tail) if child.tail else None
            out.append(kept)
    return out


def mathml_here(latex: str, display: bool = False) -> str | None:
    """MathML for ``latex`` in this process, or None when it does not convert."""
    if not latex.strip() or len(latex) > MAX_CHARS:
        return None
    from latex2mathml.converter import convert_to_element

    try:
        tree = convert_to_element(latex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any failure of the converter means "show the source"
        return None
    clean = _clean(tree)
    if clean is None:
        return None
    clean.set("display", "block" if display else "inline")
    return ET.tostring(clean, encoding="unicode", short_empty_elements=False)


Piece = tuple[str, bool | None, str | None]  # (text, display or None for prose, MathML)


def _pieces(text: str, display: bool, auto: bool) -> list[tuple[str, bool | None]]:
    if not auto:
        return [(text, display)]
    if any(d in text for d, _ in _DELIMS):
        return split_math(text)
    if looks_like_prose(text):
        return [(text, None)]
    return [(text, display)]


def _render_here(text: str, display: bool, auto: bool) -> list[Piece]:
    """Cut ``text`` into prose and formulas and typeset the formulas, in this process."""
    return [(p, d, mathml_here(p, d) if d is not None else None)
            for p, d in _pieces(text, display, auto)]


def _many_here(items: Sequence[tuple[str, bool, bool]]) -> list[list[Piece]]:
    return [_render_here(t, d, a) for t, d, a in items]


def convert_many(items: Sequence[tuple[str, bool]]) -> list[str | None]:
    """MathML for each ``(latex, display)`` formula, converted in the limited worker."""
    done = _convert([(t, d, False) for t, d in items])
    return [pieces[0][2] if pieces else None for pieces in done]


def _convert(items: Sequence[tuple[str, bool, bool]]) -> list[list[Piece]]:
    """Everything about student text (cutting, the prose test, typesetting) runs limited."""
    if not items:
        return []
    try:
        return limited(_many_here, list(items), seconds=SECONDS)
    except (BudgetExceeded, OSError):
        return [[(t, d, None)] for t, d, _ in items]


def looks_like_prose(text: str) -> bool:
    """Words in a row outside commands: a sentence, not a formula."""
    plain = re.sub(r"\\[A-Za-z]+(?:\{[^{}]*\})?", " ", text[:MAX_CHARS])
    return bool(_PROSE.search(plain + " "))


def split_math(text: str) -> list[tuple[str, bool | None]]:
    """``text`` cut into ``(piece, display)``: display None for text, False/True for math.

    One left-to-right scan (no backtracking): an opening delimiter without its closing one is
    text.
    """
    out: list[tuple[str, bool | None]] = []
    i, start, n = 0, 0, len(text)
    while i < n:
        if text[i] == "\\" and text.startswith(("\\$",), i):
            i += 2
            continue
        for open_, close in _DELIMS:
            if text.startswith(open_, i):
                end = text.find(close, i + len(open_))
                if end > i + len(open_):
                    if start < i:
                        out.append((text[start:i], None))
                    out.append((text[i + len(open_):end], open_ in ("$$", "\\[")))
                    i = start = end + len(close)
                    break
        else:
            i += 1
    if start < n:
        out.append((text[start:], None))
    return out


def _code(latex: str) -> str:
    return f'<code class="tex">{html.escape(latex, quote=True)}</code>'


def _text(s: str) -> str:
    return html.escape(s, quote=True).replace("\n", "<br>")


class MathRenderer:
    """Typesets many strings with one call to the limited worker, then serves them from memory.

    ``prepare`` the strings a page will show, then ask for each with ``math`` (a formula) or
    ``auto`` (a formula, or prose with formulas in it).
    """

    def __init__(self) -> None:
        self._done: dict[tuple[str, bool, bool], list[Piece]] = {}

    def _prepare(self, items: Iterable[tuple[str | None, bool, bool]]) -> None:
        todo = list(dict.fromkeys((t, d, a) for t, d, a in items
                                  if t and (t, d, a) not in self._done))
        for key, pieces in zip(todo, _convert(todo), strict=True):
            self._done[key] = pieces

    def prepare(self, texts: Iterable[tuple[str | None, bool]]) -> None:
        """Typeset these ``(text, display)`` for ``auto`` in one limited call."""
        self._prepare((t, d, True) for t, d in texts)

    def _html(self, key: tuple[str, bool, bool]) -> str:
        if key not in self._done:
            self._prepare([key])
        out = []
        for piece, display, mathml in self._done[key]:
            if display is None:
                out.append(_text(piece))
            elif mathml:
                out.append(f'<span class="math" title="{html.escape(piece, quote=True)}">'
                           f"{mathml}</span>")
            else:
                out.append(_code(piece))
        return "".join(out)

    def math(self, latex: str, display: bool = False) -> str:
        """A formula as MathML (or as source in ``<code>``), HTML-safe."""
        return self._html((latex, display, False)) if latex else ""

    def auto(self, text: str, display: bool = False) -> str:
        """A formula, or text with formulas in it, as HTML."""
        return self._html((text, display, True)) if text else ""
