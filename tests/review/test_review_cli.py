"""``grade review`` for scripting, ``grade export``/``grade stats`` with pending parts: CliRunner."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

import pytest
import review_fakes as fakes
from click.testing import CliRunner
from review_fakes import batch, write_class

from grader.batch.manual import anonymous
from grader.cli import main


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def group_of(book: Path, part: str, answer_start: str) -> str:
    code, out, _ = run("review", str(book), "--list", "--part", part, "--all")
    assert code == 0
    for line in out.splitlines():
        bits = line.split()
        if bits and re.fullmatch(r"g[0-9a-f]{8}", bits[0]) and answer_start in line:
            return bits[0]
    raise AssertionError(out)


def test_list_is_anonymous_until_asked(graded: Path) -> None:
    code, out, _ = run("review", str(graded), "--list", "--part", "1.grad")
    assert code == 0
    assert "ana" not in out and anonymous("fake-hw", "ana") in out
    assert re.search(r"x3 +needs_review TIMEOUT", out)  # three students wrote the same answer
    code, out, _ = run("review", str(graded), "--list", "--part", "1.grad", "--show-names")
    assert code == 0 and "ana" in out and "ben" in out and "cai" in out


def test_grade_a_group_then_one_student_and_the_csv_follows(graded: Path) -> None:
    g = group_of(graded, "1.grad", r"\frac{1}{2}")
    code, _, err = run("review", str(graded), "--set-group", "1.grad", g, "1", "--comment",
                       "right value, not simplified", "--grader", "ta1")
    assert code == 0 and "3 grades recorded" in err
    label = anonymous("fake-hw", "ben")
    code, _, err = run("review", str(graded), "--set", label, "1.grad", "2", "--grader", "ta2")
    assert code == 0 and "1 grade recorded" in err
    code, out, _ = run("export", str(graded), "--to", "csv")
    table = {r["student"]: r for r in csv.DictReader(io.StringIO(out))}
    assert [table[s]["1.grad"] for s in ("ana", "ben", "cai")] == ["1", "2", "1"]
    assert table["ana"]["2.why"] == "" and table["ana"]["total"] == "" and table["ana"]["pending"] == "1"
    assert table["eli"]["total"] == "2"  # nothing pending: a total
    code, out, _ = run("export", str(graded), "--to", "csv", "--pending-as-zero")
    table = {r["student"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (table["ana"]["total"], table["ana"]["2.why"]) == ("1", "0")
    # a later group grade keeps the one given to ben alone
    code, _, err = run("review", str(graded), "--set-group", "1.grad", g, "0.5", "--grader", "ta1")
    assert code == 0 and "1 graded one by one kept their grade" in err
    conn = sqlite3.connect(graded)
    got = dict(conn.execute("SELECT student, points FROM manual_grades").fetchall())
    who = dict(conn.execute("SELECT student, grader FROM manual_grades").fetchall())
    conn.close()
    assert got == {"ana": 0.5, "ben": 2.0, "cai": 0.5} and who["ben"] == "ta2"


ERRORS = (
    ("override without reason", ["--set", "dee", "1.grad", "1"], "give a reason to override it"),
    ("too many points", ["--set", "ana", "1.grad", "3"], "between 0 and 2"),
    ("negative points", ["--set", "ana", "1.grad", "-1"], "between 0 and 2"),
    ("not a number", ["--set", "ana", "1.grad", "two"], "not a number"),
    ("unknown student", ["--set", "zed", "1.grad", "1"], "no student 'zed'"),
    ("unknown part", ["--set", "ana", "9.z", "1"], "no part '9.z'"),
    ("unknown group", ["--set-group", "1.grad", "g00000000", "1"], "no group 'g00000000'"),
    ("empty request", ["--request", "ana", "1.grad", "  "], "needs its text"),
)


@pytest.mark.parametrize(("name", "args", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_input_is_one_line_and_exit_2(graded: Path, name: str, args: list[str],
                                          message: str) -> None:
    code, _, err = run("review", str(graded), *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    conn = sqlite3.connect(graded)
    assert conn.execute("SELECT count(*) FROM manual_grades").fetchone()[0] == 0
    conn.close()


def test_override_with_a_reason_is_logged(graded: Path) -> None:
    code, _, _ = run("review", str(graded), "--set", "dee", "1.grad", "1", "--reason",
                     "the idea is right", "--grader", "prof")
    assert code == 0
    conn = sqlite3.connect(graded)
    row = conn.execute("SELECT action, points, reason, grader, answer FROM manual_log").fetchone()
    conn.close()
    assert row == ("set", 1.0, "the idea is right", "prof", r"\frac{x}{2}")


def test_a_regrade_request_enters_the_queue(graded: Path) -> None:
    code, _, _ = run("review", str(graded), "--request", "eli", "2.why",
                     "I answered it on page 2")
    assert code == 0
    code, out, _ = run("review", str(graded), "--list", "--part", "2.why", "--show-names")
    assert "request: I answered it on page 2" in out and "eli" in out
    run("review", str(graded), "--set", "eli", "2.why", "2", "--reason", "found on page 2")
    code, out, _ = run("review", str(graded), "--list", "--part", "2.why", "--show-names")
    assert "request:" not in out  # answered by the grade given after it


def test_export_then_import_into_another_gradebook(graded: Path, tmp_path: Path) -> None:
    run("review", str(graded), "--set", "ana", "2.why", "2.5", "--comment", "=good", "--grader", "ta1")
    run("review", str(graded), "--set", "dee", "1.grad", "0.5", "--reason", "close", "--grader", "ta1")
    out = tmp_path / "manual.csv"
    assert run("review", str(graded), "--export", str(out))[0] == 0
    text = out.read_text()
    assert "'=good" in text and "ana" not in text  # formula-safe, anonymous
    other = tmp_path / "other.sqlite"
    batch(write_class(tmp_path / "class2"), other, fakes.make_rubric())
    code, _, err = run("review", str(other), "--import", str(out))
    assert code == 0 and "2 grades recorded" in err
    conn = sqlite3.connect(other)
    rows = set(conn.execute("SELECT student, part, points, comment, reason, grader FROM manual_grades"))
    conn.close()
    assert rows == {("ana", "2.why", 2.5, "=good", "", "ta1"),
                    ("dee", "1.grad", 0.5, "", "close", "ta1")}


def test_a_bad_import_row_imports_nothing(graded: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("student,part,points\nana,2.why,1\nben,2.why,7\n")
    code, _, err = run("review", str(graded), "--import", str(bad))
    assert code == 2 and "nothing was imported" in err and "between 0 and 3" in err
    bad.write_text("student,part,points\nana,2.why,1\nzed,2.why,1\n")
    code, _, err = run("review", str(graded), "--import", str(bad))
    assert code == 2 and f"{bad}:3:" in err
    conn = sqlite3.connect(graded)
    assert conn.execute("SELECT count(*) FROM manual_grades").fetchone()[0] == 0
    conn.close()


def test_stats_count_pending_parts(graded: Path) -> None:
    code, out, _ = run("stats", str(graded))
    assert code == 0
    assert "4 students with parts awaiting review" in out
    assert re.search(r"2\.why Why ReLU: mean 0\.00 / 3 over 1; .*; 4 pending", out)
    code, out, _ = run("stats", str(graded), "--pending-as-zero")
    assert "awaiting review" not in out and "over 5 complete" not in out
    assert re.search(r"2\.why Why ReLU: mean 0\.00 / 3 over 5;", out)


def test_missing_gradebook_is_one_line(tmp_path: Path) -> None:
    code, _, err = run("review", str(tmp_path / "nope.sqlite"), "--list")
    assert code == 2 and "no such gradebook" in err


def test_export_rewrites_feedback_with_manual_grades(graded: Path, tmp_path: Path) -> None:
    run("review", str(graded), "--set", "ana", "2.why", "3", "--comment", "Exactly the point.")
    code, _, _ = run("export", str(graded), "--to", "csv", "--feedback-dir", str(tmp_path / "fb"),
                     "--hide-expected")
    assert code == 0
    md = (tmp_path / "fb" / "ana.md").read_text()
    html = (tmp_path / "fb" / "ana.html").read_text()
    assert "Exactly the point." in md and "Exactly the point." in html
    assert "2 points in 1 part still to be graded by a person" in html  # 1.grad waits
    assert "Expected" not in html and "<math" in html


def test_grade_review_serves_on_localhost(graded: Path) -> None:
    """The real command: it prints its URL on 127.0.0.1 and serves the queue there."""
    import os
    import subprocess
    import sys
    import urllib.request

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "grader.cli", "review", str(graded), "--port", "0"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        assert m, line
        with urllib.request.urlopen(m.group(1), timeout=10) as resp:
            html = resp.read().decode()
        assert "Review queue" in html and 'data-part="2.why"' in html
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_json_and_lms_layouts_show_pending_and_manual(graded: Path) -> None:
    import json

    run("review", str(graded), "--set", "dee", "2.why", "1", "--comment", "partly", "--grader", "ta1")
    code, out, _ = run("export", str(graded), "--to", "json")
    assert code == 0
    students = {s["student"]: s for s in json.loads(out)["students"]}
    ana = {p["id"]: p for p in students["ana"]["parts"]}
    assert students["ana"]["score"] is None and students["ana"]["pending"] == 2
    assert (ana["2.why"]["points"], ana["2.why"]["pending"], ana["2.why"]["state"]) == (None, True, "pending")
    dee = {p["id"]: p for p in students["dee"]["parts"]}
    assert dee["2.why"]["state"] == "manual" and dee["2.why"]["method"] == "manual"
    assert dee["2.why"]["manual"]["grader"] == "ta1" and dee["2.why"]["feedback"] == "partly"
    assert students["dee"]["score"] == 1 and students["eli"]["score"] == 2
    code, out, _ = run("export", str(graded), "--to", "csv", "--layout", "moodle")
    moodle = {r[0]: r for r in csv.reader(io.StringIO(out))}
    assert moodle["ana"][3] == "" and moodle["ana"][4] == "2 parts awaiting review"
    assert moodle["dee"][3] == "1" and moodle["dee"][4] == ""
    code, out, _ = run("export", str(graded), "--to", "csv", "--layout", "canvas")
    canvas = {r[1]: r for r in csv.reader(io.StringIO(out))}
    assert canvas["ana"][-1] == "" and canvas["dee"][-1] == "1"
