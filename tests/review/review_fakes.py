"""A fake rubric with a math part and a prose part, and a grader that leaves to a person what the
real engine would (answers it cannot decide, prose), for the review tests.

A submission holds lines ``part: answer``. The math part's ``key`` decides some answers; any
other answer is undecided (``needs_review``), as the engine does when it cannot tell.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.model import Location, PartResult, Report, VerdictCache


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    points: float
    kind: str
    expected_latex: str | None = None
    model_answer: str | None = None
    key_ideas: tuple[str, ...] = ()
    key: tuple[tuple[str, str, float, str | None], ...] = ()  # (answer, verdict, fraction, diag)


@dataclass(frozen=True)
class Rubric:
    id: str
    version: str
    title: str
    parts: tuple[Part, ...]
    part_fingerprints: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(repr(sorted(self.part_fingerprints.items())).encode()).hexdigest()[:16]


def make_rubric(version: str = "1", *, change: tuple[str, ...] = ()) -> Rubric:
    """The rubric; ``change`` names parts edited (one point more), so their fingerprint changes."""
    parts = [
        Part("1.grad", "dE/dz", 2.0, "expression", expected_latex=r"\frac{1}{2x}",
             key=((r"\frac{1}{2x}", "correct", 1.0, None),
                  (r"\frac{x}{2}", "incorrect", 0.0, "RECIPROCAL"))),
        Part("2.why", "Why ReLU", 3.0, "prose", model_answer="ReLU passes no gradient for $z<0$.",
             key_ideas=("the derivative of ReLU is 0 for negative input",)),
    ]
    parts = [Part(p.id, p.title, p.points + 1, p.kind, p.expected_latex, p.model_answer,
                  p.key_ideas, p.key) if p.id in change else p for p in parts]
    fps = {p.id: hashlib.sha256(repr(p).encode()).hexdigest()[:12] for p in parts}
    return Rubric("fake-hw", version, "Fake homework", tuple(parts), fps)


def grade(text: str, rubric: Any, *, submission: str, cache: VerdictCache | None = None,
          only_parts: Collection[str] | None = None) -> Report:
    answers = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if ":" in line:
            k, v = line.split(":", 1)
            answers[k.strip()] = (v.strip(), n)
    out = []
    for p in rubric.parts:
        if only_parts is not None and p.id not in only_parts:
            continue
        got = answers.get(p.id)
        if got is None:
            out.append(PartResult(p.id, p.title, 0.0, p.points, "missing",
                                  expected=p.expected_latex or p.model_answer))
            continue
        ans, line = got
        if p.kind == "prose":
            out.append(PartResult(p.id, p.title, 0.0, p.points, "needs_review", answer=ans,
                                  location=Location(line), expected=p.model_answer,
                                  method="manual", feedback="Prose answer: graded by a person."))
            continue
        row = next((r for r in p.key if r[0].replace(" ", "") == ans.replace(" ", "")), None)
        if row is None:
            out.append(PartResult(p.id, p.title, 0.0, p.points, "needs_review", answer=ans,
                                  location=Location(line), expected=p.expected_latex,
                                  method="numeric", diagnosis="TIMEOUT",
                                  feedback="The grader could not decide; a person will check."))
        else:
            out.append(PartResult(p.id, p.title, p.points * row[2], p.points, row[1], answer=ans,
                                  location=Location(line), expected=p.expected_latex,
                                  method="symbolic", diagnosis=row[3]))
    return Report(submission=submission, rubric=rubric.id, parts=tuple(out),
                  rubric_version=rubric.version, title=rubric.title)


#: Who wrote what: three students share an undecided answer (two written differently), two
#: prose answers are the same text but for spacing and case.
CLASS = {
    "ana.tex": "1.grad: \\frac{1}{2} x^{-1}\n2.why: ReLU has zero gradient when $z<0$.\n",
    "ben.tex": "1.grad: \\frac{1}{2}x^{-1}\n2.why: relu has zero  gradient when $z<0$.\n",
    "cai.tex": "1.grad: \\frac{1}{2} x^{-1}\n2.why: It saturates.\n",
    "dee.tex": "1.grad: \\frac{x}{2}\n2.why: Because the slope is 0 on the left.\n",
    "eli.tex": "1.grad: \\frac{1}{2x}\n",
}


def write_class(root: Path, files: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in (files or CLASS).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def batch(klass: Path, book: Path, rubric: Rubric, **kw: object) -> object:
    from grader.batch import BatchSettings, Engine, run_batch

    settings = BatchSettings(gradebook=book, jobs=1, progress=False, **kw)  # type: ignore[arg-type]
    return run_batch(klass, rubric, settings, engine=Engine(grade=grade))
