"""Result values shared by every layer: a comparison's Verdict, a part's PartResult, a Report.

They are frozen dataclasses so that a result, once made, is a value: it can be cached,
compared, pickled to a worker and back, and stored in the gradebook without surprises.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

#: Verdicts a graded part can get (CONTRACT.md).
PART_VERDICTS = ("correct", "partial", "incorrect", "missing", "unparsed", "needs_review")


@dataclass(frozen=True)
class Verdict:
    """Whether an answer equals the expected one, how that was decided, and what is wrong.

    ``equivalent`` is three-valued: None means "could not tell" (a time limit, an undecidable
    case, input that does not parse) and ``error`` then says why in one line. ``diagnosis`` is a
    stable note code (``SIGN``, ``FACTOR:2``, ``RECIPROCAL``, ``TRANSPOSE``, ``MISSING_TERM``,
    ``EXTRA_TERM``, ``LOG_BASE``, ``SHAPE``, ``ROUNDING``, ``TIMEOUT``, ``UNPARSED``...) so that
    a class report can count them; ``feedback`` is the sentence shown to the student.
    """

    equivalent: bool | None
    method: str = "none"
    diagnosis: str | None = None
    feedback: str | None = None
    evidence: str | None = None
    error: str | None = None
    span: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Location:
    """Where an answer was found in the submission (1-based line, and the section heading)."""

    line: int | None = None
    section: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line}
        if self.section:
            out["section"] = self.section
        return out


@dataclass(frozen=True)
class PartResult:
    """The grade of one rubric part."""

    id: str
    title: str
    points: float
    max_points: float
    verdict: str
    answer: str | None = None
    location: Location = field(default_factory=Location)
    expected: str | None = None
    method: str = "none"
    feedback: str | None = None
    diagnosis: str | None = None
    problem: str | None = None
    alternatives: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "points": self.points,
            "max_points": self.max_points,
            "verdict": self.verdict,
            "answer": self.answer,
            "location": self.location.to_json(),
            "expected": self.expected,
            "method": self.method,
            "feedback": self.feedback,
            "diagnosis": self.diagnosis,
            "problem": self.problem,
            "alternatives": list(self.alternatives),
            "steps": list(self.steps),
        }


@dataclass(frozen=True)
class Report:
    """One submission graded against one rubric."""

    submission: str
    rubric: str
    parts: tuple[PartResult, ...]
    warnings: tuple[str, ...] = ()
    rubric_version: str = ""
    title: str = ""

    @property
    def score(self) -> float:
        return round(sum(p.points for p in self.parts), 4)

    @property
    def max_score(self) -> float:
        return round(sum(p.max_points for p in self.parts), 4)

    def to_json(self) -> dict[str, Any]:
        return {
            "submission": self.submission,
            "rubric": self.rubric,
            "rubric_version": self.rubric_version,
            "score": self.score,
            "max_score": self.max_score,
            "parts": [p.to_json() for p in self.parts],
            "warnings": list(self.warnings),
        }


class VerdictCache(Protocol):
    """Where grading looks up and stores comparisons, keyed by part and normalised answer.

    A batch shares one across the class so that the same answer is compared only once.
    """

    def get(self, key: str) -> Verdict | None: ...

    def put(self, key: str, verdict: Verdict) -> None: ...


class MemoryCache:
    """A VerdictCache in a dict, for one process."""

    def __init__(self) -> None:
        self._store: dict[str, Verdict] = {}

    def get(self, key: str) -> Verdict | None:
        return self._store.get(key)

    def put(self, key: str, verdict: Verdict) -> None:
        self._store[key] = verdict
