"""The section address language and the labels that are not headings, one small document per class
of real homework (written here in the style of the corpus, never copied from it)."""

from __future__ import annotations

import pytest

from grader.extract import PartQuery, locate, parse_document
from grader.extract.address import parse_address

ADDRESSES = (
    ("1", ("1",)), ("2.3", ("2", "3")), ("1.2(b)", ("1", "2", "b")), ("1.2/(b)", ("1", "2", "b")),
    ("1.2b", ("1", "2", "b")), ("2/1", ("2", "1")), ("(b)", ("b",)), ("3(a)(ii)", ("3", "a", "ii")),
    ("1(b)i", ("1", "b", "i")), ("Question 3", ("3",)), ("Q3a", ("3", "a")), ("Task 1", ("1",)),
    ("Part A", ("a",)), ("3/(b)", ("3", "b")), ("Problem 2.1", ("2", "1")),
)
NOT_ADDRESSES = ("Results", "Softmax loss", "Nonlinear Activation Functions", "", "x" * 80)


@pytest.mark.parametrize("text,address", ADDRESSES, ids=[a[0] for a in ADDRESSES])
def test_address(text: str, address: tuple[str, ...]) -> None:
    assert parse_address(text) == address


@pytest.mark.parametrize("text", NOT_ADDRESSES, ids=[t[:20] or "empty" for t in NOT_ADDRESSES])
def test_not_an_address(text: str) -> None:
    assert parse_address(text) is None


BOLD_LABELS = """## 1 Convolutions

**(a)** $4 \\times 6$

**(b)**
$$
H' = 1 + \\lfloor \\frac{H + 2P - K}{S} \\rfloor
$$

## 2 Recurrences

1. First item: $$h_1 = 2$$
2. Second item
$$h_2 = 3$$
"""

PLAIN_LABELS = """1 Softmax
(a) Show that the softmax is shift invariant.

$$s(x) = s(x + c)$$

(b) Derive the gradient.
$$\\frac{\\partial L}{\\partial z} = q - p$$
(i) the diagonal
$$J_{ii} = q_i (1 - q_i)$$
(ii) off the diagonal
$$J_{ij} = -q_i q_j$$
(c) Count the parameters
$$n = 12$$
(h) eighth part
$$y = 8$$
(i) ninth part
$$y = 9$$
"""

TEX_LABELS = r"""\documentclass{article}
\begin{document}
\section{Word vectors}
(a) (3 points) Show that the loss is the cross-entropy:
$$-\sum_w y_w \log \hat y_w = -\log \hat y_o$$
\textbf{Answer:} since $y$ is one-hot,
\begin{align*}
-\sum_w y_w \log \hat y_w &= -\log \hat y_o
\end{align*}
\noindent (b) (5 points) Compute $\frac{\partial J}{\partial v_c}$.
\textbf{Answer:}
\begin{align*}
\frac{\partial J}{\partial v_c} &= U(\hat y - y)
\end{align*}
\noindent\textbf{(c)} Count them.
\[ n = 7 \]
\section{Lists}
\begin{enumerate}[label=(\roman*)]
\item $x = 1$
\item $x = 2$
\end{enumerate}
\begin{enumerate}
\item $y = 10$
\item $y = 20$
\end{enumerate}
\end{document}
"""

LIST_MACROS = r"""\documentclass{article}
\def\ans#1{\par{Answer: #1}}
\newcommand{\enum}[1]{\begin{enumerate}#1\end{enumerate}}
\def\items#1{\begin{itemize}#1\end{itemize}}
\begin{document}
\section{Networks}
\subsection{By hand}
Given $W$ and $v = \begin{bmatrix} 3 \\ 1 \end{bmatrix}$, compute $\hat y$.
\[ W = \begin{bmatrix} 1 & 2 \end{bmatrix} \]
\ans{$z = 0$ \\ $\hat{y} = 1.5$}
\section{Short answers}
\items{\item an itemize item is not a part}
\enum{
\item What is it? \ans{$a = 1$}
\item And this? \ans{$a = 2$}
\item Count. \ans{$10 + 3 = 13$}
}
\end{document}
"""

MARKDOWN_MARKERS = """# Assignment

## 2 Basics

(a) Show that $$\\sigma(x) = \\frac{1}{1+e^{-x}}$$ is smooth.

#### Answer:
$$\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))$$

(b) What is $$\\frac{\\partial J}{\\partial \\theta} = ?$$

**Answer:** $\\frac{\\partial J}{\\partial \\theta} = \\hat y - y$
"""

IMAGES = """# Solutions

![1a](img/1a.jpg)
**Solution:**
$$ \\gamma = \\frac{1}{1 - p} $$

![1b](img/1b.jpg)
**Solution:**
$$ \\gamma = 5 $$

![21](img/21.jpg)

![2](img/2.jpg)
$$ k = 2 $$
"""

