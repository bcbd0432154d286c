"""Fixtures for the review tests: a small graded class in a gradebook (fake engine)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from review_fakes import batch, make_rubric, write_class  # noqa: E402


@pytest.fixture
def graded(tmp_path: Path) -> Path:
    """A gradebook of CLASS graded against the fake rubric."""
    book = tmp_path / "gb.sqlite"
    batch(write_class(tmp_path / "class"), book, make_rubric())
    return book
