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


@pytest.fixture(scope="session", autouse=True)
def _compiled_rubrics_in_a_temporary_folder(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The compiled-rubric cache of the test run lives in a temporary folder, not in ~/.cache."""
    import os

    folder = tmp_path_factory.mktemp("compiled-rubrics")
    old = os.environ.get("GRADER_CACHE_DIR")
    os.environ["GRADER_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("GRADER_CACHE_DIR", None)
    else:
        os.environ["GRADER_CACHE_DIR"] = old
