"""A rubric's own tests: every sample answer must get the verdict (and points) it states."""

from __future__ import annotations

from dataclasses import dataclass

from grader.grading.grade import grade_answer
from grader.grading.session import GradingSession
from grader.model import MemoryCache
from grader.rubric.model import Rubric


@dataclass(frozen=True)
class SampleFailure:
    part: str
    answer: str
    wanted: str
    got: str
    line: int | None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}part {self.part}: sample {self.answer!r} should be {self.wanted} but is {self.got}"


def check_samples(rubric: Rubric) -> tuple[int, list[SampleFailure]]:
    """(number of samples run, failures)."""
    session = GradingSession(MemoryCache())
    failures: list[SampleFailure] = []
    count = 0
    for part in rubric.parts:
        for sample in part.samples:
            count += 1
            if part.kind == "prose":
                got_verdict, got_points = "needs_review", 0.0
            else:
                assert sample.parsed is not None
                r = grade_answer(part, sample.answer, sample.parsed, session=session).result
                got_verdict, got_points = r.verdict, r.points
            ok = got_verdict == sample.verdict and (sample.points is None or abs(got_points - sample.points) < 1e-6)
            if not ok:
                wanted = sample.verdict + (f" ({sample.points:g} pts)" if sample.points is not None else "")
                failures.append(SampleFailure(part.id, sample.answer, wanted, f"{got_verdict} ({got_points:g} pts)", sample.line))
    return count, failures
