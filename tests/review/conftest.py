"""Fixtures for the review tests: a small graded class in a gradebook (fake engine)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import review_fakes  # noqa: E402

from grader.batch import run_batch  # noqa: E402

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


def batch(klass: Path, book: Path, rubric: review_fakes.Rubric, **kw: object) -> object:
    return run_batch(klass, rubric, gradebook=book, jobs=1, grade_fn=review_fakes.grade,
                     progress=False, **kw)  # type: ignore[arg-type]


@pytest.fixture
def graded(tmp_path: Path) -> Path:
    """A gradebook of CLASS graded against the fake rubric."""
    book = tmp_path / "gb.sqlite"
    batch(write_class(tmp_path / "class"), book, review_fakes.make_rubric())
    return book
