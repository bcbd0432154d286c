"""Exports (CSV layouts for a spreadsheet, Canvas, Moodle; JSON) and class statistics."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import batch_fakes as fakes
import pytest
from conftest import write_files

from grader.batch import BatchSettings, Engine, export, render_stats, run_batch, stats
from grader.errors import InputError

CANNED = Engine(grade=fakes.grade_canned)

LAYOUT_HEADERS = (
    ("default", ["student", "total", "a", "b", "status", "pending"]),
    ("canvas", ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Homework 1"]),
    ("moodle", ["ID number", "Email address", "Full name", "Homework 1", "Feedback"]),
)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    klass = write_files(tmp_path / "c", {
        "ann.tex": "a: 2x\nb: y-t", "ben.tex": "a: x/2\nb: t-y", "cy.tex": "a: 1/(2x)\nb: y-t",
        "dee.tex": "a: x / 2\nb: t-y\n%", "eve.tex": "a: -2x", "fay.tex": "", "gus.pdf": "%PDF",
        "hal.tex": "a: =cmd|' /C calc'!A0"})
    manifest = tmp_path / "m.csv"
    rows = [("ann", "ann.tex", "Ann A", "ann@u.edu", "S1", "L01"),
            ("ben", "ben.tex", "=Ben B", "ben@u.edu", "S2", "L02")]
    rows += [(n, f"{n}.{'pdf' if n == 'gus' else 'tex'}", "", "", "", "")
             for n in ("cy", "dee", "eve", "fay", "gus", "hal")]
    manifest.write_text("student,file,name,email,sis_id,section\n" +
                        "".join(",".join(r) + "\n" for r in rows))
    path = tmp_path / "gb.sqlite"
    run_batch(klass, fakes.make_rubric(),
              BatchSettings(gradebook=path, manifest=manifest, jobs=2, progress=False),
              engine=CANNED)
    return path


@pytest.mark.parametrize(("layout", "header"), LAYOUT_HEADERS, ids=[h[0] for h in LAYOUT_HEADERS])
def test_csv_layout_columns(book: Path, layout: str, header: list[str], tmp_path: Path) -> None:
    out = tmp_path / f"{layout}.csv"
    export(book, to="csv", out=out, layout=layout)
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert table[0] == header
    assert len(table) == 1 + 8


def test_csv_values(book: Path) -> None:
    default = {r["student"]: r for r in csv.DictReader(io.StringIO(export(book, to="csv")))}
    assert (default["ann"]["total"], default["ann"]["a"], default["ann"]["b"]) == ("5", "2", "3")
    assert default["fay"]["total"] == "0" and default["fay"]["status"] == "empty"
    assert default["gus"]["total"] == "" and default["gus"]["status"] == "error"
    assert default["eve"]["b"] == "0"
    canvas = list(csv.reader(io.StringIO(export(book, to="csv", layout="canvas",
                                                assignment="HW 1 (4321)"))))
    assert canvas[0][-1] == "HW 1 (4321)"
    assert canvas[1] == ["Ann A", "ann", "S1", "", "L01", "5"]
    assert canvas[2][0] == "'=Ben B"  # never a formula in a spreadsheet
    moodle = list(csv.reader(io.StringIO(export(book, to="csv", layout="moodle"))))
    assert moodle[1] == ["S1", "ann@u.edu", "Ann A", "5", ""]
    assert moodle[7][0] == "gus" and moodle[7][4].startswith("error: not a submission type")


def test_json_export(book: Path, tmp_path: Path) -> None:
    export(book, to="json", out=tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    assert (data["rubric"], data["rubric_version"]) == ("hw1", "1")
    ann = next(s for s in data["students"] if s["student"] == "ann")
    assert ann["score"] == 5 and [p["id"] for p in ann["parts"]] == ["a", "b"]
    assert set(ann["parts"][0]) >= {"id", "points", "max_points", "verdict", "answer", "expected",
                                    "feedback", "location"}


def test_export_errors_are_input_errors(tmp_path: Path, book: Path) -> None:
    with pytest.raises(InputError, match="no such gradebook"):
        export(tmp_path / "nope.sqlite", to="csv")
    with pytest.raises(InputError, match="layout"):
        export(book, to="csv", layout="blackboard")
    with pytest.raises(InputError, match="no results for rubric hw9"):
        export(book, to="json", rubric_id="hw9")
    (tmp_path / "junk.sqlite").write_text("not a database at all" * 100)
    with pytest.raises(InputError):
        export(tmp_path / "junk.sqlite", to="csv")


def test_stats_group_wrong_answers_by_diagnosis(book: Path) -> None:
    s = stats(book)
    assert s.students == 8 and s.statuses["error"] == 1 and s.statuses["empty"] == 1
    a = s.parts[0]
    assert a.id == "a" and a.graded == 6
    codes = {g.code: g for g in a.mistakes}
    recip = codes["RECIPROCAL"]
    assert recip.students == 3 and recip.answers[0] == ("x/2", 2)  # "x / 2" grouped with "x/2"
    assert recip.description == "reciprocal of the expected factor"
    assert a.mistakes[0].code == "RECIPROCAL"
    b = s.parts[1]
    assert b.points == {3.0: 2, 1.5: 2, 0.0: 2} and {g.code for g in b.mistakes} == {"SIGN", "MISSING"}
    text = render_stats(s)
    assert "3 students: RECIPROCAL (reciprocal of the expected factor)" in text
    assert "a derivative: mean" in text


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="plot extra not installed")
def test_stats_plot_image(book: Path, tmp_path: Path) -> None:
    s = stats(book, plot=tmp_path / "class.png")
    assert (tmp_path / "class.png").read_bytes()[:4] == b"\x89PNG"
    assert f"plot: {tmp_path / 'class.png'}" in s.render()


def test_stats_without_matplotlib_says_so_in_one_line(book: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real(name, *a))
    s = stats(book, plot=tmp_path / "class.png")
    assert not (tmp_path / "class.png").exists()
    assert s.render().splitlines()[-1] == ("no plot: matplotlib is not installed "
                                           "(pip install 'ml-homework-grader[plot]')")
