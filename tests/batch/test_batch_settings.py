"""One definition of the batch defaults: ``BatchSettings``; ``grade batch`` reads and fills it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import grader.batch
from grader.batch import BatchSettings
from grader.cli import main

# (option on the command line, BatchSettings field, a value that is not the default)
OPTIONS = (
    ("--jobs", "jobs", "3", 3),
    ("--timeout", "timeout", "7.5", 7.5),
    ("--memory-mb", "memory_mb", "640", 640),
    ("--csv-layout", "csv_layout", "canvas", "canvas"),
    ("--gradebook", "gradebook", "g.sqlite", "g.sqlite"),
    ("--csv", "csv_path", "out.csv", "out.csv"),
    ("--feedback-dir", "feedback_dir", "fb", "fb"),
    ("--manifest", "manifest", "m.csv", "m.csv"),
)


def _batch_params() -> dict[str, click.Parameter]:
    cmd = main.commands["batch"]
    return {p.name: p for p in cmd.params if p.name}


@pytest.mark.parametrize(("flag", "name", "_raw", "_value"), OPTIONS, ids=[o[1] for o in OPTIONS])
def test_cli_default_is_the_library_default(flag: str, name: str, _raw: str, _value: Any) -> None:
    param = _batch_params()[name]
    assert flag in param.opts
    assert param.default == getattr(BatchSettings(), name)


def test_every_cli_option_is_a_settings_field() -> None:
    fields = {f.name for f in dataclasses.fields(BatchSettings)}
    options = set(_batch_params()) - {"path", "rubric_path"}
    assert options <= fields, options - fields


def test_settings_are_frozen_and_keyword_only() -> None:
    with pytest.raises(TypeError):
        BatchSettings(4)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        BatchSettings().jobs = 2  # type: ignore[misc]


@pytest.mark.parametrize(("flag", "name", "raw", "value"), OPTIONS, ids=[o[1] for o in OPTIONS])
def test_cli_passes_each_option_into_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  flag: str, name: str, raw: str, value: Any) -> None:
    seen: list[BatchSettings] = []

    def fake_run(path: str, rubric: str, settings: BatchSettings) -> grader.batch.BatchSummary:
        seen.append(settings)
        return grader.batch.BatchSummary()

    monkeypatch.setattr(grader.batch, "run_batch", fake_run)
    result = CliRunner().invoke(main, ["batch", str(tmp_path), "--rubric", "r.yaml", flag, raw])
    assert result.exit_code == 0, result.output
    assert getattr(seen[0], name) == value
    others = {f.name for f in dataclasses.fields(BatchSettings)} - {name, "progress", "stream"}
    assert all(getattr(seen[0], f) == getattr(BatchSettings(), f) for f in others)


@pytest.mark.parametrize(("csv_path", "feedback_dir", "gradebook", "expected"), [
    (None, None, None, Path("gradebook.sqlite")),
    ("out/grades.csv", None, None, Path("out/gradebook.sqlite")),
    (None, "fb/x", None, Path("fb/gradebook.sqlite")),
    ("out/grades.csv", "fb/x", "here.sqlite", Path("here.sqlite")),
], ids=["cwd", "beside-csv", "beside-feedback", "named"])
def test_gradebook_default_location(csv_path: str | None, feedback_dir: str | None,
                                    gradebook: str | None, expected: Path) -> None:
    s = BatchSettings(csv_path=csv_path, feedback_dir=feedback_dir, gradebook=gradebook)
    assert s.gradebook_path() == expected
