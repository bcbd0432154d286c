"""Heading recognition, one row per form seen in real submissions."""

from __future__ import annotations

import pytest

from grader.extract import parse_document
from grader.extract.headings import classify_line

# line -> (kind, number, title, level); level None means "one below the enclosing heading"
HEADINGS = (
    ("1 Problem 1: CNN", ("numbered", "1", "Problem 1: CNN", 1)),
    ("## 2 Problem 2", ("numbered", "2", "Problem 2", 1)),
    ("3.1.2 Backward Propagation", ("numbered", "3.1.2", "Backward Propagation", 3)),
    ("#### 3.1.1 Forward Propagation", ("numbered", "3.1.1", "Forward Propagation", 3)),
    ("## 3.2 Code Analysis", ("numbered", "3.2", "Code Analysis", 2)),
    ("1.2", ("numbered", "1.2", "", 2)),
    ("2.1. Forward", ("numbered", "2.1", "Forward", 2)),
    ("Question 3:", ("named", "Question 3", "", 1)),
    ("Problem 4: SVM", ("named", "Problem 4", "SVM", 1)),
    ("## Task 1", ("named", "Task 1", "", 2)),
    ("Q2.", ("named", "Q2", "", 1)),
    ("(b)", ("label", "(b)", "", None)),
    ("(a) CNN", ("label", "(a)", "CNN", None)),
    ("**(a)**", ("label", "(a)", "", None)),
    ("### (a) (4 points)  Adam Optimizer", ("label", "(a)", "(4 points)  Adam Optimizer", None)),
    ("#### i.  (2 points)  Briefly explain", ("label", "(i)", "(2 points)  Briefly explain", None)),
    ("1. First note that", ("item", "1", "First note that", None)),
    ("# Assignment #1", ("atx", "", "Assignment #1", 1)),
    ("![3b](Assignment2-img/3b.jpg)", ("image", "3b", "", None)),
    ("![](img/q2a.png)", ("image", "q2a", "", None)),
    ("**2 Conv Layers**", ("numbered", "2", "Conv Layers", 1)),
)

# answer markers: not headings, they say where the answer to the enclosing part starts
MARKERS = (
    ("#### Answer:", ""),
    ("#### Answer", ""),
    ("Answers:", ""),
    ("**Answer:** 2n steps.", "2n steps."),
    ("**Answer**: yes", "yes"),
    ("Solution. We have", "We have"),
    ("**解：**", ""),
    ("**解:**  ", ""),
)

NOT_HEADINGS = (
    pytest.param("- 1. Write down the gradient", id="bullet-numbered"),
    pytest.param("- (a) Input: a matrix", id="bullet-label"),
    pytest.param("(3)", id="lone-equation-number"),
    pytest.param("0.5 is the threshold", id="zero-first"),
    pytest.param("2 \\times 3 matrix", id="math-after-number"),
    pytest.param("Answer the following questions", id="answer-as-a-verb"),
    pytest.param("**2 Conv Layers**: two 3x3 convolutions", id="bold-lead-in"),
    pytest.param("![img](https://pic4.example.com/v2-b8687c2cf.jpg)", id="picture-not-numbered"),
    pytest.param("![a](a.png)", id="picture-letter"),
    pytest.param("Part 2 of the proof shows that the bound holds for every k", id="sentence"),
    pytest.param("> 1. quoted", id="blockquote"),
    pytest.param("", id="empty"),
)


@pytest.mark.parametrize(("line", "expected"), HEADINGS, ids=[h[0] for h in HEADINGS])
def test_heading_forms(line: str, expected: tuple[str, str, str, int | None]) -> None:
    hit = classify_line(line)
    assert hit is not None
    kind, number, title, level = expected
    assert (hit.kind, hit.number, hit.title) == (kind, number, title)
    if level is not None:
        assert hit.level == level


@pytest.mark.parametrize(("line", "rest"), MARKERS, ids=[m[0] for m in MARKERS])
def test_answer_markers(line: str, rest: str) -> None:
    hit = classify_line(line)
    assert hit is not None and hit.kind == "marker" and hit.title == rest


@pytest.mark.parametrize("line", NOT_HEADINGS)
def test_not_headings(line: str) -> None:
    assert classify_line(line) is None


def test_tree_and_ids() -> None:
    text = "\n".join(
        [
            "1 Problem 1: CNN",  # 1
            "text",
            "1.1 Forward",  # 3
            "$$a = 1$$",
            "(a) first part",  # 5
            "1. item one",  # 6
            "(b)",  # 7
            "2 Problem 2",  # 8
            "2.1",  # 9
            "7.5 not a heading: 7 is too far from 2",  # 10
            "3.3 not a heading: no 3 yet",  # 11
        ]
    )
    doc = parse_document(text, kind="md")
    got = [(s.id, s.level, s.line, s.end_line, s.path) for s in doc.sections]
    assert got == [
        ("1", 1, 1, 7, ()),
        ("1.1", 2, 3, 7, ("1",)),
        ("1.1/(a)", 3, 5, 6, ("1", "1.1")),
        ("1.1/(a)/1", 4, 6, 6, ("1", "1.1", "1.1/(a)")),
        ("1.1/(b)", 3, 7, 7, ("1", "1.1")),
        ("2", 1, 8, 11, ()),
        ("2.1", 2, 9, 11, ("2",)),
    ]
    assert doc.blocks[0].section == "1.1"
    assert [s.id for s in doc.find_sections("(b)")] == ["1.1/(b)"]
    assert [s.id for s in doc.find_sections("forward")] == ["1.1"]


TEX = r"""\documentclass{article}
\begin{document}
\section{Intro}
\section*{Unnumbered}
\subsection{}
\subsection{Softmax}
\begin{enumerate}
\item first $a=1$
\item[(z)] second
\begin{enumerate}
\item inner
\end{enumerate}
\end{enumerate}
\begin{itemize}\item not a part\end{itemize}
\subsubsection{Deep}
\section{Next}
\end{document}
"""


def test_tex_sections_numbered_like_latex() -> None:
    doc = parse_document(TEX)
    assert doc.kind == "tex"
    got = [(s.number, s.title, s.level, s.line) for s in doc.sections]
    assert got == [
        ("1", "Intro", 1, 3),
        ("", "Unnumbered", 1, 4),
        ("1.1", "", 2, 5),
        ("1.2", "Softmax", 2, 6),
        ("1", "", 3, 8),
        ("(z)", "", 3, 9),
        ("(a)", "", 4, 11),
        ("1.2.1", "Deep", 3, 15),
        ("2", "Next", 1, 16),
    ]
    assert doc.blocks[0].section == "1.2/1"
