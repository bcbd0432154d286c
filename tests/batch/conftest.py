"""Fixtures for the batch tests: a small class on disk and the fake rubric."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import batch_fakes  # noqa: E402

CLASS = {
    "alice.tex": "a: 2x\nb: y-t\n",
    "bob.tex": "a: x/2\nb: t-y\n",
    "carol.md": "a: 1/(2x)\nb: y-t\n",
    "dan.txt": "a: -2x\nb: t - y\n",
    "erin.tex": "a: 2*x\n",
}


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    return write_files(tmp_path / "class", CLASS)


@pytest.fixture
def rubric() -> batch_fakes.FakeRubric:
    return batch_fakes.make_rubric()


@pytest.fixture
def fake_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "graded.log"
    monkeypatch.setenv("BATCH_FAKE_LOG", str(log))
    return log


def read_log(log: Path) -> list[tuple[str, str]]:
    if not log.exists():
        return []
    return [tuple(line.split("\t")) for line in log.read_text().splitlines()]  # type: ignore[misc]
