"""The compiled-rubric cache: a second load of the same rubric text skips derivations and parses,
gives the same rubric, and never uses an entry made from other text or by another engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.rubric import compiled, load_rubric
from grader.rubric import loader as rubric_loader

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rubric_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "a4.yaml"
    shutil.copy(ROOT / "rubrics" / "ece449-a4.yaml", path)
    return path


def _no_derivations(*_: object, **__: object) -> object:
    raise AssertionError("a compiled rubric must not derive again")


def test_second_load_comes_from_the_cache(rubric_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_rubric(rubric_copy)
    monkeypatch.setattr(rubric_loader, "load_rubric_text", _no_derivations)
    second = load_rubric(rubric_copy)
    assert second.fingerprint == first.fingerprint
    assert [p.expected for p in second.parts] == [p.expected for p in first.parts]
    assert [p.fingerprint for p in second.parts] == [p.fingerprint for p in first.parts]


def test_an_edited_rubric_compiles_again(rubric_copy: Path) -> None:
    first = load_rubric(rubric_copy)
    rubric_copy.write_text(rubric_copy.read_text(encoding="utf-8").replace('version: "2021fa.1"', 'version: "2021fa.2"'),
                           encoding="utf-8")
    second = load_rubric(rubric_copy)
    assert second.version != first.version


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05N."], ids=["empty", "garbage", "none"])
def test_a_damaged_entry_is_compiled_again(rubric_copy: Path, damage: bytes) -> None:
    load_rubric(rubric_copy)
    entry = compiled.entry_for(rubric_copy.read_text(encoding="utf-8"), str(rubric_copy))
    assert entry is not None and entry.is_file()
    entry.write_bytes(damage)
    assert load_rubric(rubric_copy).id == "ece449-a4"


def test_the_cache_can_be_turned_off(rubric_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GRADER_CACHE_DIR", "off")
    load_rubric(rubric_copy)
    assert compiled.cache_dir() is None
    assert not (tmp_path / "cache").exists()


def test_another_engine_version_does_not_use_the_entry(rubric_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_rubric(rubric_copy)
    monkeypatch.setattr(compiled, "engine_version", lambda: "another-engine")
    monkeypatch.setattr(rubric_loader, "load_rubric_text", _no_derivations)
    with pytest.raises(AssertionError, match="must not derive"):
        load_rubric(rubric_copy)
