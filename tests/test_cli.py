"""The command line as CONTRACT.md states it: exit codes, one-line errors, JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main

ROOT = Path(__file__).resolve().parent.parent
A4 = str(ROOT / "rubrics" / "ece449-a4.yaml")

SUBMISSION = r"""# 1 Problem 1
$$\frac{\partial E}{\partial z_x} = q_x - p_x$$
"""


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


# (args, exit code, JSON value checks)
COMPARE = [
    (["x^2-1", "(x-1)(x+1)"], 0, {"equivalent": True}),
    (["2x", "4x"], 0, {"equivalent": False, "diagnosis": "FACTOR:2"}),
    (["q_x - p_x", r"\frac{e^{z_x}}{\sum_{j=1}^{N} e^{z_j}} - p_x", "--given", r"q_x=\frac{e^{z_x}}{\sum_{j=1}^{N} e^{z_j}}",
      "--assume", "z: indexed N", "--assume", "q: indexed N"], 0, {"equivalent": True}),
    (["A B", "B A", "--assume", "A: matrix 2x2", "--assume", "B: matrix 2x2"], 0, {"equivalent": False}),
    (["x", r"\frac{1}{"], 0, {"equivalent": None, "diagnosis": "UNPARSED"}),
    (["0.43106", "0.4310"], 0, {"equivalent": True}),
]


@pytest.mark.parametrize("args, code, checks", COMPARE, ids=[" ".join(a[:2])[:30] for a, _, _ in COMPARE])
def test_compare_json(runner: CliRunner, args: list[str], code: int, checks: dict[str, object]) -> None:
    result = runner.invoke(main, ["compare", *args, "--format", "json"])
    assert result.exit_code == code, result.output
    out = json.loads(result.output)
    assert set(out) >= {"equivalent", "method", "diagnosis", "expected", "answer", "error"}
    for key, value in checks.items():
        assert out[key] == value
    if out["equivalent"] is None:
        assert out["error"]


def test_compare_bad_assumption_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["compare", "x", "x", "--assume", "x: wobbly"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("Error:") and "Traceback" not in result.output


def test_grade_json_contract(runner: CliRunner, tmp_path: Path) -> None:
    sub = tmp_path / "s.md"
    sub.write_text(SUBMISSION)
    result = runner.invoke(main, [str(sub), "--rubric", A4, "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) >= {"submission", "rubric", "score", "max_score", "parts", "warnings"}
    part = out["parts"][0]
    assert set(part) >= {"id", "title", "points", "max_points", "verdict", "answer", "location", "expected", "method", "feedback"}
    assert part["id"] == "1.dEdz" and part["verdict"] == "correct" and part["location"]["line"] == 2


def test_grade_picks_the_rubric_and_says_so(runner: CliRunner, tmp_path: Path) -> None:
    sub = tmp_path / "s.md"
    sub.write_text("ECE 449 Machine Learning (21Fa): Assignment 4\n\n" + SUBMISSION)
    result = runner.invoke(main, [str(sub), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "Using rubric ece449-a4" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["/no/such/file.tex", "--rubric", A4], "Error:"),
    (["{sub}", "--rubric", "/no/such/rubric.yaml"], "cannot read rubric"),
    (["{sub}", "--rubric", "{bad}"], "bad.yaml:2:"),
    (["{nomatch}", "--rubric-dir", str(ROOT / "rubrics")], "no rubric"),
    (["{binary}", "--rubric", A4], "Error:"),
    (["{folder}", "--rubric", A4], "is a directory"),
    (["{sub}", "--rubric", "{folder}"], "cannot read rubric"),
])
def test_input_errors_exit_2_with_one_line(runner: CliRunner, tmp_path: Path, args: list[str], message: str) -> None:
    sub = tmp_path / "s.md"
    sub.write_text(SUBMISSION)
    bad = tmp_path / "bad.yaml"
    bad.write_text("rubric: 1\nassignment: {title: no id}\nproblems: []\n")
    nomatch = tmp_path / "n.md"
    nomatch.write_text("Nothing that names any assignment.\n$$x = 1$$\n")
    binary = tmp_path / "b.tex"
    binary.write_bytes(b"\x00\x01\x02garbage")
    args = [a.format(sub=sub, bad=bad, nomatch=nomatch, binary=binary, folder=tmp_path) for a in args]
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_rubric_check_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    ok = runner.invoke(main, ["rubric", "check", A4])
    assert ok.exit_code == 0, ok.output
    failing = tmp_path / "f.yaml"
    failing.write_text(Path(A4).read_text().replace("{answer: \"p_x - q_x\", verdict: partial, points: 2}", "{answer: \"p_x - q_x\", verdict: correct, points: 4}"))
    bad = runner.invoke(main, ["rubric", "check", str(failing)])
    assert bad.exit_code == 1
    assert "part 1.dEdz: sample 'p_x - q_x' should be correct" in bad.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_every_report_format(runner: CliRunner, tmp_path: Path, fmt: str) -> None:
    sub = tmp_path / "s.md"
    sub.write_text(SUBMISSION)
    out = tmp_path / f"r.{fmt}"
    result = runner.invoke(main, [str(sub), "--rubric", A4, "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1.dEdz" in out.read_text()


@pytest.mark.parametrize("args, code, needle", [
    (["derive", "--list"], 0, "svm_hard_margin"),
    (["derive", "svm_hard_margin", "--format", "json"], 0, '"svm.w"'),
    (["derive", "mlp_relu_softmax_ce", "--param", "lr=0.5", "--format", "text"], 0, "updated.B"),
    (["derive", "no_such_thing"], 2, "Error:"),
    (["derive", "mlp_relu_softmax_ce", "--param", "lr"], 2, "expected KEY=VALUE"),
    (["derive", "svm_hard_margin", "--param", "points=[[0,0],[1,1]]", "--param", "labels=[1,1]"], 2, "Error:"),
])
def test_derive_command(runner: CliRunner, args: list[str], code: int, needle: str) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == code, result.output
    assert needle in (result.stdout if code == 0 else result.stderr)
    assert "Traceback" not in result.output


def test_derive_from_a_spec_file(runner: CliRunner, tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(
        "derivation: network\nparams:\n  layers:\n    - linear: {W: [[0.5, -0.2], [0.1, 0.3]], b: [0, 0]}\n"
        "    - sigmoid: {}\n  input: [1, 2]\n  target: [0, 1]\n  loss: squared_error\n  lr: 0.1\n"
    )
    result = runner.invoke(main, ["derive", "--spec", str(spec), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["derivation"] == "network"
    assert {"loss", "grad.W", "updated.W"} <= set(out["quantities"])


def test_batch_stats_and_export_commands(runner: CliRunner, tmp_path: Path) -> None:
    """The class commands end to end on the real engine: grade, resume, statistics, export."""
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "alice.md").write_text(SUBMISSION)
    (klass / "bob.md").write_text(SUBMISSION.replace("q_x - p_x", "p_x - q_x"))
    (klass / "carol.md").write_text("")
    book, csv_path, fb = tmp_path / "gb.sqlite", tmp_path / "grades.csv", tmp_path / "fb"
    args = ["batch", str(klass), "--rubric", A4, "--jobs", "1", "--gradebook", str(book), "--csv", str(csv_path), "--feedback-dir", str(fb)]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    rows = {line.split(",")[0]: line for line in csv_path.read_text().splitlines()[1:]}
    assert set(rows) == {"alice", "bob", "carol"}
    assert rows["alice"].split(",")[2] == "4" and rows["bob"].split(",")[2] == "2"  # 1.dEdz: correct, SIGN
    assert "empty" in rows["carol"]
    assert sorted(p.name for p in fb.iterdir()) == sorted(f"{s}.{e}" for s in ("alice", "bob", "carol") for e in ("md", "html"))
    assert "<math" in (fb / "alice.html").read_text()  # the answers typeset
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "3 already in the gradebook" in again.stderr
    stats = runner.invoke(main, ["stats", str(book)])
    assert stats.exit_code == 0 and "SIGN" in stats.stdout
    exported = runner.invoke(main, ["export", str(book), "--to", "json"])
    assert exported.exit_code == 0 and json.loads(exported.stdout)
    canvas = runner.invoke(main, ["export", str(book), "--to", "csv", "--layout", "canvas"])
    assert canvas.exit_code == 0 and canvas.stdout.startswith("Student,ID,SIS User ID")
