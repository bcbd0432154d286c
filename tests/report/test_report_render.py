"""Every report format on one hand-built Report (report_sample.py): what each must show, what
none may leak, the contract JSON, determinism, and escaping of hostile answers."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_sample import EMPTY, LONG_LATEX, REPORT, SCRIPT, SEVENTY, ZERO

from grader.model import PART_VERDICTS, PartResult, Report
from grader.report import (
    FORMATS,
    render,
    render_html,
    render_json,
    render_markdown,
    render_text,
)
from grader.report._common import display_width
from grader.report.markdown import md_latex, md_text
from grader.report.mathml import _ELEMENTS as MATHML_ELEMENTS

RENDERERS: tuple[tuple[str, Callable[[Report], str]], ...] = (
    ("text", render_text),
    ("json", render_json),
    ("markdown", render_markdown),
    ("html", render_html),
)
FMT_IDS = [f for f, _ in RENDERERS]


# --- render() dispatch ---------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "renderer"), RENDERERS, ids=FMT_IDS)
def test_render_dispatches_to_the_named_renderer(fmt: str,
                                                 renderer: Callable[[Report], str]) -> None:
    assert render(REPORT, fmt) == renderer(REPORT)


def test_formats_lists_every_renderer() -> None:
    assert FORMATS == tuple(FMT_IDS)


@pytest.mark.parametrize("fmt", ["pdf", "", "TEXT", "text ", "md", "htm"])
def test_unknown_format_is_a_value_error(fmt: str) -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(REPORT, fmt)


# --- every format, every report ------------------------------------------------------------

REPORTS = (("sample", REPORT), ("seventy", SEVENTY), ("empty", EMPTY), ("zero", ZERO))


@pytest.mark.parametrize("fmt", FMT_IDS)
@pytest.mark.parametrize(("name", "report"), REPORTS, ids=[n for n, _ in REPORTS])
def test_renders_deterministically_and_ends_in_a_newline(fmt: str, name: str,
                                                         report: Report) -> None:
    out = render(report, fmt)
    assert out.endswith("\n") and not out.endswith("\n\n")
    rebuilt = dataclasses.replace(report, parts=tuple(dataclasses.replace(p)
                                                      for p in report.parts))
    assert render(rebuilt, fmt) == out


TOTAL_SHOWN = (
    ("text", SEVENTY, "17.5 / 25 (70.0%)"),
    ("markdown", SEVENTY, "17.5 / 25 (70.0%)"),
    ("html", SEVENTY, "17.5 / 25 (70.0%)"),
    ("text", ZERO, "0 / 0 (n/a)"),
    ("markdown", ZERO, "0 / 0 (n/a)"),
    ("html", ZERO, "0 / 0 (n/a)"),
    ("text", EMPTY, "0 / 0 (n/a)"),
    ("text", REPORT, "7.5 / 25 (30.0%)"),
    ("markdown", REPORT, "5.5 / 8 (68.8%)"),  # per-problem subtotal
)


@pytest.mark.parametrize(("fmt", "report", "total"), TOTAL_SHOWN,
                         ids=[f"{f}-{t}" for f, _, t in TOTAL_SHOWN])
def test_total_and_percent_are_shown(fmt: str, report: Report, total: str) -> None:
    assert total in render(report, fmt)


# What each format must show for the sample report (one row per fact, so a failure names it).
MUST_SHOW = (
    ("text", "Submission: subs/alice.tex"),
    ("text", "Rubric:     hw2-backprop (version 3) - Homework 2: Backpropagation"),
    ("text", "Problem 1  [5.5 / 8 (68.8%)]"),
    ("text", "Problem 4  [2 / 4 (50.0%)]"),  # grouped by PartResult.problem
    ("text", "  1.b: partial (MISSING_TERM) - 1.5 / 4 points, line 20"),
    ("text", "    Feedback: Right for i = j; the off-diagonal terms are missing."),
    ("text", "    Answer:   q_i(1-q_i)"),
    ("text", r"    Expected: q_i(\delta_{ij}-q_j)"),
    ("text", "      - q_i - q_i^2"),
    ("text", "      - step 2 (line 22) does not follow: the sum over j was dropped"),
    ("text", "      - a b"),  # a newline in an alternative flattened
    ("text", "    Answer:   (none found)"),
    ("text", "A very long title A very long title A..."),
    ("text", "Warnings\n  - two answers found for 1.b; graded the last"),
    ("text", "交叉熵"),
    ("markdown", "# Homework 2: Backpropagation"),
    ("markdown", "**Score: 7.5 / 25 (30.0%)**"),
    ("markdown", "## Problem 1 · 5.5 / 8 (68.8%)"),
    ("markdown", "**partial (MISSING\\_TERM)** (1.5 / 4 points) · line 20"),
    ("markdown", "**missing** (0 / 2 points)\n"),
    ("markdown", "| Part | Title | Points | Verdict |"),
    ("markdown", "| 1.b | Softmax derivative | 1.5 / 4 | partial |"),
    ("markdown", "| $q_i(1-q_i)$ | $q_i(\\delta_{ij}-q_j)$ |"),
    ("markdown", "| _(none found)_ | $\\sum_i (y_i - t_i)$ |"),
    ("markdown", "**Your answer**\n\n$$\n" + LONG_LATEX + "\n$$\n\n**Expected**"),
    ("markdown", "**Feedback:** Right for i = j; the off-diagonal terms are missing."),
    ("markdown", "- step 2 (line 22) does not follow: the sum over j was dropped"),
    ("markdown", "- $q_i - q_i^2$"),
    ("markdown", "| 2.norm | Norm \\| absolute value | 0 / 5 | incorrect |"),
    ("markdown", "## Notes"),
    ("markdown", "交叉熵"),
    ("html", "<!DOCTYPE html>"),
    ("html", '<meta charset="utf-8">'),
    ("html", "<style>"),
    ("html", "<th>Your answer</th><th>Expected</th>"),
    ("html", '<code class="src">q_i(1-q_i)</code>'),  # the source under the typeset answer
    ("html", f'<code class="src">{LONG_LATEX}</code>'),  # shown whole; CSS wraps it
    ("html", "<mfrac><mrow><mo>∂</mo><mi>E</mi></mrow>"),  # typeset: dE/dW of LONG_LATEX
    ("html", '<math display="block"'),
    ("html", "<code>H(p) = -Σ p log p \\frac{</code>"),  # does not typeset: source only
    ("html", "&ndash; / 4 (pending)"),  # needs_review: no points yet
    ("html", "4 points in 1 part still to be graded by a person"),
    ("html", "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"),
    ("html", "Sign error &lt;script&gt;"),
    ("html", "&amp; &lt;b&gt;bold&lt;/b&gt;"),
    ("html", "Score: 7.5 / 25 (30.0%)"),
    ("html", "<li>step 2 (line 22) does not follow: the sum over j was dropped</li>"),
    ("html", "交叉熵"),
    ("json", '"title": "Entropy (ünïcödé, 交叉熵)"'),  # ensure_ascii=False
    ("json", '"answer": null'),
)


@pytest.mark.parametrize(("fmt", "needle"), MUST_SHOW,
                         ids=[f"{f}-{n[:30]}" for f, n in MUST_SHOW])
def test_format_shows(fmt: str, needle: str) -> None:
    assert needle in render(REPORT, fmt)


MUST_NOT_SHOW = (
    ("text", "\x1b"),  # no ANSI without color=True
    ("text", "1.a: correct"),  # fully correct parts get no detail block
    ("text", LONG_LATEX),  # long LaTeX is cut on one line
    ("html", "<script"),
    ("html", "<b>bold"),
    ("html", "http:"),
    ("html", "https:"),
    ("html", "//cdn"),
    ("html", "mathjax"),
    ("html", "@import"),
    ("html", "@font-face"),
)


@pytest.mark.parametrize(("fmt", "needle"), MUST_NOT_SHOW,
                         ids=[f"{f}-{n[:20]!r}" for f, n in MUST_NOT_SHOW])
def test_format_never_shows(fmt: str, needle: str) -> None:
    assert needle.lower() not in render(REPORT, fmt).lower()


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
@pytest.mark.parametrize("verdict", PART_VERDICTS)
def test_every_verdict_kind_is_shown(fmt: str, verdict: str) -> None:
    out = render(REPORT, fmt)
    shown = verdict.replace("_", "\\_") if fmt == "markdown" else verdict
    assert shown in out


# --- json: the contract ----------------------------------------------------------------------

CONTRACT_KEYS = {"submission", "rubric", "score", "max_score", "parts", "warnings"}
CONTRACT_PART_KEYS = {"id", "title", "points", "max_points", "verdict", "answer", "location",
                      "expected", "method", "feedback"}


@pytest.mark.parametrize(("name", "report"), REPORTS, ids=[n for n, _ in REPORTS])
def test_json_round_trips_to_the_contract(name: str, report: Report) -> None:
    out = render_json(report)
    assert out == json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    data = json.loads(out)
    assert data == report.to_json()
    assert CONTRACT_KEYS <= data.keys()
    assert (data["score"], data["max_score"]) == (report.score, report.max_score)
    for part in data["parts"]:
        assert CONTRACT_PART_KEYS <= part.keys()
        assert part["verdict"] in PART_VERDICTS
        assert "line" in part["location"]


def test_json_of_seventy() -> None:
    data = json.loads(render(SEVENTY, "json"))
    assert (data["score"], data["max_score"]) == (17.5, 25)


# --- text ------------------------------------------------------------------------------------

SEVENTY_TEXT = """\
Submission: s.tex
Rubric:     r
Score:      17.5 / 25 (70.0%)

