"""Recognising section headings: Markdown/OCR heading lines and LaTeX sectioning commands.

A heading line is classified into a ``HeadingHit`` (its number, title and kind); the document
builder (``document.py``) then places it in the section tree. Kinds:

- ``numbered``: "2.3 Results", "## 3.1.2 Backward", "1.2" (level = depth of the number)
- ``named``: "Question 3:", "Problem 2", "## Task 1" (level 1, or the ATX level)
- ``label``: "(b)", "**(a)**", "### (a) Adam" (one below the enclosing numbered heading)
- ``item``: "1. First note that" at the start of a line (one below the enclosing heading)
- ``atx``: any other "## Title" (level = number of hashes)
- ``image``: a line that is only an image whose name is a question number (``![3b](img/3b.jpg)``):
  documents whose questions are pictures
- ``marker``: an answer marker ("Answer:", ``**Answer:**``, ``#### Answer``, ``**解：**``); not a
  heading, it says where the answer to the enclosing part starts
- ``tex``: ``\\section`` and friends, ``\\item`` of ``enumerate`` (also of list macros the
  document defines), labels ``(a)`` at the start of a line, ``\\textbf{Answer:}`` and calls of
  the document's own answer macros (``\\ans{...}``)

Bulleted list items ("- 1. Write down", "- (a) Input") are never headings, nor is a bold lead-in
followed by a colon (``**2 Conv Layers**: two 3x3 convolutions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.extract.address import parse_address
from grader.extract.scan import BraceIndex, read_group


@dataclass(frozen=True)
class HeadingHit:
    """A line recognised as a heading, before it is placed in the tree."""

    kind: str
    number: str
    title: str
    level: int | None  # None: relative to the enclosing heading
    atx: int = 0  # number of '#' (0 for a plain line)


_BOLD = re.compile(r"^(\*\*|__)(.+?)\1\s*")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})(\.?)(?:\s+(.*))?$")
_NAMED = re.compile(
    r"^(question|problem|exercise|part|task|q)\s*(\d{1,3}(?:\.\d{1,2})*|[A-Za-z])\s*([:.)]|\s|$)\s*(.*)$",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^\(\s*([a-z]|[ivx]{1,5}|\d{1,2})\s*\)\s*(.*)$")
_ATX_LABEL = re.compile(r"^([a-z]|[ivx]{1,5})[.)]\s+(.*)$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\\bullet)\s")
_EMPHASIS = r"(?:\*\*|__|\*)?"
#: Words that start an answer ("Answer:", "Solution.", the Chinese 解 "solution" and 答 "answer").
ANSWER_WORDS = r"(?:answers?|solutions?|sol|ans|your\s+answer|解答|解|答)"
_MARKER = re.compile(
    r"^\s{0,3}(?:#{1,6}\s+)?" + _EMPHASIS + r"\s*" + ANSWER_WORDS + r"\s*" + _EMPHASIS
    + r"\s*(?:[:：.]|(?=\s*$))\s*" + _EMPHASIS + r"\s*(.*)$",
    re.IGNORECASE,
)
_IMAGE = re.compile(r"^\s*!\[([^\]\n]{0,40})\]\(\s*([^)\s]{0,300})[^)\n]*\)\s*$")
_BOLD_LEAD = re.compile(r"^(\*\*|__)\s*\d[^*_]*?\1\s*:")
_PLAIN_MAX = 160
#: At most this many headings are read from one document.
MAX_HEADINGS = 5_000


def classify_line(line: str) -> HeadingHit | None:
    """Classify one line of Markdown/OCR text; None when it is not a heading."""
    if not line.strip() or _BULLET.match(line) or line.lstrip().startswith(">"):
        return None
    head = line[:400]  # the forms below are recognised by how a line starts
    marker = _MARKER.match(head)
    if marker:
        return HeadingHit("marker", "", marker.group(1).strip(), None)
    image = _IMAGE.match(head)
    if image:
        number = image_address(image.group(1), image.group(2))
        return HeadingHit("image", number, "", None) if number else None
    if _BOLD_LEAD.match(head.strip()):
        return None  # "**2 Conv Layers**: ..." introduces a line of text, it is no heading
    atx = _atx(line)
    if atx:
        hashes, body = atx[0], _unbold(atx[1])
        hit = _classify_body(body, atx=hashes)
        return hit or HeadingHit("atx", "", _clean_title(body), hashes, hashes)
    body = line.strip()
    if len(body) > 2 * _PLAIN_MAX and not body.startswith(("(", "**")):
        return None
    return _classify_body(_unbold(body), atx=0)


def _atx(line: str) -> tuple[int, str] | None:
    """An ATX heading ``## Title ##``: (number of hashes, title), in one pass (a regular
    expression with a lazy title and an optional closing run is quadratic on long space runs)."""
    i = 0
    while i < 3 and i < len(line) and line[i].isspace():
        i += 1
    j = i
    while j < len(line) and line[j] == "#":
        j += 1
    hashes = j - i
    if not 1 <= hashes <= 6 or j >= len(line) or not line[j].isspace():
        return None
    body = line[j:].strip()
    k = len(body)
    while k and body[k - 1] == "#":
        k -= 1
    if k < len(body) and k and body[k - 1].isspace():
        body = body[:k].rstrip()
    return hashes, body


def image_address(alt: str, path: str) -> str:
    """The question number an image stands for (its alt text or file name: ``3b``, ``2g1``), or ""."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    for name in (alt.strip(), stem):
        address = parse_address(name) if name else None
        if address and address[0].isdigit():
            return name
    return ""


