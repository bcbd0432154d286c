"""Rubric loading, every validation error with its line, fingerprints, key, scaffold round trip."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.errors import RubricError
from grader.grading import check_samples
from grader.rubric import load_rubric_text, render_key, scaffold_rubric

GOOD = textwrap.dedent(
    r"""
    rubric: 1
    assignment: {id: demo, title: Demo, version: "1", identify: [Demo]}
    context:
      functions: [sigma]
      definitions: {'\sigma(x)': '\frac{1}{1+e^{-x}}'}
    problems:
      - id: "1"
        section: ["1"]
        parts:
          - id: "1.a"
            points: 4
            target: ['\frac{\partial y}{\partial x}']
            expected: {latex: '\sigma(x)(1-\sigma(x))'}
            credit: {diagnosis: {SIGN: 0.5}}
            samples:
              - {answer: '\sigma(x) - \sigma(x)^2', verdict: correct, points: 4}
              - {answer: '\sigma(x)(\sigma(x)-1)', verdict: partial, points: 2}
              - {answer: '\sigma(x)', verdict: incorrect, points: 0}
    """
)


def _with(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (case id, rubric text, words the error must contain, line it must name)
INVALID = [
    ("not-yaml", "assignment: [unclosed\n", "not valid YAML", 2),
    ("not-mapping", "- a\n- b\n", "a rubric is a YAML mapping", 1),
    ("unknown-top-key", GOOD + "extra: 1\n", "unknown key 'extra'", 20),
    ("no-assignment-id", _with("{id: demo, ", "{"), "assignment needs 'id'", 3),
    ("bad-assignment-id", _with("id: demo,", "id: 'de mo',"), "assignment id", 3),
    ("bad-version", _with("rubric: 1", "rubric: 7"), "unsupported rubric format version", 2),
    ("no-problems", GOOD.split("problems:")[0], "the rubric needs 'problems'", 2),
    ("typo-in-part", _with("points: 4", "pionts: 4"), "unknown key 'pionts' in a part (did you mean 'points'?)", 12),
    ("negative-points", _with("points: 4", "points: -1"), "points must be a number >= 0", 12),
    ("bad-kind", _with("points: 4", "points: 4\n        kind: essay"), "kind 'essay' is not one of", 13),
    ("no-expected", _with("expected: {latex: '\\sigma(x)(1-\\sigma(x))'}", "title: x"), "needs 'expected'", 11),
    ("expected-does-not-parse", _with("'\\sigma(x)(1-\\sigma(x))'}", "'\\frac{1}{'}"), "expected latex does not parse", 14),
    ("bad-credit", _with("SIGN: 0.5", "SIGN: 2"), "must be a fraction of the points", 15),
    ("bad-sample-verdict", _with("verdict: incorrect", "verdict: wrong"), "sample verdict 'wrong'", 19),
    ("duplicate-part", _with("      - id: \"1.a\"", "      - id: \"1.a\"\n        points: 1\n        expected: {latex: x}\n      - id: \"1.a\""), "part id '1.a' is used twice", 14),
    ("bad-matrix-shape", _with("functions: [sigma]", "functions: [sigma]\n  matrices: {W: big}"), "shape 'big'", 6),
    ("bad-tolerance", _with("points: 4", "points: 4\n        tolerance: {rel: -1}"), "tolerance.rel must be a number >= 0", 13),
    ("unknown-derivation-ref", _with("expected: {latex: '\\sigma(x)(1-\\sigma(x))'}", "expected: {derive: {from: nope, quantity: loss}}"), "derive.from names 'nope'", 14),
    ("follow-unknown-part", _with("credit: {diagnosis", "follow_through: {uses: {G: '9.z'}, expected: 'G'}\n        credit: {diagnosis"), "uses unknown part '9.z'", None),
    ("bad-assumption", _with("functions: [sigma]", "functions: [sigma]\n  assume: ['x: wobbly']"), "unknown kind", 5),
]


@pytest.mark.parametrize("text, words, line", [pytest.param(t, w, n, id=i) for i, t, w, n in INVALID])
def test_invalid_rubrics_fail_with_file_and_line(text: str, words: str, line: int | None) -> None:
    with pytest.raises(RubricError) as info:
        load_rubric_text(text, "demo.yaml")
    err = info.value
    assert words in err.message
    assert err.file == "demo.yaml"
    if line is not None:
        assert err.line == line, str(err)
    assert "\n" not in str(err)
    assert str(err).startswith("demo.yaml")


def test_good_rubric_loads_and_passes_its_samples() -> None:
    rubric = load_rubric_text(GOOD, "demo.yaml")
    assert [p.id for p in rubric.parts] == ["1.a"]
    assert rubric.max_score == 4
    count, failures = check_samples(rubric)
    assert count == 3 and failures == []


def test_a_wrong_sample_is_reported_with_its_line() -> None:
    rubric = load_rubric_text(_with("verdict: partial, points: 2", "verdict: correct, points: 4"), "demo.yaml")
    count, failures = check_samples(rubric)
    assert len(failures) == 1
    assert failures[0].line == 18
    assert "should be correct (4 pts) but is partial (2 pts)" in str(failures[0])


def test_fingerprints_change_only_with_what_changed() -> None:
    a = load_rubric_text(GOOD)
    b = load_rubric_text(_with("{answer: '\\sigma(x)', verdict: incorrect, points: 0}", "{answer: 'x', verdict: incorrect, points: 0}"))
    c = load_rubric_text(GOOD)
    assert a.fingerprint == c.fingerprint and a.part_fingerprints == c.part_fingerprints
    assert a.fingerprint != b.fingerprint
    assert a.part_fingerprints["1.a"] != b.part_fingerprints["1.a"]


@pytest.mark.parametrize("fmt, needle", [("markdown", r"\sigma(x)(1-\sigma(x))"), ("latex", r"\begin{description}"), ("json", '"id": "1.a"')])
def test_answer_key(fmt: str, needle: str) -> None:
    text = render_key(load_rubric_text(GOOD), fmt)
    assert needle in text
    if fmt == "json":
        assert json.loads(text)["parts"][0]["expected"] == r"\sigma(x)(1-\sigma(x))"


def test_key_gives_decimals_for_numbers(a4_rubric) -> None:  # type: ignore[no-untyped-def]
    rows = {r["id"]: r for r in json.loads(render_key(a4_rubric, "json"))["parts"]}
    assert rows["2.E"]["decimal"].startswith("1.01326")
    assert rows["5.1"]["expected"] is None and rows["5.1"]["model_answer"]


def test_scaffold_round_trips_through_check(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "new.yaml"
    runner = CliRunner()
    made = runner.invoke(main, ["rubric", "new", "--id", "hw9", "--title", "HW 9", "--course", "ML", "--problems", "2", "--parts", "2", "--points", "3", "-o", str(out)])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(main, ["rubric", "check", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "4 parts, 12 points, 8 samples, 0 failed" in checked.output


def test_scaffold_interactive_prompts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "p.yaml"
    result = CliRunner().invoke(main, ["rubric", "new", "-o", str(out)], input="hw1\nHW 1\nML\n1\n1\n5\n")
    assert result.exit_code == 0, result.output
    assert load_rubric_text(out.read_text()).id == "hw1"
    assert scaffold_rubric(assignment_id="x", title="X").startswith("# Rubric scaffold")


@pytest.mark.parametrize("written, tuple_form", [
    ("16 x 28 x 28", "(16, 28, 28)"), (r"16 \times 28 \times 28", "(16, 28, 28)"), ("(1, 21632)", "(1, 21632)"),
    ("1 × 10368", "(1, 10368)"), ("21632", "21632"), ("x^2", "x^2"),
])
def test_shapes_are_read_as_tuples(written: str, tuple_form: str) -> None:
    from grader.rubric.loader import shape_latex

    assert shape_latex(written) == tuple_form


@pytest.mark.parametrize("key, value, words", [
    ("block", "0", "block is the position of a display"),
    ("text", "'no group'", "text needs one (group)"),
    ("text", "'(unclosed'", "text is not a regular expression"),
])
def test_locator_keys_are_validated(key: str, value: str, words: str) -> None:
    with pytest.raises(RubricError) as info:
        load_rubric_text(_with("points: 4", f"points: 4\n        {key}: {value}"), "demo.yaml")
    assert words in info.value.message and info.value.line == 13


@pytest.mark.parametrize("old, new", [
    ("functions: [sigma]", "functions: [sigma, phi]"),  # rubric-level context
    ("definitions: {'\\sigma(x)': '\\frac{1}{1+e^{-x}}'}", "definitions: {'\\sigma(x)': '\\frac{2}{1+e^{-x}}'}"),
])
def test_rubric_level_changes_change_the_part_fingerprints(old: str, new: str) -> None:
    """--regrade regrades the parts whose fingerprint moved: a rubric-level change must move them."""
    a = load_rubric_text(GOOD)
    b = load_rubric_text(_with(old, new))
    assert a.part_fingerprints["1.a"] != b.part_fingerprints["1.a"]
    assert a.part_fingerprints == load_rubric_text(GOOD).part_fingerprints