Problem 1  [10 / 10 (100.0%)]
  Part  Title  Points   Verdict  Line
  ----  -----  -------  -------  ----
  1     a      10 / 10  correct     -

Problem 2  [7.5 / 15 (50.0%)]
  Part  Title  Points    Verdict  Line
  ----  -----  --------  -------  ----
  2     b      7.5 / 15  partial     -

  2: partial - 7.5 / 15 points
    Answer:   (none found)
    Expected: (not given)
"""


def test_text_golden() -> None:
    assert render_text(SEVENTY) == SEVENTY_TEXT


def _tables(text: str) -> list[list[str]]:
    """The summary tables of a text report: runs of lines from a '  Part' header to a blank."""
    tables: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("  Part "):
            current = [line]
            tables.append(current)
        elif current is not None and line:
            current.append(line)
        else:
            current = None
    return tables


def test_text_table_columns_line_up_even_with_wide_characters() -> None:
    tables = _tables(render_text(REPORT))
    assert len(tables) == 4
    for table in tables:
        # The last column is right-aligned, so aligned rows all end at the same column.
        assert len({display_width(row) for row in table}) == 1, table
        assert set(table[1].replace(" ", "")) == {"-"}


def test_text_latex_lines_are_cut_near_100_characters() -> None:
    for line in render_text(REPORT).splitlines():
        if line.lstrip().startswith(("Answer:", "Expected:", "- ")):
            assert display_width(line.strip()) <= 110, line
    assert "\\left(y_{1} - t_{1}\\right..." in render_text(REPORT)


def test_text_layout_is_ascii_for_ascii_content() -> None:
    assert render_text(SEVENTY).isascii()
    ascii_parts = tuple(p for p in REPORT.parts if (p.answer or "").isascii()
                        and p.title.isascii())
    assert render_text(dataclasses.replace(REPORT, parts=ascii_parts)).isascii()


def test_text_color_only_when_asked() -> None:
    plain = render_text(REPORT)
    colored = render_text(REPORT, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[32mcorrect" in colored and "\x1b[31mincorrect" in colored
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain
    assert render(REPORT, "text", color=True) == colored


def test_text_defuses_terminal_escapes_in_answers() -> None:
    part = PartResult(id="1", title="t\x1b[2J", points=0, max_points=1, verdict="incorrect",
                      answer="x\x1b[31m", expected="y", feedback="f\x07")
    out = render_text(Report(submission="s", rubric="r", parts=(part,)))
    assert "\x1b" not in out and "\x07" not in out
    assert "x?[31m" in out


# --- markdown --------------------------------------------------------------------------------

MD_LATEX = (
    ("|x|", r"\vert x\vert"),
    (r"\|w\|_2", r"\Vert w\Vert _2"),
    (r"\left| a \right|", r"\left\vert  a \right\vert"),
    ("a\nb", "a b"),
    (r"a \\ b", r"a \\ b"),
    (r"a\\|b|", r"a\\\vert b\vert"),  # a line break then a bar, not a norm
    ("x<y>z", r"x\lt y\gt z"),
    ("x\\", r"x\backslash"),  # a lone trailing backslash would escape the closing $
    ("$5", r"\$5"),
    (r"\frac{a}{b}", r"\frac{a}{b}"),
    ("Σ p", "Σ p"),
)


@pytest.mark.parametrize(("latex", "expected"), MD_LATEX, ids=[m[0] for m in MD_LATEX])
def test_md_latex(latex: str, expected: str) -> None:
    out = md_latex(latex)
    assert out == expected
    assert "|" not in out and "\n" not in out and "<" not in out


MD_TEXT = (
    ("a|b", r"a\|b"),
    ("<script>", r"\<script\>"),
    ("a\nb", "a b"),
    ("x_1 * y", r"x\_1 \* y"),
    ("# not a heading", r"\# not a heading"),
    ("AT&T", r"AT\&T"),
    ("back\\slash|", r"back\\slash\|"),
    ("ünïcödé", "ünïcödé"),
)


@pytest.mark.parametrize(("text", "expected"), MD_TEXT, ids=[m[0] for m in MD_TEXT])
def test_md_text(text: str, expected: str) -> None:
    assert md_text(text) == expected


def _unescaped_pipes(line: str) -> int:
    """Pipes that split a GFM table row: those after an even run of backslashes."""
    return sum(1 for m in re.finditer(r"(\\*)\|", line) if len(m.group(1)) % 2 == 0)


def test_markdown_table_rows_keep_their_column_count() -> None:
    out = render_markdown(REPORT)
    rows = 0
    columns: int | None = None
    for line in out.splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        if columns is None:
            columns = _unescaped_pipes(line)  # the header row
        assert _unescaped_pipes(line) == columns, line
        rows += 1
    assert rows > 20


def test_markdown_math_is_never_split_by_a_bar_or_newline() -> None:
    for span in re.findall(r"\$([^$\n]*)\$", render_markdown(REPORT)):
        assert "|" not in span, span


def test_markdown_opens_no_html_tag() -> None:
    out = render_markdown(REPORT)
    assert re.search(r"(?<!\\)<", out) is None  # every "<" is backslash-escaped or \lt
    assert r"\<script\>alert('x')\</script\>" in out
    assert r"\lt script\gt alert('x')\lt /script\gt" in out


def test_markdown_student_title() -> None:
    assert render_markdown(REPORT, student="alice").startswith(
        "# Homework 2: Backpropagation: feedback for alice\n")


def test_batch_feedback_uses_this_renderer() -> None:
    feedback = pytest.importorskip("grader.batch.feedback")
    renderer = feedback._renderer()
    assert renderer is render_markdown
    assert renderer(REPORT) == render(REPORT, "markdown")


# --- html ------------------------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3",
                "p", "code", "small", "table", "colgroup", "col", "thead", "tbody", "tr", "th",
                "td", "a", "span", "section", "strong", "ul", "li", "div"} | MATHML_ELEMENTS


@pytest.mark.parametrize(("name", "report"), REPORTS, ids=[n for n, _ in REPORTS])
def test_html_is_self_contained_and_uses_only_known_tags(name: str, report: Report) -> None:
    parser = _Tags()
    parser.feed(render_html(report))
    assert {tag for tag, _ in parser.tags} <= ALLOWED_TAGS
    for tag, attrs in parser.tags:
        for attr, value in attrs:
            assert not attr.startswith("on"), (tag, attr)
            assert attr != "src", tag
            if attr == "href":
                assert value is not None and value.startswith("#"), value


def test_html_shows_hostile_answers_as_text() -> None:
    parser = _Tags()
    parser.feed(render_html(REPORT))
    text = "".join(parser.text)
    assert SCRIPT in text  # the student sees what they wrote...
    assert "script" not in {tag for tag, _ in parser.tags}  # ...and nothing runs
    assert r"|x| + \|w\|_2" in text


def test_html_forbids_scripts_and_remote_loads() -> None:
    assert "default-src 'none'" in render_html(REPORT)


# --- layers ----------------------------------------------------------------------------------

def test_report_package_imports_only_the_model_and_the_limits() -> None:
    root = Path(__file__).resolve().parents[2] / "grader" / "report"
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name.startswith("grader"):
                    # budget: student LaTeX is typeset in the limited worker (mathml.py)
                    assert name in ("grader.model", "grader.budget", "grader.errors") or \
                        name.startswith("grader.report"), (path.name, name)