def _unbold(s: str) -> str:
    m = _BOLD.match(s)
    if m:
        return (m.group(2) + " " + s[m.end() :]).strip()
    return s


def _clean_title(s: str) -> str:
    return s.strip().strip("*_").strip().rstrip(":").strip()


def _classify_body(body: str, *, atx: int) -> HeadingHit | None:
    m = _NUMBERED.match(body)
    if m:
        number, dot, title = m.group(1), m.group(2), (m.group(3) or "").strip()
        first = int(number.split(".")[0])
        depth = number.count(".") + 1
        if atx:
            return HeadingHit("numbered", number, _clean_title(title), depth, atx)
        if first == 0 or (title and not (title[0].isalpha() or title[0] in "(\"'*")):
            return None
        if dot and depth == 1:
            return HeadingHit("item", number, _clean_title(title), None) if title else None
        if len(title) > _PLAIN_MAX:
            return None
        return HeadingHit("numbered", number, _clean_title(title), depth)
    m = _NAMED.match(body)
    if m and (atx or (len(body) <= _PLAIN_MAX and (m.group(3) in ":.)" or not m.group(4)))):
        word = m.group(1)
        word = word.upper() if len(word) == 1 else word.capitalize()
        sep = "" if len(word) == 1 else " "
        number = f"{word}{sep}{m.group(2)}"
        return HeadingHit("named", number, _clean_title(m.group(4)), atx or 1, atx)
    m = _LABEL.match(body)
    if m:
        label, title = m.group(1), m.group(2).strip()
        if label.isdigit() and not title:
            return None  # a lone "(3)" is an equation number, not a part
        return HeadingHit("label", f"({label})", _clean_title(title), None, atx)
    if atx:
        m = _ATX_LABEL.match(body)
        if m:
            return HeadingHit("label", f"({m.group(1)})", _clean_title(m.group(2)), None, atx)
    return None


