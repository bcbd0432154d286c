"""Low-level LaTeX scanning: balanced groups, top-level splitting, line numbers.

Everything here is iterative (no recursion, so 5000 nested braces are harmless) and linear in
the text it looks at; callers pass a ``limit`` where an unclosed group could otherwise make a
search run to the end of a large document again and again.
"""

from __future__ import annotations

import bisect
import re

_BRACE = re.compile(r"\\.|[{}]", re.DOTALL)
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)\*?")
_ENV = re.compile(r"\\(begin|end)\s*\{([A-Za-z*]+)\}")

#: Longest stretch a balanced group is searched for before giving up.
DEFAULT_GROUP_LIMIT = 200_000


def group_end(text: str, start: int, limit: int = DEFAULT_GROUP_LIMIT) -> int:
    """Index just after the ``}`` closing the ``{`` at ``start``, or -1 when unclosed.

    Escaped braces (``\\{``) do not count. At most ``limit`` characters are examined.
    """
    if start >= len(text) or text[start] != "{":
        return -1
    depth = 0
    stop = min(len(text), start + limit)
    for m in _BRACE.finditer(text, start, stop):
        tok = m.group()
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


def read_group(text: str, pos: int, limit: int = DEFAULT_GROUP_LIMIT) -> tuple[str, int] | None:
    """Read a ``{...}`` group at ``pos`` (after optional spaces): (content, end) or None."""
    i = skip_spaces(text, pos)
    end = group_end(text, i, limit)
    if end < 0:
        return None
    return text[i + 1 : end - 1], end


def read_argument(text: str, pos: int) -> tuple[str, int] | None:
    """One TeX macro argument at ``pos``: a braced group or a single token."""
    i = skip_spaces(text, pos)
    if i >= len(text):
        return None
    if text[i] == "{":
        return read_group(text, i)
    if text[i] == "\\":
        m = _CONTROL_WORD.match(text, i)
        if m:
            return m.group(), m.end()
        return text[i : i + 2], min(len(text), i + 2)
    if text[i] == "}":
        return None
    return text[i], i + 1


def skip_spaces(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in " \t\n":
        pos += 1
    return pos


def strip_outer_braces(s: str) -> str:
    """``{x}`` -> ``x`` when the braces enclose the whole string (repeatedly)."""
    s = s.strip()
    while len(s) >= 2 and s[0] == "{" and group_end(s, 0) == len(s):
        s = s[1:-1].strip()
    return s


def sole_environment(s: str) -> tuple[str, str] | None:
    """(name, body) when ``s`` is exactly one ``\\begin{name}...\\end{name}``."""
    s = s.strip()
    m = _ENV.match(s)
    if not m or m.group(1) != "begin":
        return None
    name = m.group(2)
    end = environment_end(s, m.end(), name)
    if end != len(s):
        return None
    close = s.rfind("\\end")
    return name, s[m.end() : close]


def environment_end(s: str, pos: int, name: str) -> int:
    """Index after the ``\\end{name}`` matching a ``\\begin{name}`` ending at ``pos``; -1 if none."""
    depth = 1
    for m in _ENV.finditer(s, pos):
        if m.group(2) != name:
            continue
        depth += 1 if m.group(1) == "begin" else -1
        if depth == 0:
            return m.end()
    return -1


_TOPLEVEL = re.compile(
    r"\\(?:begin|end)\s*\{[A-Za-z*]+\}|\\left(?![A-Za-z])|\\right(?![A-Za-z])|\\\\|\\.|[{}()\[\]]",
    re.DOTALL,
)


def toplevel_positions(
    s: str, pattern: re.Pattern[str], *, brackets: bool = True
) -> list[re.Match[str]]:
    """Matches of ``pattern`` in ``s`` that lie outside every group.

    Groups are braces, ``\\left..\\right``, environments and, when ``brackets`` is true,
    parentheses and square brackets. ``pattern`` is tried at each top-level position where a
    structural token does not start. If brackets turn out unbalanced (an interval like
    ``[0, 1)``), the scan is repeated with brackets ignored.
    """
    matches, balanced = _toplevel_scan(s, pattern, brackets)
    if brackets and not balanced:
        matches, _ = _toplevel_scan(s, pattern, False)
    return matches


_COMBINED: dict[tuple[str, int], re.Pattern[str]] = {}


def _combined(pattern: re.Pattern[str]) -> re.Pattern[str]:
    key = (pattern.pattern, pattern.flags)
    rx = _COMBINED.get(key)
    if rx is None:
        rx = re.compile(f"(?P<hit>{pattern.pattern})|(?P<tok>{_TOPLEVEL.pattern})", pattern.flags | re.DOTALL)
        _COMBINED[key] = rx
    return rx


def _toplevel_scan(
    s: str, pattern: re.Pattern[str], brackets: bool
) -> tuple[list[re.Match[str]], bool]:
    out: list[re.Match[str]] = []
    depth = 0
    bracket_depth = 0
    balanced = True
    skip_delim = False
    for m in _combined(pattern).finditer(s):
        hit = m.group("hit")
        if hit is not None:
            skip_delim = False
            if depth == 0 and bracket_depth == 0 and hit:
                sub = pattern.match(s, m.start())
                if sub is not None:
                    out.append(sub)
            continue
        tok = m.group("tok")
        if skip_delim:
            skip_delim = False
            if tok in "()[]":
                continue
        if tok == "{" or tok.startswith("\\begin") or tok == "\\left":
            depth += 1
            skip_delim = tok == "\\left"
        elif tok == "}" or tok.startswith("\\end") or tok == "\\right":
            if depth > 0:
                depth -= 1
            else:
                balanced = False
            skip_delim = tok == "\\right"
        elif brackets and tok in "([":
            bracket_depth += 1
        elif brackets and tok in ")]":
            if bracket_depth > 0:
                bracket_depth -= 1
            else:
                balanced = False
    if bracket_depth:
        balanced = False
    return out, balanced


def split_toplevel(s: str, pattern: re.Pattern[str], *, brackets: bool = True) -> list[tuple[str, int, str]]:
    """Split ``s`` at top-level matches of ``pattern``: [(piece, offset, separator_before)]."""
    pieces: list[tuple[str, int, str]] = []
    last = 0
    sep = ""
    for m in toplevel_positions(s, pattern, brackets=brackets):
        pieces.append((s[last : m.start()], last, sep))
        sep = m.group()
        last = m.end()
    pieces.append((s[last:], last, sep))
    return pieces


class LineIndex:
    """Offsets to 1-based line numbers in O(log n)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def start(self, line: int) -> int:
        return self._starts[line - 1]

    @property
    def count(self) -> int:
        return len(self._starts)


class BraceIndex:
    """Every balanced ``{..}`` of a text, found in one pass: O(1) group lookups afterwards.

    Used where many groups may be unclosed (``\\def\\a{`` repeated), which would make a scan per
    group quadratic.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._close: dict[int, int] = {}
        stack: list[int] = []
        for m in _BRACE.finditer(text):
            tok = m.group()
            if tok == "{":
                stack.append(m.start())
            elif tok == "}" and stack:
                self._close[stack.pop()] = m.end()

    def group(self, pos: int) -> tuple[str, int] | None:
        """The ``{...}`` group at ``pos`` (after optional spaces): (content, end) or None."""
        i = skip_spaces(self.text, pos)
        end = self._close.get(i)
        if end is None:
            return None
        return self.text[i + 1 : end - 1], end
