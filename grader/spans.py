"""Showing a span of text: the line that holds it and a caret line under it (PrairieLearn style).

The lowest layer: errors (a parse error's pointer) and model (a report's unreadable answer) both
draw carets the same way.
"""

from __future__ import annotations


def point_at(text: str, span: tuple[int, int]) -> tuple[str, str]:
    """The line of ``text`` holding ``span`` and a caret line under the span."""
    start = min(max(span[0], 0), len(text))
    end = max(span[1], start + 1)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    width = max(1, min(end, line_start + len(line)) - start)
    return line, " " * (start - line_start) + "^" * width
