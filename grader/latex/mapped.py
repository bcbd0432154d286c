"""Text that remembers where each character came from, so errors point into the original.

Every normalisation step rewrites a ``Mapped`` into a new one; ``origin[i]`` is the offset in
the caller's text of output character ``i`` (inserted characters take the offset of the match
they replace).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Mapped:
    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Mapped:
        return cls(text, tuple(range(len(text))))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text covering output characters ``start:end``."""
        if not self.origin:
            return (0, 0)
        start = min(max(start, 0), len(self.origin) - 1)
        end = min(max(end, start + 1), len(self.origin))
        return (self.origin[start], self.origin[end - 1] + 1)

    def sub(self, pattern: str | re.Pattern[str], repl: str | Callable[[re.Match[str]], str], flags: int = 0) -> Mapped:
        """``re.sub`` that keeps the origin map; unchanged text keeps its offsets."""
        regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        out: list[str] = []
        origin: list[int] = []
        last = 0
        for m in regex.finditer(self.text):
            out.append(self.text[last : m.start()])
            origin.extend(self.origin[last : m.start()])
            new = repl(m) if callable(repl) else m.expand(repl)
            out.append(new)
            anchor = self.origin[m.start()] if m.start() < len(self.origin) else (self.origin[-1] + 1 if self.origin else 0)
            # Characters kept from the match (a common case: a wrapper removed) keep their place.
            if new and new in m.group(0):
                base = m.group(0).index(new) + m.start()
                origin.extend(self.origin[base : base + len(new)])
            else:
                origin.extend([anchor] * len(new))
            last = m.end()
        out.append(self.text[last:])
        origin.extend(self.origin[last:])
        return Mapped("".join(out), tuple(origin))

    def strip(self) -> Mapped:
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return Mapped(self.text[left:right], self.origin[left:right])

    def slice(self, start: int, end: int) -> Mapped:
        return Mapped(self.text[start:end], self.origin[start:end])


class Builder:
    """Accumulates output text piece by piece, each piece with its origin offset."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._origin: list[int] = []

    def add(self, text: str, origin: int | tuple[int, ...]) -> None:
        self._parts.append(text)
        if isinstance(origin, tuple):
            self._origin.extend(origin)
        else:
            self._origin.extend([origin] * len(text))

    def build(self) -> Mapped:
        return Mapped("".join(self._parts), tuple(self._origin))
