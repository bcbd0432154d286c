"""Systems of assignments in every common written form, and several boxes in one display."""

from __future__ import annotations

import pytest

from grader.extract import PartQuery, locate, parse_document
from grader.extract.locate import vector_entries
from grader.grading.grade import grade_submission
from grader.rubric.loader import load_rubric_text

TARGETS = ("w_1", "w_2", "b")

# (id, document) -> the values the three targets take, and the line of the last one
SYSTEMS = (
    ("comma-list", "## 4 SVM\n\n$$w_1 = 0.5, w_2 = 0.5, b = 0$$\n", ("0.5", "0.5", "0"), 3),
    ("align-rows", "## 4 SVM\n\\begin{align*}\nw_1 &= 0.5 \\\\\nw_2 &= 0.5 \\\\\nb &= 0\n\\end{align*}\n", ("0.5", "0.5", "0"), 5),
    ("separate-displays", "## 4 SVM\n\n$$w_1 = \\frac{1}{2}$$\n\nand\n\n$$w_2 = 0.5$$\n\n$$b = 0$$\n", ("\\frac{1}{2}", "0.5", "0"), 9),
    ("bold-vector-brackets", "## 4 SVM\n\n$$\\mathbf{w} = [0.5, 0.5]$$ and $b = 0$.\n", ("0.5", "0.5", "0"), 3),
    ("tuple-vector", "## 4 SVM\n\nSo $w = (0.5, 0.5)$ and\n$$b = -1$$\n", ("0.5", "0.5", "-1"), 4),
    ("column-vector", "## 4 SVM\n\n$$\\vec{w} = \\begin{bmatrix} 2 \\\\ 2 \\end{bmatrix}, \\quad b = -3$$\n", ("2", "2", "-3"), 3),
    ("last-statement-wins", "## 4 SVM\n\n$$w_1 = 1, w_2 = 1, b = 1$$\n\nso finally\n\n$$w_1 = 0.5, w_2 = 0.5, b = 0$$\n",
     ("0.5", "0.5", "0"), 7),
)


@pytest.mark.parametrize("text,values,line", [c[1:] for c in SYSTEMS], ids=[c[0] for c in SYSTEMS])
def test_system_forms(text: str, values: tuple[str, ...], line: int) -> None:
    found = locate(parse_document(text, kind="md"), PartQuery("p", ("4",), TARGETS, "final", "system"))
    assert found and found[0].how == "system"
    rows = [s.latex for s in found[0].chain] if found[0].latex.startswith("\\begin{cases} w_1 =") else []
    if rows:
        assert rows == [f"{t} = {v}" for t, v in zip(TARGETS, values, strict=True)]
        assert found[0].line == line
    else:  # a single block that is the system itself
        assert all(v in found[0].latex for v in values)


def test_system_needs_every_target() -> None:
    doc = parse_document("## 4 SVM\n\n$$w_1 = 0.5$$\n\n$$w_2 = 0.5$$\n", kind="md")
    found = locate(doc, PartQuery("p", ("4",), TARGETS, "final", "system"))
    assert all(c.how != "system" and c.weak for c in found)  # only the weak last-formula fallback


def test_vector_needs_as_many_entries_as_the_family() -> None:
    doc = parse_document("## 4 SVM\n\n$$w = (1, 2, 3)$$\n\n$$b = 0$$\n", kind="md")
    assert all(c.how != "system" for c in locate(doc, PartQuery("p", ("4",), TARGETS, "final", "system")))


@pytest.mark.parametrize("text,entries", [
    ("[0.5, 0.5]", ["0.5", "0.5"]), ("(a, b)^T", ["a", "b"]), ("\\begin{pmatrix} 1 & 2 \\end{pmatrix}", ["1", "2"]),
    ("\\left[1; 2\\right]", ["1", "2"]), ("[0, 1)", None), ("(a+b)", None), ("(a)(b)", None),
    ("\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", None),
], ids=["brackets", "transposed-tuple", "row-env", "left-right", "interval", "group", "product", "matrix"])
def test_vector_entries(text: str, entries: list[str] | None) -> None:
    assert vector_entries(text) == entries


RUBRIC = """
rubric: 1
assignment: {id: svm-forms, title: SVM forms}
derivations:
  svm: {derivation: svm_hard_margin, params: {points: [[1, 1], [-1, -1], [1, 0], [0, 1]], labels: [1, -1, -1, -1]}}
problems:
  - id: "1"
    section: ["1"]
    parts:
      - id: wb
        points: 2
        kind: system
        expected: {derive: {from: svm, quantities: {w_1: "svm.w[1]", w_2: "svm.w[2]", b: svm.b}}}
"""


@pytest.mark.parametrize("answer,verdict", [
    ("$$\\vec{w} = \\begin{bmatrix} 2 \\\\ 2 \\end{bmatrix}$$\n\n$$b = -3$$", "correct"),
    ("$$w_1 = 2, w_2 = 2, b = -3$$", "correct"),
    ("$$\\mathbf{w} = [2, 2]$$ so $b = 3$", "incorrect"),
], ids=["vector-then-bias", "comma-list", "wrong-bias"])
def test_system_graded_without_targets(answer: str, verdict: str) -> None:
    """A system part with no ``target`` assembles the names its expected answer assigns."""
    report = grade_submission(f"## 1 SVM\n\n{answer}\n", load_rubric_text(RUBRIC))
    assert report.parts[0].verdict == verdict


BOXES = r"""\section{KKT}
\begin{align*}
\frac{\partial L}{\partial w} &= w - \sum_j \alpha_j y_j x_j = 0 \\
\implies & \boxed{w = \sum_j \alpha_j y_j x_j} \\
\frac{\partial L}{\partial b} &= -\sum_j \alpha_j y_j = 0 \\
\implies & \boxed{0 = \sum_j \alpha_j y_j}
\end{align*}
\section{Values}
$\boxed{\therefore \alpha_2 = 0 \; \text{when} \; j = 2}$ and
\begin{align*}
4 + b &= 1 \\
\therefore b &= -3
\end{align*}
"""


@pytest.mark.parametrize("sections,targets,kind,expected", [
    (("1",), ("w",), "expression", ("\\sum_j \\alpha_j y_j x_j", 4)),
    (("1",), (), "equation", ("0 = \\sum_j \\alpha_j y_j", 6)),
    (("2",), ("\\alpha_2",), "number", ("0", 9)),
    (("2",), ("b",), "number", ("-3", 12)),
], ids=["first-box-its-line", "second-box-its-line", "condition-clause-cut", "therefore-dropped"])
def test_boxes_and_connectives(sections: tuple[str, ...], targets: tuple[str, ...], kind: str, expected: tuple[str, int]) -> None:
    found = locate(parse_document(BOXES, kind="tex"), PartQuery("p", sections, targets, "final", kind))
    assert found and (found[0].latex, found[0].line) == expected