_TEX_HEADING = re.compile(
    r"\\(part|chapter|section|subsection|subsubsection|paragraph)(\*?)\s*(?:\[[^\]\n]*\])?\s*(?=\{)"
)
_TEX_LEVELS = {"part": 1, "chapter": 1, "section": 1, "subsection": 2, "subsubsection": 3, "paragraph": 4}
_LIST = re.compile(
    r"\\(begin|end)\s*\{(enumerate|itemize|description)\}(?:\s*\[([^\]\n]{0,60})\])?|\\item(?![A-Za-z])\s*(\[[^\]\n]{0,40}\])?"
)
#: A label at the start of a line of LaTeX: "(a) (3 points) Show", "\noindent (b)", "\textbf{(c)}".
_TEX_LABEL = re.compile(
    r"^[ \t]*(?:\\noindent(?![A-Za-z])\s*)?(?:\\(?:textbf|textit|emph|underline)\s*\{\s*|\{\\bf\s+)?\(\s*([a-z]|[ivx]{1,5})\s*\)",
    re.MULTILINE,
)
_TEX_MARKER = re.compile(
    r"^[ \t]*(?:\\noindent(?![A-Za-z])\s*)?(?:\\(?:textbf|textit|emph|underline)\s*\{\s*|\{\\bf\s+)?" + ANSWER_WORDS
    + r"\s*(?:[:.]\s*\}?|\}\s*[:.]?)",
    re.MULTILINE | re.IGNORECASE,
)
_STYLE = re.compile(r"\\(arabic|alph|Alph|roman|Roman)\*")


@dataclass(frozen=True)
class TexHeading:
    """A LaTeX sectioning command, list item, label or answer marker found at ``offset``
    (``end``: where an answer macro's argument ends, for a marker that is a macro call)."""

    offset: int
    number: str
    title: str
    level: int
    kind: str  # "tex", "item", "label" or "marker"
    list_depth: int = 0
    end: int = 0


def tex_headings(text: str, list_macros: dict[str, str] | None = None, answer_macros: frozenset[str] = frozenset()) -> list[TexHeading]:
    """Sectioning commands (numbered the way LaTeX numbers them), enumerate items (also inside the
    document's own list macros, ``\\enum{\\item ...}``), labels at the start of a line and answer
    markers, in document order."""
    events: list[tuple[int, int, str, re.Match[str] | None, int]] = []
    for m in _TEX_HEADING.finditer(text):
        events.append((m.start(), 0, "heading", m, 0))
    for m in _LIST.finditer(text):
        events.append((m.start(), 1, "list", m, 0))
    for m in _TEX_LABEL.finditer(text):
        events.append((m.start(), 2, "label", m, 0))
    for m in _TEX_MARKER.finditer(text):
        events.append((m.start(), 2, "marker", m, 0))
    _macro_events(text, list_macros or {}, answer_macros, events)
    events.sort(key=lambda e: (e[0], e[1]))
    del events[MAX_HEADINGS:]
    return _TexWalk(text).run(events)


def _macro_events(text: str, list_macros: dict[str, str], answer_macros: frozenset[str],
                  events: list[tuple[int, int, str, re.Match[str] | None, int]]) -> None:
    """Calls of list macros become begin/end events; calls of answer macros become markers."""
    names = set(list_macros) | set(answer_macros)
    if not names:
        return
    call = re.compile(r"\\(" + "|".join(re.escape(n) for n in sorted(names)) + r")(?![A-Za-z])\s*(?=\{)")
    index: BraceIndex | None = None
    for m in call.finditer(text):
        index = index or BraceIndex(text)
        group = index.group(m.end())
        if group is None:
            continue
        name = m.group(1)
        if name in list_macros:
            events.append((m.start(), 1, "begin:" + list_macros[name], None, 0))
            events.append((group[1] - 1, 1, "end:" + list_macros[name], None, 0))
        else:
            events.append((m.start(), 2, "marker", None, group[1]))


