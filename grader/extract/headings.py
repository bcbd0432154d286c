"""Recognising section headings: Markdown/OCR heading lines and LaTeX sectioning commands.

A heading line is classified into a ``HeadingHit`` (its number, title and kind); the document
builder (``document.py``) then places it in the section tree. Kinds:

- ``numbered``: "2.3 Results", "## 3.1.2 Backward", "1.2" (level = depth of the number)
- ``named``: "Question 3:", "Problem 2", "## Task 1" (level 1, or the ATX level)
- ``label``: "(b)", "**(a)**", "### (a) Adam" (one below the enclosing numbered heading)
- ``item``: "1. First note that" at the start of a line (one below the enclosing heading)
- ``atx``: any other "## Title" (level = number of hashes)
- ``tex``: ``\\section`` and friends, ``\\item`` of ``enumerate``

Bulleted list items ("- 1. Write down", "- (a) Input") are never headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.extract.scan import read_group


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
_PLAIN_MAX = 160
#: At most this many headings are read from one document.
MAX_HEADINGS = 5_000


def classify_line(line: str) -> HeadingHit | None:
    """Classify one line of Markdown/OCR text; None when it is not a heading."""
    if not line.strip() or _BULLET.match(line) or line.lstrip().startswith(">"):
        return None
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
_LIST = re.compile(r"\\(begin|end)\s*\{(enumerate|itemize|description)\}|\\item(?![A-Za-z])\s*(\[[^\]\n]{0,40}\])?")


@dataclass(frozen=True)
class TexHeading:
    """A LaTeX sectioning command or enumerate item found at ``offset``."""

    offset: int
    number: str
    title: str
    level: int
    kind: str  # "tex" or "item"
    list_depth: int = 0


def tex_headings(text: str) -> list[TexHeading]:
    """Sectioning commands (numbered the way LaTeX numbers them) and enumerate items."""
    events: list[tuple[int, int, re.Match[str]]] = []
    for m in _TEX_HEADING.finditer(text):
        events.append((m.start(), 0, m))
    for m in _LIST.finditer(text):
        events.append((m.start(), 1, m))
    events.sort(key=lambda e: (e[0], e[1]))
    del events[MAX_HEADINGS:]
    counters = [0, 0, 0, 0, 0]
    out: list[TexHeading] = []
    lists: list[list[object]] = []  # [kind, count]
    section_level = 0
    for _, which, m in events:
        if which == 0:
            group = read_group(text, m.end(), 400)
            title = " ".join(group[0].split()) if group else ""
            level = _TEX_LEVELS[m.group(1)]
            if m.group(2):
                number = ""
            else:
                counters[level - 1] += 1
                for k in range(level, len(counters)):
                    counters[k] = 0
                number = ".".join(str(c) for c in counters[:level])
            section_level = level
            lists.clear()
            out.append(TexHeading(m.start(), number, title, level, "tex"))
            continue
        if m.group(1) == "begin":
            lists.append([m.group(2), 0])
        elif m.group(1) == "end":
            if lists:
                lists.pop()
        elif lists and lists[-1][0] == "enumerate":
            count = int(str(lists[-1][1])) + 1
            lists[-1][1] = count
            depth = sum(1 for entry in lists if entry[0] == "enumerate")
            label = m.group(3)[1:-1].strip() if m.group(3) else _enum_label(depth, count)
            out.append(TexHeading(m.start(), label, "", section_level + depth, "item", depth))
    return out


def _enum_label(depth: int, count: int) -> str:
    if depth == 1:
        return str(count)
    if depth == 2:
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
