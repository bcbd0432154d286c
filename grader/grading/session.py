"""One grading run's parses and comparisons: each distinct text parsed once, each distinct
comparison made once (and, through the class-wide cache, once for the whole class).

The session is the only place grading calls the parser and the comparer, so "parse calls equal
distinct texts" holds by construction and the bench can count both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from grader.compare.engine import CompareOptions, compare, compare_follow_through
from grader.latex import parse as latex_parse
from grader.latex.context import SymbolContext
from grader.latex.parsed import Parsed, ParseFailure, content_key
from grader.model import Outcome, Verdict, VerdictCache


@dataclass
class GradingStats:
    """What a grading run cost: boundary parse and compare calls, and how many were distinct."""

    parse_calls: int = 0
    compare_calls: int = 0
    cache_hits: int = 0
    texts: set[tuple[str, SymbolContext]] = field(default_factory=set)
    pairs: set[str] = field(default_factory=set)

    @property
    def distinct_texts(self) -> int:
        return len(self.texts)

    @property
    def distinct_pairs(self) -> int:
        return len(self.pairs)


class GradingSession:
    """Parses and comparisons for one submission (or one rubric's samples)."""

    def __init__(self, cache: VerdictCache | None = None, stats: GradingStats | None = None) -> None:
        self.cache = cache
        self.stats = stats if stats is not None else GradingStats()
        self._parsed: dict[tuple[str, SymbolContext], Parsed | ParseFailure] = {}
        self._verdicts: dict[str, Verdict] = {}

    def parse(self, text: str, context: SymbolContext) -> Parsed | ParseFailure:
        """The parse of ``text`` in ``context``, made once per session."""
        key = (text, context)
        hit = self._parsed.get(key)
        if hit is None:
            self.stats.parse_calls += 1
            self.stats.texts.add(key)
            hit = latex_parse.parse_latex(text, context)
            self._parsed[key] = hit
        return hit

    def compare(self, student: Parsed | ParseFailure, reference: Parsed, *, context: SymbolContext,
                options: CompareOptions, scope: str) -> Verdict:
        """The verdict for ``student`` against ``reference``, from the caches when it was made before.

        ``scope`` names what else decides the verdict (a part's fingerprint: its context and
        options); the key is that and the normalised content of both values, never their text.
        """
        if isinstance(student, ParseFailure):
            return Verdict.invalid(student.message, student.span)
        key = comparison_key(scope, reference, student)
        return self._cached(key, lambda: compare(student, reference, context, options=options))

    def compare_follow_through(self, student: Parsed | ParseFailure, template: Parsed, bindings: tuple[tuple[str, Parsed], ...], *,
                               context: SymbolContext, options: CompareOptions, scope: str) -> Verdict:
        """Like ``compare``, against ``template`` with the student's earlier values put in."""
        if isinstance(student, ParseFailure):
            return Verdict.invalid(student.message, student.span)
        bound = "|".join(f"{name}={value_key(v)}" for name, v in bindings)
        key = comparison_key(f"{scope}|follow|{bound}", template, student)
        return self._cached(key, lambda: compare_follow_through(student, template, bindings, context, options=options))

    def _cached(self, key: str, make: Callable[[], Verdict]) -> Verdict:
        hit = self._verdicts.get(key)
        if hit is None and self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                self.stats.cache_hits += 1
        if hit is None:
            self.stats.compare_calls += 1
            self.stats.pairs.add(key)
            hit = make()
            if self.cache is not None and hit.diagnosis != "TIMEOUT":
                self.cache.put(key, hit)
        self._verdicts[key] = hit
        return hit

    def equal(self, student: Parsed | ParseFailure, reference: Parsed, *, context: SymbolContext,
              options: CompareOptions, scope: str) -> bool:
        return self.compare(student, reference, context=context, options=options, scope=scope).outcome is Outcome.CORRECT


def comparison_key(scope: str, reference: Parsed, student: Parsed) -> str:
    """The cache key of a comparison: what decides it, by normalised content."""
    text = f"{scope}|{value_key(reference)}|{value_key(student)}"
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def value_key(value: Parsed) -> str:
    """A value's normalised content (made where it was parsed; made here for values built in
    this process, such as derived expected answers)."""
    return f"{type(value).__name__}:{value.key or content_key(value)}"
