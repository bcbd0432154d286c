"""Fake rubrics and grade functions for the batch tests (the real engine is injected the same way).

A fake submission holds lines ``part: answer``. The fake grader looks each answer up in the
part's ``key`` ({answer: (verdict, points fraction, diagnosis)}), through the VerdictCache, and
appends the student to ``$BATCH_FAKE_LOG`` (if set) each time it grades, so tests can count.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from grader.model import Outcome, PartResult, Report, Verdict, VerdictCache


@dataclass(frozen=True)
class FakePart:
    id: str
    title: str
    points: float
    expected: str
    key: tuple[tuple[str, str, float, str | None], ...] = ()  # (answer, verdict, fraction, diag)


@dataclass(frozen=True)
class FakeRubric:
    id: str
    version: str
    title: str
    parts: tuple[FakePart, ...]
    part_fingerprints: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    path: str = field(default="", compare=False)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(repr(sorted(self.part_fingerprints.items())).encode()).hexdigest()[:16]


def make_rubric(version: str = "1", *, change: str | tuple[str, ...] = ()) -> FakeRubric:
    """A two-part rubric; ``change`` names parts worth one point more (a rubric edit)."""
    parts = [
        FakePart("a", "derivative", 2.0, "2x",
                 (("2x", "correct", 1.0, None), ("2*x", "correct", 1.0, None),
                  ("x/2", "incorrect", 0.0, "RECIPROCAL"), ("1/(2x)", "incorrect", 0.0, "RECIPROCAL"),
                  ("-2x", "incorrect", 0.0, "SIGN"))),
        FakePart("b", "gradient", 3.0, "y-t",
                 (("y-t", "correct", 1.0, None), ("t-y", "partial", 0.5, "SIGN"))),
    ]
    if change:
        parts = [FakePart(p.id, p.title, p.points + 1, p.expected, p.key) if p.id in change else p
                 for p in parts]
    fps = {p.id: hashlib.sha256(repr(p).encode()).hexdigest()[:12] for p in parts}
    return FakeRubric("hw1", version, "Homework 1", tuple(parts), fps)


def rubric_yaml(version: str = "1", change: tuple[str, ...] = ()) -> str:
    """The fake rubric as a file's text (a remote worker gets rubrics as text)."""
    return yaml.safe_dump({"version": version, "change": list(change)})


def load_rubric_text(text: str, path: str) -> FakeRubric:
    data = yaml.safe_load(text)
    return replace(make_rubric(str(data["version"]), change=tuple(data["change"])), path=path)


def load_rubric(path: str | Path) -> FakeRubric:
    return load_rubric_text(Path(path).read_text(encoding="utf-8"), str(path))


def _log(student: str, parts: Collection[str] | None) -> None:
    path = os.environ.get("BATCH_FAKE_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{student}\t{','.join(sorted(parts)) if parts is not None else '*'}\n")


def grade_canned(text: str, rubric: Any, *, submission: str, cache: VerdictCache | None = None,
                 only_parts: Collection[str] | None = None) -> Report:
    answers = {}
    for line in text.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            answers[k.strip()] = v.strip()
    _log(submission, only_parts)
    delay = float(os.environ.get("BATCH_FAKE_DELAY", "0"))
    if delay:
        time.sleep(delay)
    results = []
    for part in rubric.parts:
        if only_parts is not None and part.id not in only_parts:
            continue
        ans = answers.get(part.id)
        if ans is None:
            results.append(PartResult(part.id, part.title, 0.0, part.points, "missing",
                                      expected=part.expected))
            continue
        key = f"{part.id}\x00{ans.replace(' ', '')}"
        v = cache.get(key) if cache is not None else None
        if v is None:
            row = next((r for r in part.key if r[0] == ans.replace(" ", "")), None)
            if row is None:
                v = Verdict.incorrect("numeric", None, "not equal to the expected answer")
            elif row[1] == "correct":
                v = Verdict(outcome=Outcome.CORRECT, method="symbolic", diagnosis=row[3], evidence=row[1])
            else:
                v = Verdict.incorrect("symbolic", row[3], f"{row[3]}: check it", evidence=row[1])
            if cache is not None:
                cache.put(key, v)
        row = next((r for r in part.key if r[0] == ans.replace(" ", "")), None)
        verdict, frac = (row[1], row[2]) if row else ("incorrect", 0.0)
        results.append(PartResult(part.id, part.title, part.points * frac, part.points, verdict,
                                  answer=ans, expected=part.expected, method=v.method,
                                  feedback=v.feedback, diagnosis=v.diagnosis))
    return Report(submission=submission, rubric=rubric.id, parts=tuple(results),
                  rubric_version=rubric.version, title=rubric.title)


def grade_hang_for_bob(text: str, rubric: Any, *, submission: str,
                       cache: VerdictCache | None = None,
                       only_parts: Collection[str] | None = None) -> Report:
    if "HANG" in text:
        while True:
            time.sleep(1)
    return grade_canned(text, rubric, submission=submission, cache=cache, only_parts=only_parts)


def grade_hog(text: str, rubric: Any, *, submission: str, cache: VerdictCache | None = None,
              only_parts: Collection[str] | None = None) -> Report:
    if "HOG" in text:
        hoard = []
        while True:
            hoard.append(bytearray(16 * 1024 * 1024))
    return grade_canned(text, rubric, submission=submission, cache=cache, only_parts=only_parts)


def grade_crash(text: str, rubric: Any, *, submission: str, cache: VerdictCache | None = None,
                only_parts: Collection[str] | None = None) -> Report:
    if "CRASH" in text:
        raise ZeroDivisionError("boom")
    if "DIE" in text:
        os._exit(3)
    return grade_canned(text, rubric, submission=submission, cache=cache, only_parts=only_parts)


def grade_any_failure(text: str, rubric: Any, *, submission: str, cache: VerdictCache | None = None,
                      only_parts: Collection[str] | None = None) -> Report:
    """Every way a submission can go wrong in a worker: HANG, HOG, CRASH, DIE (else canned)."""
    grade = (grade_hang_for_bob if "HANG" in text else grade_hog if "HOG" in text
             else grade_crash)
    return grade(text, rubric, submission=submission, cache=cache, only_parts=only_parts)


def load_rubric_text_skewed(text: str, path: str) -> FakeRubric:
    """A node whose grader reads the same rubric otherwise (another version installed)."""
    rubric = load_rubric_text(text, path)
    return replace(make_rubric(rubric.version, change=("a",)), path=path)
