"""The rubric as values: an assignment's problems and parts, what each part expects, how it
gives partial credit, and the samples it must grade as stated.

Frozen dataclasses, built by ``loader.load_rubric``; nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grader.compare.engine import CompareOptions
from grader.latex.context import SymbolContext
from grader.latex.parsed import Parsed, ParseFailure

KINDS = ("expression", "equation", "matrix", "number", "set", "shape", "system", "prose")


@dataclass(frozen=True)
class Response:
    """A specific answer (usually a typical wrong one) with its points and feedback."""

    answer: str
    parsed: Parsed
    points: float
    feedback: str
    verdict: str = "partial"


@dataclass(frozen=True)
class Credit:
    """Partial credit rules, as fractions of the part's points."""

    #: per diagnosis code prefix (SIGN, FACTOR, RECIPROCAL, TRANSPOSE, MISSING_TERM, ...)
    diagnosis: tuple[tuple[str, float], ...] = ()
    #: final answer right but a step of the chain wrong
    wrong_step: float = 1.0
    #: a step of the chain equals the expected answer but the final statement does not
    right_step_wrong_final: float = 0.5

    def for_diagnosis(self, code: str | None) -> float | None:
        if not code:
            return None
        head = code.split(":", 1)[0]
        for key, value in self.diagnosis:
            if key == code or key == head:
                return value
        return None


@dataclass(frozen=True)
class FollowThrough:
    """Grade against the student's own earlier values: ``uses`` maps a symbol in ``expected``
    to the part whose student answer it stands for."""

    uses: tuple[tuple[str, str], ...]
    expected: str
    template: Parsed
    credit: float = 1.0


@dataclass(frozen=True)
class Sample:
    """An answer the rubric must grade with this verdict and these points (its own tests)."""

    answer: str
    verdict: str
    points: float | None = None
    line: int | None = None
    #: the answer as parsed when the rubric loaded (None for prose parts)
    parsed: Parsed | ParseFailure | None = None


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    points: float
    kind: str
    problem: str
    targets: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    expected_latex: str | None = None
    expected: Parsed | None = None
    derived_from: str | None = None
    context: SymbolContext = field(default_factory=SymbolContext)
    options: CompareOptions = field(default_factory=CompareOptions)
    prefer: str = "final"
    #: the answer is the N-th display block of the part's section (1-based; negative from the end)
    block: int | None = None
    #: a regular expression over the section's prose whose first group is the answer (for
    #: answers written as text, e.g. "flatten this tensor to (1 x 21632)")
    text_pattern: str | None = None
    check_steps: bool = True
    credit: Credit = field(default_factory=Credit)
    responses: tuple[Response, ...] = ()
    follow_through: FollowThrough | None = None
    samples: tuple[Sample, ...] = ()
    model_answer: str | None = None
    key_ideas: tuple[str, ...] = ()
    fingerprint: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Problem:
    id: str
    title: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    course: str
    version: str
    identify: tuple[str, ...]
    problems: tuple[Problem, ...]
    context: SymbolContext
    path: str = ""
    fingerprint: str = ""
    derivations: tuple[tuple[str, Any], ...] = ()

    @property
    def parts(self) -> tuple[Part, ...]:
        return tuple(p for prob in self.problems for p in prob.parts)

    @property
    def part_fingerprints(self) -> dict[str, str]:
        return {p.id: p.fingerprint for p in self.parts}

    def part(self, part_id: str) -> Part:
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)

    @property
    def max_score(self) -> float:
        return sum(p.points for p in self.parts)
