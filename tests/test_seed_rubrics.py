"""Every rubric passes its own samples; each real seed gets the pinned verdict for every part."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from grader.grading import check_samples
from grader.grading.grade import grade_submission
from grader.rubric.loader import load_rubric

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path("/work/shared/seeds")
RUBRICS = sorted(glob.glob(str(ROOT / "rubrics" / "*.yaml")))

PINNED = {
    ("000_a90d74201a8809f1.txt", "ece449-a4.yaml"): {
        "1.dEdz": "correct", "2.E": "correct", "2.dEdB": "correct", "2.dEdW": "correct", "2.B1": "correct",
        "2.W1": "correct", "3.recurrence": "incorrect", "3.critical": "correct", "4.wb": "correct",
        "4.hyperplane": "correct", "5.1": "needs_review", "5.2": "needs_review", "5.3": "needs_review", "5.4": "needs_review",
    },
    ("001_1c8fddc7e1d39ef6.txt", "ece449-a3.yaml"): {
        "1.dLdK": "needs_review", "2.1": "needs_review", "2.2": "needs_review", "3.E": "correct",
        "3.m11": "incorrect", "3.w11": "incorrect", "4.wb": "correct", "4.hyperplane": "correct", "4.sv": "correct",
        "5.1": "needs_review", "6": "needs_review",
    },
    ("002_0c6c45e565c6da74.txt", "ml-hw4-modern-cnn.yaml"): {
        "1.1.a": "correct", "1.1.b": "correct", "1.2.a": "correct", "1.2.b": "correct", "1.3": "correct",
        "3.2": "needs_review",
    },
    ("003_0faae9380a816116.txt", "ammi-dl-a1.yaml"): {
        "1.sigmoid": "needs_review", "1.tanh": "needs_review", "1.relu": "needs_review", "2.1": "correct",
        "2.2": "correct", "2.3": "correct", "2.4": "correct", "4.2": "correct", "4.3": "correct",
    },
    ("004_39fc712d1b14448c.txt", "ntut-ml-hw6.yaml"): {
        "1": "needs_review", "2.idea": "needs_review", "2.KL": "correct", "3.w": "correct", "3.b": "correct",
        "3.lambda1": "correct", "3.lambda2": "correct", "4": "needs_review", "5": "needs_review",
    },
}


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: Path(p).name)
def test_rubric_self_test(path: str) -> None:
    count, failures = check_samples(load_rubric(path))
    assert count > 0
    assert not failures, [str(f) for f in failures]


CASES = [(seed, rub, part, verdict) for (seed, rub), parts in PINNED.items() for part, verdict in parts.items()]


@pytest.fixture(scope="module")
def reports() -> dict:
    return {}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="real seeds not available")
@pytest.mark.parametrize("seed,rubric,part,verdict", CASES)
def test_seed_verdict(seed: str, rubric: str, part: str, verdict: str, reports: dict) -> None:
    key = (seed, rubric)
    if key not in reports:
        rep = grade_submission((SEEDS / seed).read_text(encoding="utf-8"), load_rubric(ROOT / "rubrics" / rubric))
        reports[key] = {p.id: p.verdict for p in rep.parts}
    assert reports[key][part] == verdict
