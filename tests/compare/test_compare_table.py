"""The labelled comparison table (compare_pairs.PAIRS) through the limited worker, and seed forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from compare_pairs import PAIRS, Pair

from grader.compare import equivalent
from grader.latex import ParseFailure, parse_latex

SEEDS = Path("/work/shared/seeds")


def _param(p: Pair) -> object:
    marks = [pytest.mark.xfail(reason=p.xfail, strict=True)] if p.xfail else []
    return pytest.param(p, id=p.id, marks=marks)


def test_table_is_large_and_labelled() -> None:
    assert len(PAIRS) >= 200
    assert len({p.id for p in PAIRS}) == len(PAIRS)
    assert {p.verdict for p in PAIRS} == {True, False, None}
    assert sum(p.verdict is False for p in PAIRS) >= 80


@pytest.mark.parametrize("pair", [_param(p) for p in PAIRS])
def test_pair(pair: Pair) -> None:
    v = equivalent(pair.expected, pair.answer, pair.context())
    assert v.equivalent is pair.verdict, (v, pair)
    if pair.verdict is not True:
        assert v.diagnosis == pair.diagnosis, (v, pair)
    if pair.verdict is None:
        assert v.error, v


def _display_math(text: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"\$\$(.+?)\$\$", text, re.S)]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the real submissions are not on this machine")
def test_seed_display_math_reads_or_fails_cleanly() -> None:
    """Every display formula in the real submissions parses or fails with a message and a span."""
    blocks = [b for f in sorted(SEEDS.glob("*.txt")) for b in _display_math(f.read_text(encoding="utf-8"))]
    assert len(blocks) > 20
    parsed = 0
    for block in blocks:
        result = parse_latex(block, seconds=5)
        if isinstance(result, ParseFailure):
            assert result.message and result.span is not None, result
        else:
            parsed += 1
    assert parsed >= len(blocks) // 2, f"only {parsed} of {len(blocks)} seed formulas parse"
