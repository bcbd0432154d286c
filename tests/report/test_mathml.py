"""LaTeX to MathML: typeset offline, nothing a student writes becomes markup, links or colours."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from grader.report.mathml import MAX_CHARS, MathRenderer, looks_like_prose, mathml_here, split_math

TYPESET = (
    ("fraction", r"\frac{\partial E}{\partial z_x}", "mfrac"),
    ("matrix", r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", "mtable"),
    ("sum", r"\sum_{i=1}^{N} p_i \log q_i", "munderover"),  # limits above and below in display
    ("root", r"\sqrt{x^2 + 1}", "msqrt"),
    ("accent", r"\hat{y} - \bar{y}", "mover"),
    ("subscript", r"h_{t+1}", "msub"),
)


@pytest.mark.parametrize(("name", "latex", "element"), TYPESET, ids=[t[0] for t in TYPESET])
def test_typesets_as_mathml(name: str, latex: str, element: str) -> None:
    out = mathml_here(latex, display=True)
    assert out is not None
    tree = ET.fromstring(out)  # well-formed
    assert tree.tag == "math" and tree.get("display") == "block"
    assert tree.find(f".//{element}") is not None


HOSTILE = (
    ("script in text", r"\text{<script>alert(1)</script>}", "<script"),
    ("href", r"\href{javascript:alert(1)}{x}", "javascript"),
    ("colour hides text", r"\color{white}{secret}", "white"),
    ("entity", r"\text{&lt;b&gt;}", "<b>"),
    ("ampersand", r"a & b", "& "),
)


@pytest.mark.parametrize(("name", "latex", "never"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_latex_never_becomes_markup(name: str, latex: str, never: str) -> None:
    out = MathRenderer().auto(latex, True)
    assert "<script" not in out and "<b>" not in out
    body = out.split('">', 1)[-1]  # the MathML after the span holding the (escaped) source
    assert body.startswith("<math") and never not in body


NOT_TYPESET = (
    ("empty", ""),
    ("too long", "x+" * (MAX_CHARS // 2 + 1)),
    ("unknown style", r"\style{x}"),
)


@pytest.mark.parametrize(("name", "latex"), NOT_TYPESET, ids=[n[0] for n in NOT_TYPESET])
def test_what_does_not_convert_is_shown_as_source(name: str, latex: str) -> None:
    assert mathml_here(latex) is None
    if latex:
        assert MathRenderer().math(latex).startswith('<code class="tex">')


SPLITS = (
    ("inline", "when $z<0$ it is 0", [("when ", None), ("z<0", False), (" it is 0", None)]),
    ("display", "so $$a=b$$", [("so ", None), ("a=b", True)]),
    ("parens", r"\(x\) and \[y\]", [("x", False), (" and ", None), ("y", True)]),
    ("escaped dollar", r"costs \$5", [(r"costs \$5", None)]),
    ("unclosed", "a $b", [("a $b", None)]),
)


@pytest.mark.parametrize(("name", "text", "pieces"), SPLITS, ids=[s[0] for s in SPLITS])
def test_split_math(name: str, text: str, pieces: list[tuple[str, bool | None]]) -> None:
    assert split_math(text) == pieces


PROSE = (
    ("sentence", "ReLU passes no gradient to the negative unit.", True),
    ("formula", r"\sigma(x)(1 - \sigma(x))", False),
    ("assignment list", "w = (1, 1), b = -3", False),
    ("text in math", r"\text{the gradient is} 0", False),
)


@pytest.mark.parametrize(("name", "text", "prose"), PROSE, ids=[p[0] for p in PROSE])
def test_prose_or_formula(name: str, text: str, prose: bool) -> None:
    assert looks_like_prose(text) is prose


def test_prose_answers_typeset_only_their_math() -> None:
    out = MathRenderer().auto("ReLU has zero gradient when $z < 0$ & so on.")
    assert out.startswith("ReLU has zero gradient when <span class=\"math\"")
    assert "&amp; so on." in out and out.count("<math") == 1