WORDS = """# Homework

## Softmax loss

$$L = -\\log q_y$$

## Perceptron

$$w = 4$$

**2 Conv Layers**: two 3x3 convolutions, $n = 3$.
"""

# (document, kind, sections, targets, answer kind) -> (latex, line)
LOCATE = (
    ("bold-label-answer-on-its-line", BOLD_LABELS, "md", ("1(a)",), (), "expression", ("4 \\times 6", 3)),
    ("bold-label-next-line", BOLD_LABELS, "md", ("1.b",), ("H'",), "expression", ("1 + \\lfloor \\frac{H + 2P - K}{S} \\rfloor", 7)),
    ("item-with-math-only", BOLD_LABELS, "md", ("2/1",), ("h_1",), "expression", ("2", 12)),
    ("item-address-dotted", BOLD_LABELS, "md", ("2.2",), ("h_2",), "expression", ("3", 14)),
    ("plain-label", PLAIN_LABELS, "md", ("1(c)",), ("n",), "number", ("12", 13)),
    ("roman-under-letter", PLAIN_LABELS, "md", ("1(b)(ii)",), (), "expression", ("-q_i q_j", 11)),
    ("letter-after-h-is-i", PLAIN_LABELS, "md", ("1(i)",), ("y",), "number", ("9", 17)),
    ("tex-label-after-answer-marker", TEX_LABELS, "tex", ("1(b)",), (r"\frac{\partial J}{\partial v_c}",), "expression",
     ("U(\\hat y - y)", 13)),
    ("tex-bold-label", TEX_LABELS, "tex", ("1(c)",), (), "number", ("7", 16)),
    ("tex-roman-enumerate", TEX_LABELS, "tex", ("2(ii)",), ("x",), "number", ("2", 20)),
    ("tex-numbering-restarts", TEX_LABELS, "tex", ("2.2",), ("y",), "number", ("20", 24)),
    ("list-macro-items", LIST_MACROS, "tex", ("2.2",), ("a",), "number", ("2", 15)),
    ("answer-macro-inline-last", LIST_MACROS, "tex", ("2.3",), (), "number", ("13", 16)),
    ("answer-macro-skips-question", LIST_MACROS, "tex", ("1.1",), (), "number", ("1.5", 10)),
    ("md-answer-marker-skips-question", MARKDOWN_MARKERS, "md", ("2(a)",), (), "expression",
     ("\\sigma(x)(1 - \\sigma(x))", 8)),
    ("md-bold-answer-on-line", MARKDOWN_MARKERS, "md", ("2(b)",), (r"\frac{\partial J}{\partial \theta}",), "expression",
     ("\\hat y - y", 12)),
    ("image-question", IMAGES, "md", ("1(b)",), ("\\gamma",), "expression", ("5", 9)),
    ("image-number-out-of-sequence", IMAGES, "md", ("2",), ("k",), "number", ("2", 14)),
    ("heading-words-last-formula", WORDS, "md", ("Softmax loss",), (), "expression", ("-\\log q_y", 5)),
    ("bold-lead-in-is-not-a-heading", WORDS, "md", ("Perceptron",), ("n",), "number", ("3", 11)),
)


@pytest.mark.parametrize("text,kind,sections,targets,answer_kind,expected", [c[1:] for c in LOCATE], ids=[c[0] for c in LOCATE])
def test_locate_in_section(text: str, kind: str, sections: tuple[str, ...], targets: tuple[str, ...], answer_kind: str,
                           expected: tuple[str, int]) -> None:
    found = locate(parse_document(text, kind=kind), PartQuery("p", sections, targets, "final", answer_kind))
    assert found, "nothing found"
    assert (found[0].latex, found[0].line) == expected


def test_one_is_not_item_one_of_two() -> None:
    doc = parse_document("## 1 A\n\n$$x = 1$$\n\n## 2 B\n\n1. first $$y = 2$$\n", kind="md")
    assert [s.id for s in doc.find_sections("1")] == ["1"]
    assert [s.id for s in doc.find_sections("2/1")] == [s.id for s in doc.find_sections("2.1")] == ["2/1"]


def test_question_math_is_not_an_answer() -> None:
    doc = parse_document(TEX_LABELS)
    question = [doc.blocks[i].latex for i in sorted(doc.question_blocks)]
    assert question[0].startswith("-\\sum_w") and not any("U(" in q for q in question)
    assert not parse_document(WORDS, kind="md").question_blocks


def test_bare_label_matches_every_such_label() -> None:
    doc = parse_document(PLAIN_LABELS, kind="md")
    assert [s.address for s in doc.find_sections("(ii)")] == [("1", "b", "ii")]
    assert len(doc.find_sections("(a)")) == 1
