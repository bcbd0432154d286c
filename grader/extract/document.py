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
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from grader.extract.headings import MAX_HEADINGS, classify_line, tex_headings
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
    the enclosing sections, outermost first.
    """

    number: str
    title: str
    level: int
    line: int
    end_line: int
    id: str
    path: tuple[str, ...] = ()
    kind: str = "numbered"

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
    """A parsed submission. Build it with ``parse_document``."""

    text: str
    kind: str
    sections: tuple[Section, ...]
    blocks: tuple[MathBlock, ...]
    answers: tuple[Answer, ...] = ()
    macros: tuple[Macro, ...] = ()
    warnings: tuple[str, ...] = ()
    prose: str = field(default="", repr=False)

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
        """Sections matching a query: an id or number ("2.3", "3/(b)", "Question 3"), else a
        case-insensitive regular expression (or plain text) searched in the headings."""
        key = query.strip().rstrip(".").strip()
        if not key:
            return []
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
    while True:
        m = _FENCE.search(text, pos)
        if m is None:
            break
        marker = m.group(1)
        info = m.group(2).strip().lower()
        closer = re.compile(r"^[ \t]*" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$", re.MULTILINE)
        c = closer.search(text, m.end())
        end = c.end() if c else len(text)
        if info in ("math", "latex-math"):
            content_end = c.start() if c else len(text)
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
    out: list[str] = []
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
        out.append(g[0].strip())
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
    sections = tuple(_build_sections(prose_text, kind, lines))
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
        blocks.append(
            MathBlock(
                latex=latex,
                line=lines.line(r.start),
                end_line=end_line,
                offset=offset,
                display=r.display,
                tag=tag,
                env=env,
                boxed=find_boxed(latex),
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


def _build_sections(prose: str, kind: str, lines: LineIndex) -> list[Section]:
    opened: list[_Open] = []
    stack: list[_Open] = []
    seen_numbers: set[str] = set()
    last_top = 0

    def push(number: str, title: str, level: int, line: int, hkind: str) -> None:
        while stack and stack[-1].level >= level:
            stack.pop()
        path = tuple(s.id for s in stack)
        if hkind in ("label", "item") or (hkind == "tex-item"):
            sid = "/".join((*path[-1:], number)) if path else number
        elif number:
            sid = number
        else:
            sid = title or f"line {line}"
        entry = _Open(number, title, level, line, sid, "item" if hkind == "tex-item" else hkind, path)
        stack.append(entry)
        opened.append(entry)

    if kind == "tex":
        for h in tex_headings(prose):
            line = lines.line(h.offset)
            if h.kind == "tex":
                push(h.number, h.title, h.level, line, "tex")
            else:
                push(h.number, h.title, h.level, line, "tex-item")
    else:
        for i, text_line in enumerate(prose.split("\n"), start=1):
            hit = classify_line(text_line)
            if hit is None:
                continue
            if len(opened) >= MAX_HEADINGS:
                break
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
            if level is None or hit.kind in ("label", "item"):
                anchor_kinds = ("label", "item") if hit.kind == "label" else ("item",)
                anchor = next((s for s in reversed(stack) if s.kind not in anchor_kinds), None)
                level = (anchor.level if anchor else 0) + 1
                if hit.atx and hit.kind == "label":
                    level = max(level, hit.atx)
            push(hit.number, hit.title, level, i, hit.kind)

    total = lines.count
    ends = [total] * len(opened)
    waiting: list[int] = []
    for k, s in enumerate(opened):
        while waiting and opened[waiting[-1]].level >= s.level:
            ends[waiting.pop()] = s.line - 1
        waiting.append(k)
    out: list[Section] = []
    for k, s in enumerate(opened):
        out.append(Section(s.number, s.title, s.level, s.line, max(ends[k], s.line), s.id, s.path, s.kind))
    return out
