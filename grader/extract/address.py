"""The section address language: how a rubric names a place in a submission.

An address is a path of components, outermost first: heading numbers (``2.3`` is ``2``, ``3``),
named headings by their number (``Question 3``, ``Q3``, ``Task 1``, ``Part A``), list-item and
label positions (``(b)``, ``(ii)``, an ``\\item``'s number). ``1.2(b)``, ``1.2/(b)``, ``1.2b`` and
``1.2.b`` are all ``1``, ``2``, ``b``; ``2/1`` is item 1 of section 2. The same reader turns the
numbers and labels written in a document into the addresses of its sections, so a rubric's
address and a heading agree when they name the same place. Text that is not an address (``Results``,
``Softmax loss``) is matched against heading words instead.
"""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^\s*(?:question|problem|exercise|exercice|part|task|hw|ex|q)\s*\.?\s*(?=[0-9(A-Za-z])", re.IGNORECASE)
_TOKEN = re.compile(r"\(\s*([A-Za-z]{1,5}|\d{1,3})\s*\)|(\d{1,3})|([A-Za-z]+)|([.\s/\-:,)]+)")
_ROMAN = re.compile(r"^[ivx]{1,5}$")
#: Longest text read as an address.
MAX_ADDRESS = 40


def parse_address(text: str) -> tuple[str, ...] | None:
    """The components of an address (lower case), or None when ``text`` is not one."""
    text = text.strip()
    if not text or len(text) > MAX_ADDRESS:
        return None
    m = _PREFIX.match(text)
    if m and m.end() < len(text):
        rest = text[m.end() :]
        # "Part 4", "Q3", "Task 1", "Part A": the word names the level, the rest is the address
        if re.match(r"^\s*(?:\d|\(|[A-Za-z](?![A-Za-z]))", rest):
            text = rest
    out: list[str] = []
    pos = 0
    while pos < len(text):
        t = _TOKEN.match(text, pos)
        if t is None:
            return None
        pos = t.end()
        if t.group(4) is not None:
            continue  # separators
        if t.group(1) is not None:
            out.append(t.group(1).lower())
        elif t.group(2) is not None:
            out.append(str(int(t.group(2))))
        else:
            run = t.group(3).lower()
            if len(run) == 1 or _ROMAN.match(run):
                out.append(run)
            elif len(run) <= 6 and out and _split_letters(run) is not None:
                out.extend(_split_letters(run) or ())  # "3bii": b, ii
            else:
                return None  # a word: not an address
    return tuple(out) or None


def _split_letters(run: str) -> tuple[str, ...] | None:
    """``bii`` -> (b, ii): one label letter followed by a roman numeral."""
    if len(run) >= 2 and _ROMAN.match(run[1:]):
        return (run[0], run[1:])
    return None


def is_label(component: str) -> bool:
    """Whether a component is a letter or roman label rather than a number."""
    return not component.isdigit()
