"""Our comparison engine against math-verify on the same pairs: agreement and speed.

Rows: /work/shared/external/math_verify_cases.jsonl (Math-Verify's own test verdicts) and our
table tests/compare/compare_pairs.py. Each math-verify row is classified (``classify``) as
in-scope, out-of-scope (answer extraction from prose, \\boxed hunting, units, reward-hacking
asymmetries, set/interval relations) or a deliberate disagreement, with the reason. Both
engines run in-process (our ``compare_here``, math-verify's ``parse``+``verify``), so the
figures measure comparison, not our sandbox fork; ``--sandbox`` also times ``equivalent``.

    PYTHONPATH=. python bench/compare_bench.py [--sandbox]
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "compare"))

from compare_pairs import PAIRS  # noqa: E402

from grader.compare import CompareOptions, compare_here, equivalent  # noqa: E402
from grader.latex import SymbolContext  # noqa: E402

CASES = Path("/work/shared/external/math_verify_cases.jsonl")

#: Why a row is not judged: patterns over gold + pred, checked in order.
OUT_OF_SCOPE: tuple[tuple[str, str], ...] = (
    ("prose", r"[A-Za-z]{4,}[ ,.]+[A-Za-z]{3,}[ ,.]+[A-Za-z]{3,}(?![^$]*\$)|answer is|Final Answer|final answer"),
    ("units", r"\\(?:text|mathrm)\{\s*(?:cm|m|km|kg|g|s|h|hours?|minutes?|seconds?|dollars?|cents?|degrees?|units?|inches|feet|meters?)\s*\}|\^\\circ|\\%\s*$|\bdollars?\b"),
    ("set-relations", r"\\cup|\\cap|\\in\b|\\infty|\[.*,.*\)|\(.*,.*\]|\\emptyset|\\subset"),
    ("strings-and-choices", r"^\s*\(?[A-E]\)?\s*$|\\text\{\s*\(?[A-E]\)?\s*\}|\\text\{\s*[A-Za-z]{3,}[^}]*\}\s*\$*\s*$|^\s*\$?[A-Za-z]{3,}\$?\s*$"),
    ("several-answers-extracted", r"\\boxed.*\\boxed|\$[^$]*\$[^$]*\$[^$]*\$|\band\b|\bor\b|\\pm"),
    ("clock-times", r"\d:\d\d"),
    ("answer-extraction-from-prose", r"Answer|By |[a-z]{4,} [a-z]{2,}|€|m²|\$ a"),
    ("locale-numbers", r"\d,\d{1,2}(?!\d)|^0,\d|\d \d{3}\b"),
    ("percent-words", r"percent|pct"),
    ("semicolon-tuples", r"\(\d+;"),
    ("assignment-vs-bare-value", r"^\s*\$?\s*[A-Za-z]\w*\s*=.*,|\([a-z], ?[a-z]\)\s*="),
    ("inequality-as-interval", r"<.*<"),
)
#: Rows where the recorded verdict is what math-verify does, not the mathematics (README caution).
DELIBERATE: dict[str, str] = {
    "tests/test_yujianll.py:28": r"1 - 1/\mathrm{e} and 1 + 1/\mathrm{e} differ; math-verify truncates both to 1",
    "tests/test_all.py:922": "an exact answer (sqrt 17) against a 16-digit decimal reference: we need the reference exact",
}


def classify(row: dict[str, Any]) -> tuple[str, str]:
    where = row["source"].split()[1]
    if where in DELIBERATE:
        return "deliberate", DELIBERATE[where]
    text = f"{row['gold']} {row['pred']}"
    for name, pattern in OUT_OF_SCOPE:
        if re.search(pattern, text):
            return "out-of-scope", name
    if row["config"].get("helper") == "compare_strings" and not row["config"].get("strict", True):
        return "out-of-scope", "non-strict mode (reward-hacking asymmetry allowed on purpose)"
    if row["config"].get("precision", 6) < 5:
        return "out-of-scope", "math-verify float rounding setting"
    return "in-scope", ""


def _ours(gold: str, pred: str, ctx: SymbolContext | None = None) -> bool | None:
    return compare_here(gold, pred, ctx or SymbolContext(), CompareOptions()).equivalent


def _theirs(gold: str, pred: str) -> bool | None:
    from math_verify import parse, verify

    try:
        return bool(verify(parse(gold), parse(pred)))
    except Exception:  # noqa: BLE001 - math-verify swallows most errors itself
        return None


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _report(name: str, times: list[float], agree: int, total: int) -> str:
    q = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
    return (f"  {name:12} agreement {agree}/{total} = {agree / max(total, 1):.1%}; "
            f"{len(times) / sum(times):.1f} pairs/s; p50 {q[49] * 1000:.1f} ms; p99 {q[98] * 1000:.1f} ms")


def main(argv: list[str]) -> None:
    rows = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()] if CASES.is_file() else []
    klass = [classify(r) for r in rows]
    in_scope = [r for r, (k, _) in zip(rows, klass, strict=True) if k == "in-scope"]
    print(f"math-verify cases: {len(rows)}; in-scope {len(in_scope)}; "
          f"out-of-scope {sum(k == 'out-of-scope' for k, _ in klass)}; deliberate {sum(k == 'deliberate' for k, _ in klass)}")
    ours_t: list[float] = []
    theirs_t: list[float] = []
    ours_ok = theirs_ok = 0
    disagreements = []
    for r in in_scope:
        got, dt = _timed(lambda r=r: _ours(r["gold"], r["pred"]))
        ours_t.append(dt)
        ours_ok += got is r["expected"]
        if got is not r["expected"]:
            disagreements.append(f"{r['source'].split()[1]}: {r['gold']!r} vs {r['pred']!r} expected {r['expected']}, ours {got}")
        got2, dt2 = _timed(lambda r=r: _theirs(r["gold"], r["pred"]))
        theirs_t.append(dt2)
        theirs_ok += got2 is r["expected"]
    if in_scope:
        print("in-scope math-verify rows (in-process):")
        print(_report("ours", ours_t, ours_ok, len(in_scope)))
        print(_report("math-verify", theirs_t, theirs_ok, len(in_scope)))
        for d in disagreements:
            print("   ours differs:", d[:220])
    # our own table: both engines on the same pairs (math-verify has no context, so it gets none)
    ours_t, theirs_t = [], []
    ours_ok = theirs_ok = 0
    for p in PAIRS:
        got, dt = _timed(lambda p=p: _ours(p.expected, p.answer, p.context()))
        ours_t.append(dt)
        ours_ok += got is p.verdict
        got2, dt2 = _timed(lambda p=p: _theirs(f"${p.expected}$", f"${p.answer}$"))
        theirs_t.append(dt2)
        theirs_ok += got2 is p.verdict
    print(f"our table ({len(PAIRS)} labelled pairs, in-process):")
    print(_report("ours", ours_t, ours_ok, len(PAIRS)))
    print(_report("math-verify", theirs_t, theirs_ok, len(PAIRS)))
    if "--sandbox" in argv:
        t = []
        for p in PAIRS[:60]:
            _, dt = _timed(lambda p=p: equivalent(p.expected, p.answer, p.context()))
            t.append(dt)
        print(_report("ours+fork", t, 0, 0).replace("agreement 0/0 = 0.0%; ", "") + " (first 60 pairs, through the limited worker)")


if __name__ == "__main__":
    main(sys.argv[1:])
