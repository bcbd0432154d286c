"""The real inputs in ../shared: five OCR'd student submissions and eighteen homework solutions.

The files are read at run time (never copied into the project); the facts asserted here were
checked by reading each file. Skipped cleanly when the shared folder is absent.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader.extract import Document, PartQuery, load_document, locate

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir() or not CORPUS.is_dir(), reason="../shared not present")

SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
CORPUS_FILES = sorted(p for p in CORPUS.glob("*") if p.name != "README.md") if CORPUS.is_dir() else []


def _seed(prefix: str) -> Document:
    (path,) = [p for p in SEED_FILES if p.name.startswith(prefix)]
    return load_document(str(path))


def _best(doc: Document, sections: tuple[str, ...], targets: tuple[str, ...], kind: str = "expression") -> tuple[str, int | None, str | None]:
    found = locate(doc, PartQuery("p", sections, targets, "final", kind))
    assert found, f"nothing found for {targets} in {sections}"
    return found[0].latex, found[0].line, found[0].section


@pytest.mark.parametrize("path", SEED_FILES + CORPUS_FILES, ids=lambda p: p.name[:40])
def test_every_file_parses_quickly(path: Path) -> None:
    start = time.process_time()
    doc = load_document(str(path))
    assert time.process_time() - start < 1.0
    assert doc.blocks


# files with no heading of any kind (a blog post; a Python module holding answer strings
# is covered by its "# Part 1" comments)
NO_HEADINGS = {"cs231n_a2_batchnorm-backward_Ouroboros5664.md"}


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name[:40])
def test_corpus_sections_and_blocks(path: Path) -> None:
    doc = load_document(str(path))
    assert len(doc.blocks) > 0
    if path.name in NO_HEADINGS:
        assert doc.sections == ()
    else:
        assert len(doc.sections) > 0


@pytest.mark.parametrize("path", [p for p in CORPUS_FILES if p.suffix == ".tex"], ids=lambda p: p.name[:40])
def test_corpus_macros_expanded(path: Path) -> None:
    doc = load_document(str(path))
    names = {m.name for m in doc.macros}
    used = [b for b in doc.blocks if any(f"\\{n}" in b.raw for n in names)]
    for block in used:
        for name in names:
            # every call of a defined macro is gone from the math (\R must not hide in \Rightarrow)
            assert not _calls(block.latex, name), (name, block.line, block.latex[:80])


def _calls(latex: str, name: str) -> bool:
    import re

    return re.search(r"\\" + re.escape(name) + r"(?![A-Za-z])", latex) is not None


def test_corpus_mat_macro_becomes_bmatrix() -> None:
    (path,) = [p for p in CORPUS_FILES if p.name.startswith("ubc-cpsc340_a6_nn-by-hand_TA")]
    doc = load_document(str(path))
    assert any("\\begin{bmatrix}" in b.latex and "\\mat" in b.raw for b in doc.blocks)


def test_corpus_math_fences_and_tex_counters() -> None:
    (md,) = [p for p in CORPUS_FILES if p.name.startswith("tsinghua")]
    doc = load_document(str(md))
    assert sum(1 for b in doc.blocks if b.delim == "fence") == 35
    (tex,) = [p for p in CORPUS_FILES if p.name.startswith("uoft-ece421")]
    doc = load_document(str(tex))
    assert [s.id for s in doc.sections][:3] == ["1", "1.1", "1.2"]
    assert any(c.startswith("x_2") for b in doc.blocks for c in b.boxed)


# --- seed facts --------------------------------------------------------------------------


def test_seed_000() -> None:
    doc = _seed("000")
    results = doc.section("2.3")
    assert results is not None and results.title == "Results" and results.level == 2
    latex, line, section = _best(doc, ("2.3",), ("W'",))
    assert latex.startswith("\\begin{bmatrix} 0.99138") and line == 79 and section == "2.3"
    assert _best(doc, ("Results",), ("B'",))[1] == 76
    tags = {b.line: b.tag for b in doc.blocks if b.display}
    assert (tags[13], tags[55], tags[88], tags[160]) == ("1", "9", "15", "24")  # "(1)" next line, lone \tag{9}, \tag
    assert not [b for b in doc.blocks if 205 <= b.line <= 241]  # the code fences yield no math
    assert _best(doc, ("1",), ("\\frac{\\partial E}{\\partial z_x}",))[:2] == ("q_x - p_x", 20)
    assert _best(doc, ("2.1",), ("E",))[0] == "1.01326"  # after \xrightarrow{object function}
    system = _best(doc, ("4",), ("w_1", "w_2", "b"), "system")
    assert system[1] == 155 and "w_2 = 1" in system[0]


def test_seed_001() -> None:
    doc = _seed("001")
    assert [s.level for s in doc.sections if s.number in ("3.1.1", "3.1.2", "3.2")] == [3, 3, 2]
    assert _best(doc, ("3.2.2",), ("w_{11}",)) == ("0.1497", 156, "3.2.2")
    found = locate(doc, PartQuery("3.m11", (), ("m_{11}",)))
    assert (found[0].latex, found[0].line) == ("0.3655", 156)
    assert [(c.latex, c.line) for c in found[0].conflicts] == [("0.363667", 89)]
    tags = {b.line: b.tag for b in doc.blocks if b.display}
    assert (tags[13], tags[156], tags[253]) == ("1", "21", "1")  # \quad (1), \dots\dots(1)
    assert not [b for b in doc.blocks if 97 <= b.line <= 148]


def test_seed_002() -> None:
    doc = _seed("002")
    assert [s.id for s in doc.sections if s.path == ("1",)] == ["1.1", "1.2", "1.3", "1.4"]
    assert _best(doc, ("3.2",), ("\\frac{\\partial L}{\\partial z}",))[1] == 97
    assert _best(doc, ("1.2",), ())[:2] == ("\\#_2", 31)


def test_seed_003() -> None:
    doc = _seed("003")
    assert [s.id for s in doc.sections if s.path == ("2",)] == ["2/1", "2/2", "2/3", "2/4"]
    assert [s.id for s in doc.sections if s.path == ("3",)] == ["3/(a)", "3/(b)"]
    latex, line, _ = _best(doc, ("2/1",), ("\\frac{\\partial E}{\\partial h_{k-1}}",))
    assert (latex, line) == ("\\frac{\\partial E}{\\partial h_k} U \\Sigma V^{\\top}", 54)
    assert _best(doc, ("2/1",), ("h_k",))[:2] == ("W h_{k-1}", 50)  # three $$ blocks, one chain


def test_seed_004() -> None:
    doc = _seed("004")
    assert [s.number for s in doc.sections] == [f"Question {i}" for i in range(1, 6)]
    assert _best(doc, ("Question 3",), ("W",))[:2] == ("\\begin{bmatrix} 1 & 0 \\end{bmatrix}", 118)
    assert _best(doc, ("Question 3",), ("b",))[:2] == ("0", 104)
    assert _best(doc, ("Question 3",), ("\\lambda^{[1]}",))[:2] == ("\\frac{1}{2}", 116)
    assert _best(doc, ("Question 3",), ("w_2",))[:2] == ("\\mathbf{0}", 87)
    assert {b.line: b.tag for b in doc.blocks if b.tag} == {57: "1", 62: "2", 79: "3", 89: "4", 99: "5"}
