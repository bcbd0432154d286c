"""The locator on synthetic documents written in the style of the real submissions."""

from __future__ import annotations

import pytest

from grader.extract import Candidate, PartQuery, locate, parse_document, same_key, target_key

DOC = r"""ECE 000 Assignment

1 Problem 1: CNN

$$E = -\sum_i p_i \ln q_i = \ln \sum_j e^{z_j} - \sum_i p_i z_i$$
(1)

$$\frac{\partial E}{\partial z_x} = \frac{e^{z_x}}{\sum_j e^{z_j}} - p_x$$

$$= q_x - p_x, (1 \le x \le N)$$
(2)

2 Problem 2: Network

2.1 Backward

$$\frac{\partial E}{\partial B} = \frac{\partial E}{\partial Z} \cdot \frac{\partial Z}{\partial B} = \begin{bmatrix} \frac{e}{1+e} - 0.3 \\ 0 \end{bmatrix}$$
 (11)

$$\frac{\partial E}{\partial W} = \frac{\partial E}{\partial Z} X^T = \begin{bmatrix} a & a \\ 0 & 0 \end{bmatrix} \quad (12)$$

2.2 Results

$$B' = B - \alpha \frac{\partial E}{\partial B} = \begin{bmatrix} -0.0086 \\ 0 \end{bmatrix}$$

3 Problem 3: CNN

3.1 Derivation

$$m11 = m11 - \alpha \frac{\partial E}{\partial m11} = 0.3637 \quad (19)$$

3.2 Conclusion

$$w_{11} = 0.1497, m_{11} = 0.3655 \quad (21)$$

4 Problem 4: SVM

$$\begin{cases} w_1 = -1 \\ w_2 = 1 \\ b = -1 \end{cases}$$
(23)

$$\boxed{-x_1 + x_2 - 1 = 0}$$

5 Problem 5

Since $\frac{\partial L}{\partial h} = W' S(y) = \frac{\partial L}{\partial w_k} = 7$ we are done.

$$y = 1$$

$$y = 2$$

6 Essay

Transformers train in parallel.
"""

# (part, sections, targets, kind, prefer) -> (latex, line, how)
LOCATE = (
    ("1.dEdz", ("1",), (r"\frac{\partial E}{\partial z_x}",), "expression", "final", ("q_x - p_x", 10, "target-lhs")),
    ("1.dEdz-dfrac", ("1",), (r"\dfrac{\partial\,E}{\partial z_{x}}",), "expression", "final", ("q_x - p_x", 10, "target-lhs")),
    ("2.dEdB", ("2.1",), (r"\frac{\partial E}{\partial B}",), "expression", "final",
     (r"\begin{bmatrix} \frac{e}{1+e} - 0.3 \\ 0 \end{bmatrix}", 17, "target-lhs")),
    ("2.dEdW", ("Backward",), (r"\frac{\partial E}{\partial W}",), "expression", "final",
     (r"\begin{bmatrix} a & a \\ 0 & 0 \end{bmatrix}", 20, "target-lhs")),
    ("2.Bnew", ("2.2",), ("B'",), "expression", "final", (r"\begin{bmatrix} -0.0086 \\ 0 \end{bmatrix}", 24, "target-lhs")),
    ("2.Bnew-prime", ("2",), ("B^{\\prime}",), "expression", "final", (r"\begin{bmatrix} -0.0086 \\ 0 \end{bmatrix}", 24, "target-lhs")),
    ("2.Bnew-eq", ("2.2",), ("B'",), "equation", "final",
     (r"B' = \begin{bmatrix} -0.0086 \\ 0 \end{bmatrix}", 24, "target-lhs")),
    ("3.m11-final", ("3",), ("m_{11}",), "number", "final", ("0.3655", 34, "target-lhs")),
    ("3.m11-first", ("3",), ("m_{11}",), "number", "first", ("0.3637", 30, "target-lhs")),
    ("3.m11-derivation", ("3.1",), ("m_11",), "number", "final", ("0.3637", 30, "target-lhs")),
    ("3.w11-anywhere", (), ("w11",), "number", "final", ("0.1497", 34, "target-lhs")),
    ("3.w11-wrong-section", ("2.2",), ("w_{11}",), "number", "final", ("0.1497", 34, "target-lhs")),
    ("4.system", ("4",), ("w_1", "w_2", "b"), "system", "final",
     (r"\begin{cases} w_1 = -1 \\ w_2 = 1 \\ b = -1 \end{cases}", 38, "system")),
    ("4.hyperplane", ("Problem 4",), (), "equation", "final", ("-x_1 + x_2 - 1 = 0", 41, "boxed")),
    ("5.dLdw", ("5",), (r"\frac{\partial L}{\partial w_k}",), "expression", "final", ("7", 45, "target-step")),
    ("5.section-last", ("5",), ("q",), "expression", "final", ("2", 49, "section-last")),
    ("6.essay", ("6",), (), "prose", "final", ("Transformers train in parallel.", 51, "prose")),
)


@pytest.fixture(scope="module")
def doc():  # type: ignore[no-untyped-def]
    return parse_document(DOC, kind="md")


