"""Hostile answers: each gets a verdict or a clear error within 5 s and 1 GB, and runs nothing."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from grader.compare import equivalent
from grader.model import Verdict

LIMIT_S = 5.0
SLACK_S = 2.0  # starting a fresh worker after a kill


def _check(answer: str, expected: str = "x") -> Verdict:
    start = time.monotonic()
    v = equivalent(expected, answer)
    elapsed = time.monotonic() - start
    assert isinstance(v, Verdict)
    assert elapsed < LIMIT_S + SLACK_S, f"{elapsed:.1f}s"
    assert v.equivalent is not True
    if v.equivalent is None:
        assert v.error and v.diagnosis in {"UNPARSED", "EXPECTED_INVALID", "TIMEOUT", "UNDECIDED"}, v
    # the worker still answers normally right after
    after = equivalent(r"\frac{1}{2}x", r"0.5x")
    assert after.equivalent is True, after
    return v


def test_tower_of_powers() -> None:
    _check(r"2^{2^{2^{2^{30}}}}")


def test_huge_factorial() -> None:
    _check(r"10000!")


def test_huge_symbolic_power() -> None:
    _check(r"x^{10^{10}}")


def test_deep_braces() -> None:
    _check("{" * 5000 + "x" + "}" * 5000)


def test_megabyte_answer() -> None:
    v = _check("x+" * 500_000 + "x")
    assert v.diagnosis == "UNPARSED"


def test_input_file() -> None:
    v = _check(r"\input{/etc/passwd}")
    assert "root:" not in (v.error or "") + (v.feedback or "") + (v.evidence or "")


def test_recursive_macro() -> None:
    _check(r"\def\a{\a\a}\a")


def test_binary_garbage() -> None:
    _check(bytes(range(256)).decode("latin-1") * 4)


@pytest.mark.parametrize("wrap", ["{}", r"\text{{{}}}", r"\mathrm{{{}}}", r"\operatorname{{{}}}"], ids=["plain", "text", "mathrm", "operatorname"])
def test_code_injection_runs_nothing(tmp_path: Path, wrap: str) -> None:
    target = tmp_path / f"pwned-{uuid.uuid4().hex}"
    payload = f"__import__('os').system('touch {target}')"
    _check(wrap.format(payload))
    _check(r"x", expected=wrap.format(payload))
    assert not target.exists()


def test_injection_through_eval_name(tmp_path: Path) -> None:
    target = tmp_path / f"pwned-{uuid.uuid4().hex}"
    _check(f"eval(\"open('{target}', 'w')\")")
    _check(f"exec(\"open('{target}', 'w')\") + x")
    assert not target.exists()
