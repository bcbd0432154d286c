"""Chains of relations: the table is both the test and the documentation of the splitting."""

from __future__ import annotations

import pytest

from grader.extract import (
    document_chains,
    last_result,
    parse_document,
    split_equations,
    split_relation_chain,
    split_system,
)

BM = r"\begin{bmatrix} 1 & x = 2 \\ 3 & 4 \end{bmatrix}"

# latex -> chains, each chain a list of (relation, step)
CHAINS = (
    ("a = b = c", [[("", "a"), ("=", "b"), ("=", "c")]]),
    ("E = mc^2", [[("", "E"), ("=", "mc^2")]]),
    ("= a = b", [[("", ""), ("=", "a"), ("=", "b")]]),
    ("&= a", [[("", ""), ("=", "a")]]),
    (r"a \le b < c", [[("", "a"), (r"\le", "b"), ("<", "c")]]),
    (r"\alpha \leq \beta \geq \gamma", [[("", r"\alpha"), (r"\le", r"\beta"), (r"\ge", r"\gamma")]]),
    (r"a \approx 0.36", [[("", "a"), (r"\approx", "0.36")]]),
    (r"a \neq b", [[("", "a"), (r"\neq", "b")]]),
    (r"a \not= b", [[("", "a"), (r"\neq", "b")]]),
    (r"J := b \Rightarrow c \to d", [[("", "J"), (":=", "b"), (r"\Rightarrow", "c"), (r"\to", "d")]]),
    (r"a \implies b", [[("", "a"), (r"\Rightarrow", "b")]]),
    (f"W = {BM}", [[("", "W"), ("=", BM)]]),
    (
        r"X = \begin{bmatrix} 1 \\ 1 \end{bmatrix} \xrightarrow{matrix multiplication} X' = \begin{bmatrix} 1 \\ -1 \end{bmatrix}",
        [[("", "X"), ("=", r"\begin{bmatrix} 1 \\ 1 \end{bmatrix}"), (r"\xrightarrow{matrix multiplication}", "X'"),
          ("=", r"\begin{bmatrix} 1 \\ -1 \end{bmatrix}")]],
    ),
    (r"\left( a = b \right) = c", [[("", r"\left( a = b \right)"), ("=", "c")]]),
    ("f(x=1) = 2", [[("", "f(x=1)"), ("=", "2")]]),
    (r"\sum_{i=1}^{n} x_i = S", [[("", r"\sum_{i=1}^{n} x_i"), ("=", "S")]]),
    (r"\lim_{x \to 0} f = 1", [[("", r"\lim_{x \to 0} f"), ("=", "1")]]),
    (r"x \in [0, 1) = y", [[("", r"x \in [0, 1)"), ("=", "y")]]),
    ("w_{11} = 0.1497, m_{11} = 0.3655", [[("", "w_{11}"), ("=", "0.1497")], [("", "m_{11}"), ("=", "0.3655")]]),
    (r"a = 1 \quad b = 2", [[("", "a"), ("=", "1")], [("", "b"), ("=", "2")]]),
    ("f(a, b) = 1", [[("", "f(a, b)"), ("=", "1")]]),
    (r"= q_x - p_x, (1 \le x \le N)", [[("", ""), ("=", "q_x - p_x")]]),
    (r"y = 4 \quad \text{(chain rule)}", [[("", "y"), ("=", r"4")]]),
    (r"\begin{cases} w_1 = -1 \\ w_2 = 1 \\ b = -1 \end{cases}",
     [[("", "w_1"), ("=", "-1")], [("", "w_2"), ("=", "1")], [("", "b"), ("=", "-1")]]),
    (r"\begin{cases} x & = 1 \\ y &\ge 2 \end{cases}", [[("", "x"), ("=", "1")], [("", "y"), (r"\ge", "2")]]),
    (r"J = \begin{cases} a & i = j \\ b & i \neq j \end{cases}",
     [[("", "J"), ("=", r"\begin{cases} a & i = j \\ b & i \neq j \end{cases}")]]),
    (r"\begin{aligned} f &= a \\ &= b \end{aligned}", [[("", "f"), ("=", "a"), ("=", "b")]]),
    (r"\begin{aligned} L = & x \\ & + y \end{aligned}", [[("", "L"), ("=", "x + y")]]),
    (r"\begin{split} a &= b && \text{(chain rule)} \\ &= c && \text{(why)} \end{split}",
     [[("", "a"), ("=", "b"), ("=", "c")]]),
    (r"a &= 1 \\ b &= 2", [[("", "a"), ("=", "1")], [("", "b"), ("=", "2")]]),
    (r"\begin{aligned} &\begin{aligned} a &= b \\ &= c \end{aligned} \\ &\begin{aligned} d &= e \end{aligned} \end{aligned}",
     [[("", "a"), ("=", "b"), ("=", "c")], [("", "d"), ("=", "e")]]),
    (r"a = b \\[2pt] c = d", [[("", "a"), ("=", "b")], [("", "c"), ("=", "d")]]),
    (r"\overset{\text{def}}{=} 3", [[("", ""), ("=", "3")]]),
    ("x", [[("", "x")]]),
)


@pytest.mark.parametrize(("latex", "expected"), CHAINS, ids=[c[0][:40] for c in CHAINS])
def test_split_equations(latex: str, expected: list[list[tuple[str, str]]]) -> None:
    got = [[(s.relation, s.latex) for s in chain] for chain in split_equations(latex)]
    assert got == expected


def test_relation_chain_offsets() -> None:
    steps = split_relation_chain("a = bb \\le c")
    assert [s.offset for s in steps] == [0, 4, 11]


def test_system_rows() -> None:
    assert split_system(r"\begin{cases} x = 1 \\ y = 2 \end{cases}") == ["x = 1", "y = 2"]
    assert split_system("x = 1") is None


CONTINUED = """1 Part
$$h_k = W^k x$$

$$= W \\cdot W^{k-1} x$$

$$= W h_{k-1}$$

Sub into: $w_2 = -a + b$

$$= 0$$

2 Other
$$= 5$$
"""


def test_continuation_blocks_join() -> None:
    doc = parse_document(CONTINUED, kind="md")
    chains = document_chains(doc)
    first = chains[0]
    assert [s.latex for s in first.steps] == ["h_k", "W^k x", "W \\cdot W^{k-1} x", "W h_{k-1}"]
    assert [s.line for s in first.steps] == [2, 2, 4, 6]
    assert first.result == "W h_{k-1}"
    assert [s.latex for s in chains[1].steps] == ["w_2", "-a + b", "0"]
    # a new section starts a new chain even if it begins with "="
    assert chains[2].continued and chains[2].section == "2"
    assert last_result(chains, 1) == "0"


def test_run_end_stops_at_arrows() -> None:
    (steps,) = split_equations(r"q = a \xrightarrow{f} E = 1.01")
    doc = parse_document(r"$$q = a \xrightarrow{f} E = 1.01$$", kind="md")
    (chain,) = document_chains(doc)
    assert len(steps) == 4
    assert chain.run_end(0) == 1
    assert chain.run_end(2) == 3
