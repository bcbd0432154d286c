"""Result values shared by every layer: a comparison's Verdict, a part's PartResult, a Report.

They are frozen dataclasses so that a result, once made, is a value: it can be cached,
compared, pickled to a worker and back, and stored in the gradebook without surprises.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from grader.spans import point_at


class PartVerdict(StrEnum):
    """What a graded part gets (CONTRACT.md); a str, so JSON, SQLite and CSV see the word."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    MISSING = "missing"
    UNPARSED = "unparsed"
    NEEDS_REVIEW = "needs_review"


#: Verdicts a graded part can get, in the order reports list them.
PART_VERDICTS = tuple(v.value for v in PartVerdict)


class Outcome(StrEnum):
    """The result of one comparison: equal, not equal, cannot tell, or the answer does not read."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    UNDECIDED = "undecided"  # a time limit, too few evaluable points, an author problem
    INVALID = "invalid"  # the student's answer does not parse (not the same as wrong)


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """Whether an answer equals the expected one, how that was decided, and what is wrong.

    ``note`` is a stable code (``SIGN``, ``FACTOR:2``, ``RECIPROCAL``, ``TRANSPOSE``,
    ``MISSING_TERM``, ``EXTRA_TERM``, ``LOG_BASE``, ``SHAPE``, ``ROUNDING``, ``TIMEOUT``,
    ``UNPARSED``...) so that a class report can count them; ``feedback`` is the sentence shown
    to the student, ``evidence`` what the instructor sees, ``error`` why it could not be
    decided, ``span`` the offending part of the student's text.
    """

    outcome: Outcome
    method: str = "none"
    diagnosis: str | None = None
    feedback: str | None = None
    evidence: str | None = None
    error: str | None = None
    span: tuple[int, int] | None = None

    @property
    def equivalent(self) -> bool | None:
        """The three-valued answer of CONTRACT.md's ``grade compare``: None when not decided."""
        if self.outcome is Outcome.CORRECT:
            return True
        if self.outcome is Outcome.INCORRECT:
            return False
        return None

    @classmethod
    def correct(cls, method: str, *, evidence: str | None = None) -> Verdict:
        return cls(outcome=Outcome.CORRECT, method=method, evidence=evidence)

    @classmethod
    def incorrect(cls, method: str, diagnosis: str | None = None, feedback: str | None = None, *,
                  evidence: str | None = None) -> Verdict:
        return cls(outcome=Outcome.INCORRECT, method=method, diagnosis=diagnosis, feedback=feedback, evidence=evidence)

    @classmethod
    def undecided(cls, diagnosis: str, error: str, *, method: str = "none") -> Verdict:
        return cls(outcome=Outcome.UNDECIDED, method=method, diagnosis=diagnosis, error=error)

    @classmethod
    def invalid(cls, error: str, span: tuple[int, int] | None) -> Verdict:
        return cls(outcome=Outcome.INVALID, diagnosis="UNPARSED", feedback="Your answer could not be read.", error=error, span=span)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["outcome"] = self.outcome.value
        out["equivalent"] = self.equivalent
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verdict:
        span = data.get("span")
        return cls(outcome=Outcome(data["outcome"]), method=data.get("method", "none"), diagnosis=data.get("diagnosis"),
                   feedback=data.get("feedback"), evidence=data.get("evidence"), error=data.get("error"),
                   span=tuple(span) if span is not None else None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Location:
    """Where an answer was found in the submission (1-based line, and the section heading), and
    for an answer that does not parse, the offending characters of the answer text (``span``)."""

    line: int | None = None
    section: str | None = None
    span: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line}
        if self.section:
            out["section"] = self.section
        if self.span is not None:
            out["span"] = list(self.span)
        return out

    def pointer(self, answer: str | None) -> tuple[str, str] | None:
        """The line of ``answer`` holding ``span`` and a caret line under it (None without a span)."""
        if self.span is None or not answer:
            return None
        return point_at(answer, self.span)


@dataclass(frozen=True)
class PartResult:
    """The grade of one rubric part."""

    id: str
    title: str
    points: float
    max_points: float
    verdict: PartVerdict
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
