"""Math block extraction: delimiters, exact lines and offsets, equation numbers, code, macros."""

from __future__ import annotations

import pytest

from grader.extract import parse_document
from grader.extract.document import find_boxed

MD = """# Title

Text with $a+b$ inline and \\(c\\) too, a price of \\$5 and \\$6.

$$
E = mc^2
$$
(3)

$$x = 1 \\quad (4)$$

$$y = 2 \\tag{5}$$

$$z = 3 \\qquad (6)$$

```python
x = "$not math$"
$$ also not math $$
```

```math
f(x) = x^2
```

\\[ g = 1, \\]
\\begin{align*}
a &= b \\\\
  &= c
\\end{align*}

$$\\frac{a}{b} = \\boxed{q_x - p_x}$$

$$w = 0 \\dots\\dots(7)$$
"""


def _blocks(text: str, kind: str = "md") -> list[tuple[str, int, int, bool, str | None, str, str]]:
    doc = parse_document(text, kind=kind)
    return [(b.latex, b.line, b.end_line, b.display, b.tag, b.env, b.delim) for b in doc.blocks]


def test_blocks_lines_tags_and_fences() -> None:
    assert _blocks(MD) == [
        ("a+b", 3, 3, False, None, "", "$"),
        ("c", 3, 3, False, None, "", "\\("),
        ("E = mc^2", 5, 7, True, "3", "", "$$"),
        ("x = 1", 10, 10, True, "4", "", "$$"),
        ("y = 2", 12, 12, True, "5", "", "$$"),
        ("z = 3", 14, 14, True, "6", "", "$$"),
        ("f(x) = x^2", 21, 23, True, None, "", "fence"),
        ("g = 1", 25, 25, True, None, "", "\\["),
        ("a &= b \\\\\n  &= c", 26, 29, True, None, "align*", "env"),
        ("\\frac{a}{b} = \\boxed{q_x - p_x}", 31, 31, True, None, "", "$$"),
        ("w = 0", 33, 33, True, "7", "", "$$"),
    ]


def test_offsets_point_at_the_math() -> None:
    doc = parse_document(MD, kind="md")
    for b in doc.blocks:
        head = b.latex[:3]
        assert doc.text[b.offset : b.offset + len(head)] == head


def test_boxed_recorded() -> None:
    doc = parse_document(MD, kind="md")
    assert doc.blocks[-2].boxed == ("q_x - p_x",)
    assert find_boxed("\\boxed{a \\boxed{b}} + \\boxed{c}") == ("a \\boxed{b}", "c")


def test_next_line_number_is_not_a_heading() -> None:
    doc = parse_document("1 Intro\n$$a = 1$$\n (12)\n(b) part\n", kind="md")
    assert doc.blocks[0].tag == "12"
    assert [s.id for s in doc.sections] == ["1", "1/(b)"]


def test_tag_alone_moves_to_previous_block() -> None:
    doc = parse_document("$$a = b$$\n\n$$\\tag{9}$$\n", kind="md")
    assert [(b.latex, b.tag) for b in doc.blocks] == [("a = b", "9")]


def test_multiline_dollars_and_cases_env() -> None:
    doc = parse_document("$$\\begin{cases}\n x = 1 \\\\\n y = 2\n\\end{cases}$$\n(19)\n", kind="md")
    (b,) = doc.blocks
    assert (b.line, b.end_line, b.env, b.tag) == (1, 4, "cases", "19")


def test_inline_does_not_cross_paragraphs() -> None:
    doc = parse_document("costs $5 today\n\nand $x$ here", kind="md")
    assert [b.latex for b in doc.blocks] == ["x"]


TEX = r"""\documentclass{article}
\newcommand{\mat}[1]{\begin{bmatrix}#1\end{bmatrix}}
\newcommand{\alignStar}[1]{\begin{align*}#1\end{align*}}
\def\half{\frac 1 2}
\renewcommand\R{\mathbb{R}}
\DeclareMathOperator{\softmax}{softmax}
\newcommand{\pair}[2][0]{(#1, #2)}
\begin{document}
\section{One}
% a comment with $fake = math$
Price 5\% and $x \in \R$ % trailing $y$
\begin{verbatim}
$not = math$
\end{verbatim}
\verb|$nope$| and
\begin{equation}
W = \mat{1 & 2} \label{eq:w}
\end{equation}
\[ h = \half + \softmax(z) + \pair{a} + \pair[b]{c} \]
\begin{lstlisting}
\begin{align} no \end{align}
\end{lstlisting}
\end{document}
"""


def test_tex_comments_verbatim_and_macros() -> None:
    doc = parse_document(TEX)
    assert doc.kind == "tex"
    assert [(b.latex, b.line, b.env) for b in doc.blocks] == [
        ("x \\in \\mathbb{R}", 11, ""),
        ("W = \\begin{bmatrix}1 & 2\\end{bmatrix}", 16, "equation"),
        ("h = \\frac 1 2 + \\operatorname{softmax}(z) + (0, a) + (b, c)", 19, ""),
    ]
    assert {m.name for m in doc.macros} >= {"mat", "alignStar", "half", "R", "softmax", "pair"}


def test_percent_is_text_in_markdown() -> None:
    doc = parse_document("50% of $x$ % and $y$", kind="md")
    assert [b.latex for b in doc.blocks] == ["x", "y"]


def test_input_is_never_followed() -> None:
    doc = parse_document("\\documentclass{article}\n\\input{/etc/passwd}\n\\include{other}\n$a$\n")
    assert [b.latex for b in doc.blocks] == ["a"]


def test_self_reproducing_macro_is_left_alone() -> None:
    doc = parse_document("\\def\\a{\\a\\a}\n$$x = \\a$$\n", kind="tex")
    assert doc.blocks[0].latex == "x = \\a"
    assert any("macro expansion limit" in w for w in doc.warnings)


ANSWERS = r"""\documentclass{article}
\newcommand{\answer}[2]{\boxed{#2}}
\begin{document}
\section{A}
$$\answer{1.dEdz}{q_x - p_x}$$
\[ \answer{2.dEdB}{$\frac{1}{2}$} \]
% \answer{3.x}{commented out}
\end{document}
"""


def test_structured_answers() -> None:
    doc = parse_document(ANSWERS)
    assert [(a.part_id, a.latex, a.line, a.section) for a in doc.answers] == [
        ("1.dEdz", "q_x - p_x", 5, "1"),
        ("2.dEdB", "\\frac{1}{2}", 6, "1"),
    ]
    assert doc.blocks[0].boxed == ("q_x - p_x",)


def test_one_argument_answer_macro_is_not_structured() -> None:
    doc = parse_document("\\def\\answer#1{#1}\n\\answer{x}{y}\n", kind="tex")
    assert doc.answers == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("\\documentclass{article}\n", "tex"),
        ("\\section{A}\n", "tex"),
        ("# A\n$$x$$", "md"),
        ("1 Problem 1\n$$x$$", "md"),
    ],
)
def test_kind_detection(text: str, kind: str) -> None:
    assert parse_document(text).kind == kind


def test_prose_and_section_text() -> None:
    doc = parse_document("1 Intro\nWe have $x$ here.\n$$y = 1$$\n2 Next\n", kind="md")
    s = doc.sections[0]
    assert doc.section_text(s) == "We have $x$ here.\n$$y = 1$$"
    assert doc.section_text(s, math=False).split() == ["We", "have", "here."]
    assert doc.text_lines[1] == "We have $x$ here."
