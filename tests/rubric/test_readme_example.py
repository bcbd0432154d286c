"""The rubric in README.md's "Rubric format" section is valid and passes its own samples."""

from __future__ import annotations

import re
from pathlib import Path

from grader.grading import check_samples
from grader.rubric import load_rubric_text

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_rubric_example_loads_and_checks() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Rubric format"):]
    example = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert example, "README has no yaml example under 'Rubric format'"
    rubric = load_rubric_text(example.group(1), "README.md")
    assert {p.id for p in rubric.parts} >= {"1.dEdz", "2.dEdB", "2.B1", "2.W11", "2.explain"}
    count, failures = check_samples(rubric)
    assert count >= 2 and not failures, [str(f) for f in failures]