@pytest.mark.parametrize(("part", "sections", "targets", "kind", "prefer", "expected"), LOCATE, ids=[r[0] for r in LOCATE])
def test_locate(doc, part: str, sections: tuple[str, ...], targets: tuple[str, ...], kind: str, prefer: str,  # type: ignore[no-untyped-def]
                expected: tuple[str, int, str]) -> None:
    found = locate(doc, PartQuery(part, sections, targets, prefer, kind))
    assert found, "nothing found"
    best = found[0]
    assert (best.latex, best.line, best.how) == expected


def test_conflict_reported_both_ways(doc) -> None:  # type: ignore[no-untyped-def]
    (best, other) = locate(doc, PartQuery("3.m11", ("3",), ("m_{11}",)))
    assert (best.latex, best.section) == ("0.3655", "3.2")
    assert [(c.latex, c.line, c.section) for c in best.conflicts] == [("0.3637", 30, "3.1")]
    assert other.latex == "0.3637"
    assert best.score >= other.score


def test_chain_steps_are_returned(doc) -> None:  # type: ignore[no-untyped-def]
    best = locate(doc, PartQuery("1", ("1",), (r"\frac{\partial E}{\partial z_x}",)))[0]
    assert [s.relation for s in best.chain] == ["", "=", "="]
    assert [s.line for s in best.chain] == [8, 8, 10]


def test_missing(doc) -> None:  # type: ignore[no-untyped-def]
    assert locate(doc, PartQuery("x", ("6",), (r"\gamma",))) == []  # no math there, no gamma anywhere
    assert locate(doc, PartQuery("x", ("9.9",), ())) == []
    assert locate(doc, PartQuery("x", (), ())) == []


BOXED_AND_ANSWER = r"""\documentclass{article}
\newcommand{\answer}[2]{\boxed{#2}}
\begin{document}
\section{Gradients}
\[ \frac{\partial E}{\partial B} = 0.5 \]
\[ \frac{\partial E}{\partial B} = \boxed{0.25} \]
\[ \answer{1.dEdB}{\frac{1}{4}} \]
\section{Other}
\[ \boxed{\frac{\partial E}{\partial W} = 3} \]
\[ \frac{\partial E}{\partial W} = 4 \]
\end{document}
"""


def test_answer_macro_beats_everything() -> None:
    doc = parse_document(BOXED_AND_ANSWER)
    found = locate(doc, PartQuery("1.dEdB", ("1",), (r"\frac{\partial E}{\partial B}",)))
    assert [(c.how, c.latex, c.line) for c in found] == [
        ("answer-macro", r"\frac{1}{4}", 7),
        ("boxed", "0.25", 6),
        ("target-lhs", "0.5", 5),
    ]
    assert [c.latex for c in found[0].conflicts] == ["0.25", "0.5"]


def test_boxed_with_target_lhs_gives_its_value() -> None:
    doc = parse_document(BOXED_AND_ANSWER)
    found = locate(doc, PartQuery("2.dEdW", ("Other",), (r"\frac{\partial E}{\partial W}",)))
    assert (found[0].how, found[0].latex, found[0].line) == ("boxed", "3", 9)
    assert found[0].conflicts[0].latex == "4"


def test_injected_matcher() -> None:
    doc = parse_document("$$\\operatorname{grad}_B E = 7$$\n", kind="md")
    q = PartQuery("p", (), (r"\frac{\partial E}{\partial B}",))
    assert locate(doc, q) == []

    def same(lhs: str, target: str) -> bool | None:
        return lhs == "\\operatorname{grad}_B E" or None

    found = locate(doc, q, same_target=same)
    assert [c.latex for c in found] == ["7"]

    def broken(lhs: str, target: str) -> bool | None:
        raise ValueError("parser blew up")

    assert locate(doc, q, same_target=broken) == []


def test_prefer_validated() -> None:
    with pytest.raises(ValueError):
        PartQuery("p", prefer="last")


def test_candidate_is_a_value() -> None:
    c = Candidate("1", 1, "1", "boxed")
    assert c == Candidate("1", 1, "1", "boxed")
    assert hash(c) == hash(Candidate("1", 1, "1", "boxed"))


SAME_NAMES = (
    ("w_{11}", "w_11"),
    ("w_{11}", "w11"),
    ("B^{\\prime}", "B'"),
    ("B^\\prime", "{B}'"),
    ("\\frac{\\partial loss}{\\partial P}", "\\frac{\\partial\\,loss}{\\partial P}"),
    ("\\dfrac{\\partial E}{\\partial W}", "\\tfrac{\\partial E}{\\partial W}"),
    ("\\left( x \\right)", "(x)"),
    ("\\mathrm{Loss}", "Loss"),
    ("\\text{softmax}(z)", "\\operatorname{softmax}(z)"),
    ("X^{T}", "X^\\top"),
    ("\\mathbf{W}_h", "W_h"),
    ("x^{2}", "x^2"),
)
DIFFERENT_NAMES = (
    ("w_{12}", "w_{11}"),
    ("h_{t-1}", "h_t - 1"),
    ("x^{t-1}", "x^t - 1"),
    ("\\frac{ab}{c}", "\\frac{a}{bc}"),
    ("B'", "B"),
    ("E", "e"),
)


@pytest.mark.parametrize(("a", "b"), SAME_NAMES)
def test_same_names(a: str, b: str) -> None:
    assert same_key(a, b), (target_key(a), target_key(b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT_NAMES)
def test_different_names(a: str, b: str) -> None:
    assert not same_key(a, b), (target_key(a), target_key(b))
