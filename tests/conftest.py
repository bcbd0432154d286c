"""Shared fixtures: paths to the project's rubrics and to ../shared when it is present."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
RUBRICS = ROOT / "rubrics"


@pytest.fixture(scope="session")
def a4_rubric():  # type: ignore[no-untyped-def]
    from grader.rubric import load_rubric

    return load_rubric(RUBRICS / "ece449-a4.yaml")
