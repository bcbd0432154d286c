"""A free-form submission (LaTeX or OCR'd Markdown) as sections and math blocks.

``parse_document`` blanks what must not yield math (code fences, ``verbatim``/``lstlisting``,
``\\verb``, ``%`` comments in LaTeX, macro definitions) without moving any character, finds
the math (``$$..$$``, ``\\[..\\]``, ``$..$``, ``\\(..\\)``, ``equation``/``align``/... and
```` ```math ```` fences), takes equation numbers off it (``\\tag{..}``, ``\\quad (3)``, a
``(3)`` alone on the next line), expands the document's own macros, and builds the section tree
from the headings. Offsets and line numbers always refer to the text as given (after CRLF and
BOM normalisation). Every step is a bounded, linear-ish scan.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from grader.extract.address import is_label, parse_address
from grader.extract.headings import (
    ANSWER_WORDS,
    MAX_HEADINGS,
    HeadingHit,
    classify_line,
    nests_under,
    tex_headings,
)
from grader.extract.macros import Macro, collect_macros, expand_macros
from grader.extract.scan import BraceIndex, LineIndex, environment_end, sole_environment

MATH_ENVIRONMENTS = frozenset(
    name + star
    for name in (
        "equation", "align", "gather", "multline", "eqnarray", "flalign", "alignat",
        "displaymath", "math", "dmath",
    )
    for star in ("", "*")
)
#: Macro expansion work for one document's math blocks (and again for its ``\\answer``\s): steps
#: plus characters built / 100 (``Expansion.cost``), so neither many answers each expanding a
#: deep chain nor one expansion that keeps rebuilding a long string can run away.
EXPANSION_BUDGET = 200_000
#: At most this many math blocks are read from one document (a real one has a few hundred).
MAX_BLOCKS = 20_000
_VERBATIM_ENVIRONMENTS = ("verbatim", "verbatim*", "Verbatim", "lstlisting", "minted", "comment", "code")


@dataclass(frozen=True)
class Section:
    """A heading and the lines it governs (``line``..``end_line``, 1-based, inclusive).

    ``number`` is what the author wrote ("2.3", "(b)", "Question 3"; "" when unnumbered),
    ``id`` is unique enough to query by: the number for numbered headings, the parent's id and
    the label for labels and items ("3/(b)"), the title otherwise. ``path`` holds the ids of
    the enclosing sections, outermost first. ``address`` is where it is in the address language
    (``address.py``): ``("2", "3")`` for "2.3", ``("1", "2", "b")`` for label (b) under 1.2, ``()``
    for an unnumbered heading.
    """

    number: str
    title: str
    level: int
    line: int
    end_line: int
    id: str
    path: tuple[str, ...] = ()
    kind: str = "numbered"
    address: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()


@dataclass(frozen=True)
class MathBlock:
    """One piece of math, delimiters and equation number removed, macros expanded.

    ``line``/``end_line`` are the lines of the opening and closing delimiters, ``offset`` the
    character offset of the first character of the math in the original text and
    ``content_line`` its line. ``env`` is the environment (``align*``, or for ``$$`` blocks the
    one environment the block consists of, e.g. ``cases``; "" otherwise). ``delim`` is one of
    ``$$``, ``\\[``, ``$``, ``\\(``, ``env``, ``fence``.
    """

    latex: str
    line: int
    end_line: int
    offset: int
    display: bool
    tag: str | None = None
    env: str = ""
    section: str | None = None
    boxed: tuple[str, ...] = ()
    delim: str = "$$"
    #: where each box's content starts in ``latex`` (several boxes of one ``align*`` are on their own lines)
    boxed_at: tuple[int, ...] = ()
    content_line: int = 0
    raw: str = ""


@dataclass(frozen=True)
class Answer:
    """A structured answer ``\\answer{part_id}{latex}``."""

    part_id: str
    latex: str
    line: int
    offset: int
    section: str | None = None


@dataclass(frozen=True)
class Document:
    """A parsed submission. Build it with ``parse_document``.

    ``markers`` are the offsets of answer markers ("Answer:", ``\\textbf{Answer:}``, a call of
    the document's answer macro); ``regions`` the spans of answer macros' arguments
    (``\\ans{...}``). Math before the first marker of a section is the question's.
    """

    text: str
    kind: str
    sections: tuple[Section, ...]
    blocks: tuple[MathBlock, ...]
    answers: tuple[Answer, ...] = ()
    macros: tuple[Macro, ...] = ()
    warnings: tuple[str, ...] = ()
    prose: str = field(default="", repr=False)
    markers: tuple[int, ...] = ()
    regions: tuple[tuple[int, int], ...] = ()

    @property
    def text_lines(self) -> tuple[str, ...]:
        return tuple(self.text.split("\n"))

    @property
    def display_blocks(self) -> tuple[MathBlock, ...]:
        return tuple(b for b in self.blocks if b.display)

    def section(self, key: str) -> Section | None:
        """The first section whose id or number is ``key``."""
        for s in self.sections:
            if key in (s.id, s.number):
                return s
        return None

    def find_sections(self, query: str) -> list[Section]:
        """Sections matching a query: an address ("2.3", "1.2(b)", "2/1", "Question 3", "(b)":
        the sections at exactly that address; a bare label such as "(b)" any label (b)), else
        an id, else a case-insensitive regular expression (or plain text) searched in the
        headings. "1" never matches item 1 of section 2 (that is "2.1" or "2/1")."""
        key = query.strip().rstrip(".").strip()
        if not key:
            return []
        address = parse_address(key)
        if address is not None:
            exact = [s for s in self.sections if s.address == address]
            if exact or not is_label(address[0]):
                return exact
            n = len(address)
            return [s for s in self.sections if s.kind in ("label", "item") and s.address[-n:] == address]
        exact = [s for s in self.sections if key in (s.id, s.number.rstrip("."))]
        if exact:
            return exact
        folded = key.casefold()
        exact = [s for s in self.sections if folded in (s.id.casefold(), s.number.casefold())]
        if exact:
            return exact
        try:
            rx = re.compile(key, re.IGNORECASE)
        except re.error:
            rx = re.compile(re.escape(key), re.IGNORECASE)
        return [s for s in self.sections if rx.search(s.heading[:500])]

    def section_at(self, line: int) -> Section | None:
        """The innermost section containing ``line``."""
        starts = [s.line for s in self.sections]
        i = bisect.bisect_right(starts, line) - 1
        while i >= 0:
            s = self.sections[i]
            if s.line <= line <= s.end_line:
                return s
            i -= 1
        return None

    @functools.cached_property
    def _line_index(self) -> LineIndex:
        return LineIndex(self.text)

    def line_of(self, offset: int) -> int:
        """The 1-based line of a character offset."""
        return self._line_index.line(offset)

    def line_start(self, line: int) -> int:
        """The offset of the first character of a 1-based line."""
        return self._line_index.start(max(1, min(line, self._line_index.count)))

    @functools.cached_property
    def question_blocks(self) -> frozenset[int]:
        """Indices of the blocks that belong to a question, not to its answer: the math of a
        section before its first answer marker ("Answer:", ``\\textbf{Answer:}``, ``\\ans{``),
        outside every answer region. Without markers, every block may be an answer."""
        if not self.markers:
            return frozenset()
        first: dict[tuple[int, str] | None, int] = {}
        for m in self.markers:
            sec = self.section_at(self.line_of(m))
            key = (sec.line, sec.id) if sec else None
            first.setdefault(key, m)
        starts = [a for a, _ in self.regions]
        out = set()
        for i, b in enumerate(self.blocks):
            k = bisect.bisect_right(starts, b.offset) - 1
            if k >= 0 and b.offset < self.regions[k][1]:
                continue  # inside \ans{...}
            sec = self.section_at(b.line)
            key = (sec.line, sec.id) if sec else None
            if key in first and b.offset < first[key]:
                out.add(i)
        return frozenset(out)

    def blocks_in(self, section: Section, *, display: bool | None = None) -> list[MathBlock]:
        """Math blocks starting inside ``section`` (its subsections included), in order."""
        return [
            b
            for b in self.blocks
            if section.line <= b.line <= section.end_line and (display is None or b.display == display)
        ]

    def section_text(self, section: Section, *, math: bool = True) -> str:
        """The text under a heading (the heading line excluded), code blanked out; without
        math when ``math`` is false."""
        source = self.text if math else self.prose
        lines = source.split("\n")[section.line : section.end_line]
        return "\n".join(line.rstrip() for line in lines).strip()


def detect_kind(text: str) -> str:
    """"tex" when the text looks like a LaTeX source file, else "md"."""
    head = text[:200_000]
    # [ \t]*, not \s*: \s would run over every following blank line, once per line (quadratic)
    if re.search(r"\\documentclass|\\begin\{document\}|^[ \t]*\\(?:sub)*section\*?\{", head, re.MULTILINE):
        return "tex"
    return "md"


def normalise_text(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- blanking ---------------------------------------------------------------------------

def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)$", re.MULTILINE)


def _fences(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int, int, int]]]:
    """Code fence spans to blank, and math fences as (open_start, content_start, content_end, close_end)."""
    code: list[tuple[int, int]] = []
    math: list[tuple[int, int, int, int]] = []
    pos = 0
    unclosed: dict[str, int] = {}  # fence character -> a length no later closer reaches
    while True:
        m = _FENCE.search(text, pos)
        if m is None:
            break
        marker = m.group(1)
        info = m.group(2).strip().lower()
        c = None
        if len(marker) < unclosed.get(marker[0], 10**9):
            closer = re.compile(r"^[ \t]*" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$", re.MULTILINE)
            c = closer.search(text, m.end())
        if c is None:
            unclosed[marker[0]] = min(len(marker), unclosed.get(marker[0], 10**9))
            # a fence never closed (a stray ``` in an answer string, a pasted log) is text: blanking
            # to the end of the file would lose every answer after it
            pos = m.end() + 1
            if pos >= len(text):
                break
            continue
        end = c.end()
        if info in ("math", "latex-math"):
            content_end = c.start()
            math.append((m.start(), m.end() + 1, content_end, end))
        else:
            code.append((m.start(), end))
        pos = end if end > m.end() else m.end() + 1
        if pos >= len(text):
            break
    return code, math


_COMMENT = re.compile(r"\\.|%[^\n]*", re.DOTALL)
_VERB = re.compile(r"\\(?:verb|lstinline)\*?([^A-Za-z\s*{])")
_VERB_ENV = re.compile(r"\\begin\s*\{(" + "|".join(re.escape(e) for e in _VERBATIM_ENVIRONMENTS) + r")\}")


def _blank_tex_noise(text: str, chars: list[str], *, comments: bool) -> None:
    if comments:
        for m in _COMMENT.finditer(text):
            if m.group().startswith("%"):
                _blank(chars, m.start(), m.end())
    for m in _VERB_ENV.finditer(text):
        if chars[m.start()] == " ":
            continue
        close = text.find("\\end{" + m.group(1) + "}", m.end())
        end = len(text) if close < 0 else close + len(m.group(1)) + 6
        _blank(chars, m.start(), end)
    for m in _VERB.finditer(text):
        if chars[m.start()] == " ":
            continue
        close = text.find(m.group(1), m.end(), m.end() + 1000)
        nl = text.find("\n", m.end())
        if close < 0 or (0 <= nl < close):
            continue
        _blank(chars, m.start(), close + 1)


# --- math scanning ----------------------------------------------------------------------

@dataclass
class _Raw:
    start: int  # opening delimiter
    content_start: int
    content_end: int
    end: int  # after the closing delimiter
    display: bool
    delim: str
    env: str = ""


_MATH_TOKEN = re.compile(r"\$\$|\$|\\begin\s*\{([A-Za-z*]+)\}|\\[\[(]|\\.", re.DOTALL)
_INLINE_END = re.compile(r"\\.|\$|\n[ \t]*\n", re.DOTALL)
_DISPLAY_END = re.compile(r"\\.|\$\$", re.DOTALL)


def _scan_math(masked: str, warnings: list[str], lines: LineIndex) -> list[_Raw]:
    out: list[_Raw] = []
    unclosed: set[str] = set()
    pos = 0
    n = len(masked)
    while pos < n:
        if len(out) > MAX_BLOCKS:
            break  # parse_document reports the overflow
        m = _MATH_TOKEN.search(masked, pos)
        if m is None:
            break
        tok = m.group()
        if tok == "$$":
            # as for environments below: once a closer is missing from one place on, it is
            # missing from every later place, and searching again would be quadratic
            close = -1 if "$$" in unclosed else _find(_DISPLAY_END, masked, m.end(), "$$")
            if close < 0:
                if "$$" not in unclosed:
                    warnings.append(f"line {lines.line(m.start())}: unclosed $$ (treated as text)")
                unclosed.add("$$")
                pos = m.end()
                continue
            out.append(_Raw(m.start(), m.end(), close, close + 2, True, "$$"))
            pos = close + 2
        elif tok == "$":
            close = _find(_INLINE_END, masked, m.end(), "$")
            if close < 0:
                pos = m.end()
                continue
            out.append(_Raw(m.start(), m.end(), close, close + 1, False, "$"))
            pos = close + 1
        elif tok in ("\\[", "\\("):
            closer = "\\]" if tok == "\\[" else "\\)"
            close = -1 if closer in unclosed else _find_plain(masked, m.end(), closer)
            if close < 0:
                unclosed.add(closer)
                pos = m.end()
                continue
            out.append(_Raw(m.start(), m.end(), close, close + 2, tok == "\\[", tok))
            pos = close + 2
        elif m.group(1) is not None and m.group(1) in MATH_ENVIRONMENTS:
            name = m.group(1)
            # once an environment is found unclosed, later ones of that name are not searched
            # again: that search would run to the end of the text each time
            end = -1 if name in unclosed else environment_end(masked, m.end(), name)
            if end < 0:
                if name not in unclosed:
                    warnings.append(f"line {lines.line(m.start())}: unclosed \\begin{{{name}}}")
                unclosed.add(name)
                pos = m.end()
                continue
            close = masked.rfind("\\end", m.end(), end)
            display = name not in ("math",)
            out.append(_Raw(m.start(), m.end(), close, end, display, "env", name))
            pos = end
        else:
            pos = m.end()
    return out


def _find(rx: re.Pattern[str], text: str, pos: int, want: str) -> int:
    for m in rx.finditer(text, pos):
        tok = m.group()
        if tok == want:
            return m.start()
        if tok.startswith("\n"):
            return -1
    return -1


def _find_plain(text: str, pos: int, closer: str) -> int:
    while True:
        i = text.find(closer, pos)
        if i < 0:
            return -1
        # an escaped backslash before it ("\\\\]") is a line break followed by "]"
        k = i - 1
        slashes = 0
        while k >= pos and text[k] == "\\":
            slashes += 1
            k -= 1
        if slashes % 2 == 0:
            return i
        pos = i + 1


# --- equation numbers -------------------------------------------------------------------

_TAG = re.compile(r"\\tag\*?\s*\{([^{}]{0,40})\}")
_LABEL = re.compile(r"\\label\s*\{[^{}]{0,200}\}|\\nonumber(?![A-Za-z])|\\notag(?![A-Za-z])")
_TRAILING_NUMBER = re.compile(
    r"(?:\s|\\q?quad(?![A-Za-z])|\\[,;:! ]|~|\\hfill(?![A-Za-z])|\\h(?:space|skip)\s*\{[^{}]*\}"
    r"|\\[lc]?dots(?![A-Za-z])|\.)++"
    r"\(\s*(\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?)\s*\)\s*[.,;]?\s*$"
)
_LINE_NUMBER = re.compile(r"^[ \t]*\(\s*(\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?)\s*\)[ \t]*[.,]?[ \t]*$")
_TRAILING_PUNCT = re.compile(r"(?:\s|\\[,;:! ]|\\q?quad(?![A-Za-z])|~)*[,.;]\s*$")


def _take_tags(latex: str) -> tuple[str, str | None]:
    tag: str | None = None
    found = _TAG.findall(latex)
    if found:
        tag = found[0].strip()
        latex = _TAG.sub(" ", latex)
    latex = _LABEL.sub(" ", latex)
    if tag is None:
        tail_start = max(0, len(latex) - 300)
        m = _TRAILING_NUMBER.search(latex, tail_start)
        if m:
            tag = m.group(1)
            latex = latex[: m.start()]
    return latex, tag


def _clean(latex: str) -> str:
    latex = latex.strip()
    tail_start = max(0, len(latex) - 100)
    m = _TRAILING_PUNCT.search(latex, tail_start)
    if m and not latex[: m.start()].endswith("\\"):
        latex = latex[: m.start()].rstrip()
    return latex


_BOXED = re.compile(r"\\boxed\s*(?=\{)")


def find_boxed(latex: str) -> tuple[str, ...]:
    """Contents of the outermost ``\\boxed{..}`` groups in ``latex``."""
    return tuple(content for content, _ in find_boxed_at(latex))


def find_boxed_at(latex: str) -> tuple[tuple[str, int], ...]:
    """The outermost ``\\boxed{..}`` groups in ``latex``: (content, offset of the content)."""
    out: list[tuple[str, int]] = []
    pos = 0
    index: BraceIndex | None = None
    while True:
        m = _BOXED.search(latex, pos)
        if m is None:
            break
        if index is None:
            index = BraceIndex(latex)
        g = index.group(m.end())
        if g is None:
            pos = m.end()
            continue
        start = latex.index("{", m.end()) + 1
        out.append((g[0].strip(), start + len(g[0]) - len(g[0].lstrip())))
        pos = g[1]
    return tuple(out)


# --- the builder ------------------------------------------------------------------------

_ANSWER = re.compile(r"\\answer\s*(?=\{)")
_PART_ID = re.compile(r"[\w.:\-/]{1,80}")


def parse_document(text: str, *, kind: str = "auto", expand: bool = True) -> Document:
    """Parse a submission's text into sections, math blocks and structured answers.

    ``kind`` is "tex", "md" or "auto" (decided from the text). Never raises on odd input:
    what cannot be understood stays prose, and ``warnings`` says what was skipped.
    """
    text = normalise_text(text)
    if kind not in ("tex", "md"):
        kind = detect_kind(text)
    warnings: list[str] = []
    lines = LineIndex(text)
    masked = _mask(text, kind, lines)
    raws = _math_spans(masked, warnings, lines)
    prose = list(masked.text)
    for r in raws:
        _blank(prose, r.start, r.end)
    blocks = _blocks(text, masked, raws, prose, lines, warnings, expand=expand)
    prose_text = "".join(prose)
    outline = _build_sections(prose_text, kind, lines, masked.text, masked.macros)
    sections = tuple(outline.sections)
    section_id = _section_lookup(sections)
    blocks = [replace(b, section=section_id(b.line)) for b in blocks]
    answers = _answers(masked.text, masked.macros, lines, section_id)
    return Document(
        text=text,
        kind=kind,
        sections=sections,
        blocks=tuple(blocks),
        answers=tuple(answers),
        macros=tuple(masked.macros.values()),
        warnings=tuple(warnings),
        prose=prose_text,
        markers=tuple(sorted(outline.markers)),
        regions=tuple(sorted(outline.regions)),
    )


@dataclass
class _Masked:
    """The text with what must not yield math blanked (same length, same lines), the math fences
    found, and the document's own macros (their definitions blanked too)."""

    text: str
    math_fences: list[tuple[int, int, int, int]]
    macros: dict[str, Macro]


def _mask(text: str, kind: str, lines: LineIndex) -> _Masked:
    chars = list(text)
    math_fences: list[tuple[int, int, int, int]] = []
    if kind == "md":
        code, math_fences = _fences(text)
        for start, end in code:
            _blank(chars, start, end)
        for start, cs, ce, end in math_fences:
            _blank(chars, start, cs)
            _blank(chars, ce, end)
    _blank_tex_noise(text, chars, comments=kind == "tex")
    macros: dict[str, Macro] = {}
    for d in collect_macros("".join(chars)):
        macros[d.macro.name] = Macro(d.macro.name, d.macro.nargs, d.macro.body, d.macro.default, lines.line(d.start))
        _blank(chars, d.start, d.end)
    for _start, cs, ce, _end in math_fences:
        _blank(chars, cs, ce)  # the fence content is math: keep it out of the scanner
    return _Masked("".join(chars), math_fences, macros)


def _math_spans(masked: _Masked, warnings: list[str], lines: LineIndex) -> list[_Raw]:
    """Every piece of math in document order (delimited math and math fences), at most MAX_BLOCKS."""
    raws = _scan_math(masked.text, warnings, lines)
    for start, cs, ce, end in masked.math_fences:
        raws.append(_Raw(start, cs, ce, end, True, "fence"))
    raws.sort(key=lambda r: r.start)
    if len(raws) > MAX_BLOCKS:
        warnings.append(f"more than {MAX_BLOCKS} math blocks; the rest (from line {lines.line(raws[MAX_BLOCKS].start)}) ignored")
        del raws[MAX_BLOCKS:]
    return raws


def _blocks(text: str, masked: _Masked, raws: list[_Raw], prose: list[str], lines: LineIndex, warnings: list[str], *,
            expand: bool) -> list[MathBlock]:
    """The math blocks: equation numbers taken off (a number alone on the next line is blanked
    from ``prose``), trailing punctuation cleaned, the document's macros expanded."""
    blocks: list[MathBlock] = []
    macros = masked.macros
    budget = EXPANSION_BUDGET  # expansion work for the whole document
    for r in raws:
        source = text if r.delim == "fence" else masked.text
        content = source[r.content_start : r.content_end]
        latex, tag = _take_tags(content)
        end_line = lines.line(max(r.start, r.end - 1))
        if r.display and tag is None:
            tag, tag_end = _next_line_tag(text, masked.text, r.end, lines)
            if tag is not None:
                _blank(prose, r.end, tag_end)
        stripped = latex.lstrip()
        offset = r.content_start + (len(latex) - len(stripped))
        latex = _clean(latex)
        if expand and macros and budget > 0:
            exp = expand_macros(latex, macros, max_steps=min(5_000, budget))
            budget -= exp.cost
            if exp.overflow:
                warnings.append(f"line {lines.line(r.start)}: macro expansion limit hit; math left unexpanded")
            else:
                latex = exp.text
        if not latex:
            # an empty display holding only a number: the number of the display just before
            if tag and blocks and blocks[-1].display and blocks[-1].tag is None and lines.line(r.start) - blocks[-1].end_line <= 3:
                blocks[-1] = replace(blocks[-1], tag=tag)
            continue
        env = r.env
        if not env:
            sole = sole_environment(latex)
            env = sole[0] if sole else ""
        boxes = find_boxed_at(latex)
        blocks.append(
            MathBlock(
                latex=latex,
                line=lines.line(r.start),
                end_line=end_line,
                offset=offset,
                display=r.display,
                tag=tag,
                env=env,
                boxed=tuple(c for c, _ in boxes),
                boxed_at=tuple(o for _, o in boxes),
                delim=r.delim,
                content_line=lines.line(offset),
                raw=text[r.content_start : r.content_end],
            )
        )
    return blocks


def _section_lookup(sections: tuple[Section, ...]) -> Callable[[int], str | None]:
    """line -> the id of the innermost section containing it (None before the first heading)."""
    starts = [s.line for s in sections]

    def section_id(line: int) -> str | None:
        i = bisect.bisect_right(starts, line) - 1
        while i >= 0:
            if sections[i].end_line >= line:
                return sections[i].id
            i -= 1
        return None

    return section_id


def _next_line_tag(text: str, masked: str, end: int, lines: LineIndex) -> tuple[str | None, int]:
    line = lines.line(end)
    eol = lines.start(line + 1) - 1 if line < lines.count else len(text)
    rest = masked[end:eol]
    m = _LINE_NUMBER.match(rest)
    if m:
        return m.group(1), eol
    if rest.strip() or eol >= len(text):
        return None, end
    nxt = lines.start(line + 2) - 1 if line + 1 < lines.count else len(text)
    m = _LINE_NUMBER.match(masked[eol + 1 : nxt])
    if m:
        return m.group(1), nxt
    return None, end


def _answers(masked: str, macros: dict[str, Macro], lines: LineIndex, section_id: Callable[[int], str | None]) -> list[Answer]:
    own = macros.get("answer")
    if own is not None and own.nargs != 2:
        return []  # the document's own \answer means something else
    out: list[Answer] = []
    index: BraceIndex | None = None
    others = {k: v for k, v in macros.items() if k != "answer"}
    budget = EXPANSION_BUDGET  # the answers share one budget, as the blocks do
    for m in _ANSWER.finditer(masked):
        if index is None:
            index = BraceIndex(masked)
        first = index.group(m.end())
        if first is None or not _PART_ID.fullmatch(first[0].strip()):
            continue
        second = index.group(first[1])
        if second is None:
            continue
        latex = _strip_math_delimiters(second[0].strip())
        latex, _ = _take_tags(latex)
        if others and budget > 0:
            exp = expand_macros(latex, others, max_steps=min(5_000, budget))
            budget -= exp.cost
            if not exp.overflow:
                latex = exp.text
        line = lines.line(m.start())
        out.append(Answer(first[0].strip(), _clean(latex), line, m.start(), section_id(line)))
    return out


def _strip_math_delimiters(s: str) -> str:
    for open_, close in (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)")):
        if s.startswith(open_) and s.endswith(close) and len(s) >= len(open_) + len(close):
            return s[len(open_) : len(s) - len(close)].strip()
    return s


# --- sections ---------------------------------------------------------------------------

@dataclass
class _Open:
    number: str
    title: str
    level: int
    line: int
    id: str
    kind: str
    path: tuple[str, ...]
    address: tuple[str, ...] = ()


_ABSOLUTE = ("numbered", "named", "image", "tex")
_RELATIVE = ("label", "item")
_BARE_ITEM = re.compile(r"^[ \t]*(\d{1,2})\.[ \t]*$")


@dataclass
class _Outline:
    """The section tree of a document, its answer markers (offsets) and answer regions."""

    sections: list[Section]
    markers: list[int]
    regions: list[tuple[int, int]]


class _Tree:
    """Headings placed in a tree as they come: ids, paths and addresses (``address.py``)."""

    def __init__(self) -> None:
        self.opened: list[_Open] = []
        self.stack: list[_Open] = []

    def push(self, number: str, title: str, level: int, line: int, hkind: str) -> None:
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        path = tuple(s.id for s in self.stack)
        kind = "item" if hkind == "tex-item" else "label" if hkind == "tex-label" else hkind
        if kind in _RELATIVE:
            sid = "/".join((*path[-1:], number)) if path else number
        elif number:
            sid = number
        else:
            sid = title or f"line {line}"
        own = parse_address(number) if number else None
        if kind in _ABSOLUTE:
            address = own or ()
        elif kind in _RELATIVE and own:
            base = next((s.address for s in reversed(self.stack) if s.address), ())
            address = base + own
        else:
            address = ()
        entry = _Open(number, title, level, line, sid, kind, path, address)
        self.stack.append(entry)
        self.opened.append(entry)

    def sections(self, total: int) -> list[Section]:
        ends = [total] * len(self.opened)
        waiting: list[int] = []
        for k, s in enumerate(self.opened):
            while waiting and self.opened[waiting[-1]].level >= s.level:
                ends[waiting.pop()] = s.line - 1
            waiting.append(k)
        return [
            Section(s.number, s.title, s.level, s.line, max(ends[k], s.line), s.id, s.path, s.kind, s.address)
            for k, s in enumerate(self.opened)
        ]


def _build_sections(prose: str, kind: str, lines: LineIndex, text: str = "",
                    macros: dict[str, Macro] | None = None) -> _Outline:
    tree = _Tree()
    markers: list[int] = []
    regions: list[tuple[int, int]] = []
    if kind == "tex":
        list_macros, answer_macros = _special_macros(macros or {})
        for h in tex_headings(prose, list_macros, answer_macros):
            if h.kind == "marker":
                markers.append(h.offset)
                if h.end:
                    regions.append((h.offset, h.end))
                continue
            hkind = {"tex": "tex", "item": "tex-item", "label": "tex-label"}[h.kind]
            tree.push(h.number, h.title, h.level, lines.line(h.offset), hkind)
    else:
        _markdown_headings(prose, text, lines, tree, markers)
    return _Outline(tree.sections(lines.count), markers, regions)


def _markdown_headings(prose: str, text: str, lines: LineIndex, tree: _Tree, markers: list[int]) -> None:
    seen_numbers: set[str] = set()
    last_top = 0
    source = text.split("\n") if text else []
    for i, text_line in enumerate(prose.split("\n"), start=1):
        hit = classify_line(text_line)
        if hit is None and _BARE_ITEM.match(text_line) and i <= len(source) and source[i - 1].strip() != text_line.strip():
            # "1. $$ ... $$": an item whose content is math (blanked from the prose)
            hit = HeadingHit("item", _BARE_ITEM.match(text_line).group(1), "", None)  # type: ignore[union-attr]
        if hit is None:
            continue
        if hit.kind == "marker":
            markers.append(lines.start(i))
            continue
        if len(tree.opened) >= MAX_HEADINGS:
            break
        if hit.kind == "image":
            value = int((parse_address(hit.number) or ("0",))[0])
            if value > last_top + 3 and not (last_top == 0 and value <= 20):
                continue  # "![21](...)" among 2d, 2e: a picture, not question 21
            last_top = max(last_top, value)
        if hit.kind == "numbered" and not hit.atx:
            depth = hit.number.count(".") + 1
            if depth == 1:
                value = int(hit.number)
                if value > last_top + 3 and not (last_top == 0 and value <= 20):
                    continue
            elif hit.number.rsplit(".", 1)[0] not in seen_numbers:
                continue
        if hit.kind == "numbered":
            seen_numbers.add(hit.number)
            if "." not in hit.number:
                last_top = int(hit.number)
        level = hit.level
        if hit.kind == "image":
            level = len(parse_address(hit.number) or ("",))
        elif level is None or hit.kind in ("label", "item"):
            level = _relative_level(tree.stack, hit)
        tree.push(hit.number, hit.title, level, i, hit.kind)


def _relative_level(stack: list[_Open], hit: HeadingHit) -> int:
    """One below the enclosing heading (a label under a numbered heading, an item under a label),
    a roman label one below the letter label it belongs to."""
    if hit.kind == "label":
        for s in reversed(stack):
            if s.kind == "label" and nests_under(s.number, hit.number):
                return max(s.level + 1, hit.atx)
            if s.kind not in ("label", "item"):
                break
    anchor_kinds = ("label", "item") if hit.kind == "label" else ("item",)
    anchor = next((s for s in reversed(stack) if s.kind not in anchor_kinds), None)
    level = (anchor.level if anchor else 0) + 1
    if hit.atx and hit.kind == "label":
        level = max(level, hit.atx)
    return level


_ANSWER_BODY = re.compile(ANSWER_WORDS + r"\s*[:.]", re.IGNORECASE)
_LIST_BODY = re.compile(r"\\begin\s*\{(enumerate|itemize|description)\}")


def _special_macros(macros: dict[str, Macro]) -> tuple[dict[str, str], frozenset[str]]:
    """The document's list macros (``\\def\\enum#1{\\begin{enumerate}#1\\end{enumerate}}``) and
    answer macros (``\\def\\ans#1{\\par\\gre{Answer: #1}}``, and macros that call one)."""
    lists = {}
    answers: set[str] = set()
    for m in macros.values():
        if m.nargs < 1 or "#1" not in m.body:
            continue
        got = _LIST_BODY.search(m.body)
        if got:
            lists[m.name] = got.group(1)
        elif _ANSWER_BODY.search(m.body):
            answers.add(m.name)
    for _ in range(3):  # \def\answer#1{\ans{#1}}
        if not answers:
            break
        calls = re.compile(r"\\(?:" + "|".join(re.escape(a) for a in sorted(answers)) + r")(?![A-Za-z])")
        answers |= {m.name for m in macros.values() if m.nargs >= 1 and calls.search(m.body)}
    return lists, frozenset(answers)
