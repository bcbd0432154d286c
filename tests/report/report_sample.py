"""A small hand-built Report exercising every verdict, None answers, long LaTeX, ``|``,
``<script>`` and unicode: the fixture every report test renders."""

from __future__ import annotations

from grader.model import Location, PartResult, Report

LONG_LATEX = r"\frac{\partial E}{\partial W} = " + " + ".join(
    rf"\left(y_{{{i}}} - t_{{{i}}}\right) x_{{{i}}}^\top" for i in range(12))
SCRIPT = "<script>alert('x')</script>"

PARTS = (
    PartResult(id="1.a", title="Gradient of the squared error", points=4, max_points=4,
               verdict="correct", answer=r"(y-t)x", location=Location(line=12),
               expected=r"(y - t) x", method="symbolic"),
    PartResult(id="1.b", title="Softmax derivative", points=1.5, max_points=4, verdict="partial",
               answer=r"q_i(1-q_i)", location=Location(line=20, section="Problem 1"),
               expected=r"q_i(\delta_{ij}-q_j)", method="symbolic",
               feedback="Right for i = j; the off-diagonal terms are missing.",
               diagnosis="MISSING_TERM",
               alternatives=(r"q_i - q_i^2",),
               steps=("step 2 (line 22) does not follow: the sum over j was dropped",)),
    PartResult(id="2.norm", title="Norm | absolute value", points=0, max_points=5,
               verdict="incorrect", answer=r"|x| + \|w\|_2" + SCRIPT,
               location=Location(line=57), expected=r"\|w\|_2^2 + |b|",
               method="numeric", feedback=f"Sign error {SCRIPT} & <b>bold</b>",
               diagnosis="SIGN", alternatives=(r"\|w\|", "a\nb"),
               steps=("step 1 (line 55) ok", f"step 2 (line 57) does not follow: {SCRIPT}")),
    PartResult(id="2.long", title="A very long title " * 5, points=0, max_points=3,
               verdict="incorrect", answer=LONG_LATEX, location=Location(line=60),
               expected=LONG_LATEX.replace("+", "-"), method="symbolic"),
    PartResult(id="2.miss", title="Bias gradient", points=0, max_points=2, verdict="missing",
               answer=None, location=Location(), expected=r"\sum_i (y_i - t_i)"),
    PartResult(id="3", title="Entropy (ünïcödé, 交叉熵)", points=0, max_points=3,
               verdict="unparsed", answer="H(p) = -Σ p log p \\frac{", location=Location(line=80),
               expected=r"-\sum_i p_i \log p_i", feedback="Could not read this: \\frac{ is open."),
    PartResult(id="4.x", title="Line by line", points=2, max_points=4, verdict="needs_review",
               answer="a\\\\\nb", location=Location(line=90), expected="a \\\\ b",
               problem="Problem 4", method="manual", feedback=None),
)

REPORT = Report(submission="subs/alice.tex", rubric="hw2-backprop", parts=PARTS,
                warnings=("two answers found for 1.b; graded the last", f"odd input {SCRIPT}"),
                rubric_version="3", title="Homework 2: Backpropagation")

# 17.5 of 25, for the percent tests.
SEVENTY = Report(submission="s.tex", rubric="r", parts=(
    PartResult(id="1", title="a", points=10, max_points=10, verdict="correct"),
    PartResult(id="2", title="b", points=7.5, max_points=15, verdict="partial"),
))
EMPTY = Report(submission="s.tex", rubric="r", parts=())
ZERO = Report(submission="s.tex", rubric="r", parts=(
    PartResult(id="1", title="bonus", points=0, max_points=0, verdict="correct"),
))