class _TexWalk:
    """Numbers and levels for the events of one document, in order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.counters = [0, 0, 0, 0, 0]
        self.section_level = 0
        self.lists: list[list[object]] = []  # [kind, count, style, base level]
        self.labels: list[tuple[str, int]] = []  # open labels since the last heading: (label, level)
        self.out: list[TexHeading] = []

    def run(self, events: list[tuple[int, int, str, re.Match[str] | None, int]]) -> list[TexHeading]:
        for offset, _, what, m, end in events:
            if what == "heading" and m is not None:
                self.heading(m)
            elif what == "list" and m is not None:
                if m.group(1) == "begin":
                    self.begin(m.group(2), m.group(3) or "")
                elif m.group(1) == "end":
                    if self.lists:
                        self.lists.pop()
                else:
                    self.item(offset, m.group(4))
            elif what.startswith("begin:"):
                self.begin(what[6:], "")
            elif what.startswith("end:"):
                if self.lists:
                    self.lists.pop()
            elif what == "label" and m is not None:
                self.label(offset, m.group(1))
            elif what == "marker":
                self.out.append(TexHeading(offset, "", "", 0, "marker", end=end))
        return self.out

    def heading(self, m: re.Match[str]) -> None:
        group = read_group(self.text, m.end(), 400)
        title = " ".join(group[0].split()) if group else ""
        level = _TEX_LEVELS[m.group(1)]
        if m.group(2):
            number = ""
        else:
            self.counters[level - 1] += 1
            for k in range(level, len(self.counters)):
                self.counters[k] = 0
            number = ".".join(str(c) for c in self.counters[:level])
        self.section_level = level
        self.lists.clear()
        self.labels.clear()
        self.out.append(TexHeading(m.start(), number, title, level, "tex"))

    def _base(self) -> int:
        """The level below which a new list or label goes: the open item, label or heading."""
        for entry in reversed(self.lists):
            if entry[0] == "enumerate" and int(str(entry[1])) > 0:
                return int(str(entry[3])) + 1
        if self.labels:
            return self.labels[-1][1]
        return self.section_level

    def begin(self, kind: str, option: str) -> None:
        self.lists.append([kind, 0, _list_style(option), self._base()])

    def item(self, offset: int, explicit: str | None) -> None:
        if not self.lists or self.lists[-1][0] != "enumerate":
            return
        entry = self.lists[-1]
        count = int(str(entry[1])) + 1
        entry[1] = count
        depth = sum(1 for e in self.lists if e[0] == "enumerate")
        label = explicit[1:-1].strip() if explicit else _enum_label(depth, count, str(entry[2]))
        self.out.append(TexHeading(offset, label, "", int(str(entry[3])) + 1, "item", depth))

    def label(self, offset: int, label: str) -> None:
        while self.labels and not nests_under(self.labels[-1][0], label):
            self.labels.pop()
        level = self.labels[-1][1] + 1 if self.labels else self._base() + 1
        self.labels.append((label, level))
        self.out.append(TexHeading(offset, f"({label})", "", level, "label"))


_ROMAN_LABEL = re.compile(r"[ivx]{1,5}")


def nests_under(outer: str, inner: str) -> bool:
    """Whether label ``inner`` is a sub-part of label ``outer``: a roman numeral under a letter,
    unless it is the letter after it ("(h)" then "(i)" are siblings, as are "(i)" and "(ii)")."""
    o, i = outer.strip("()").lower(), inner.strip("()").lower()
    if not _ROMAN_LABEL.fullmatch(i) or _ROMAN_LABEL.fullmatch(o) or not o.isalpha():
        return False
    return not (len(o) == 1 and len(i) == 1 and ord(i) == ord(o) + 1)


def _list_style(option: str) -> str:
    """The numbering of an enumerate from its option: ``label=(\\roman*)``, ``[(a)]``, ``[i]``."""
    m = _STYLE.search(option)
    if m:
        return m.group(1).lower()
    for ch in option:
        if ch in "1":
            return "arabic"
        if ch in "aA":
            return "alph"
        if ch in "iI":
            return "roman"
    return ""


def _enum_label(depth: int, count: int, style: str = "") -> str:
    style = style or {1: "arabic", 2: "alph"}.get(depth, "roman")
    if style == "arabic":
        return str(count)
    if style == "alph":
        return f"({chr(ord('a') + (count - 1) % 26)})"
    return _roman(count)


def _roman(n: int) -> str:
    numerals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, sym in numerals:
        while n >= value:
            out += sym
            n -= value
    return out
