"""Answers found in real homework written by others, by rubrics written from the README alone.

    python bench/locate_bench.py [--grader PATH] [--only NAME]

For each document of ../shared/corpus that has a rubric in tests/extract/corpus/ (an outside
instructor's rubric, test data), grades the document and compares every part with
tests/extract/corpus/truth.yaml (the line of the answer, read by hand, and the verdict an
instructor gives it). Prints per document: parts, found at the right line, found at a wrong
place, missing, graded automatically, sent to a person, and verdicts that agree with the
instructor; then the totals. ``--grader PATH`` imports ``grader`` from another checkout (an
export of an older commit) to measure before and after on the same rubrics.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
RUBRICS = ROOT / "tests" / "extract" / "corpus"
AUTO = {"correct", "partial", "incorrect"}


def document_for(rubric: Path) -> Path | None:
    for suffix in (".md", ".tex", ".txt"):
        candidate = CORPUS / (rubric.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--grader", help="a checkout whose grader package is measured instead of this one")
    ap.add_argument("--only", default="", help="only rubrics whose name contains this")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(args.grader).resolve() if args.grader else ROOT))
    import yaml

    from grader.grading.grade import grade_submission
    from grader.rubric.loader import load_rubric

    truth = yaml.safe_load((RUBRICS / "truth.yaml").read_text(encoding="utf-8"))
    header = f"{'document':44} {'parts':>5} {'found':>5} {'elsewhere':>9} {'missing':>7} {'auto':>4} {'person':>6} {'agree':>5}"
    print(header)
    print("-" * len(header))
    totals = [0] * 7
    disagreements: list[str] = []
    start = time.perf_counter()
    for rubric_path in sorted(RUBRICS.glob("*.yaml")):
        if rubric_path.name == "truth.yaml" or args.only not in rubric_path.name:
            continue
        doc = document_for(rubric_path)
        if doc is None:
            continue
        facts = truth.get(doc.name, {})
        try:
            rubric = load_rubric(rubric_path)
            report = grade_submission(doc.read_text(encoding="utf-8"), rubric, submission=str(doc))
            parts = {p.id: p for p in report.parts}
        except Exception as exc:  # noqa: BLE001 - an older grader may not read a newer rubric
            print(f"{doc.name[:44]:44} rubric not graded: {type(exc).__name__}: {str(exc)[:60]}")
            parts = {}
        row = [len(facts), 0, 0, 0, 0, 0, 0]
        for part_id, fact in facts.items():
            got = parts.get(str(part_id))
            verdict = got.verdict if got else "missing"
            line = got.location.line if got else None
            if verdict == "missing":
                row[3] += 1
            elif line == fact["line"]:
                row[1] += 1
            else:
                row[2] += 1
            row[4] += verdict in AUTO
            row[5] += verdict not in AUTO and verdict != "missing"
            agree = verdict == fact["judged"]
            row[6] += agree
            if not agree:
                disagreements.append(f"  {doc.stem[:36]:36} {part_id:12} judged {fact['judged']:12} got {verdict:12} line {line}")
        totals = [t + r for t, r in zip(totals, row, strict=True)]
        print(f"{doc.name[:44]:44} {row[0]:5} {row[1]:5} {row[2]:9} {row[3]:7} {row[4]:4} {row[5]:6} {row[6]:5}")
    print("-" * len(header))
    print(f"{'total':44} {totals[0]:5} {totals[1]:5} {totals[2]:9} {totals[3]:7} {totals[4]:4} {totals[5]:6} {totals[6]:5}")
    n = max(totals[0], 1)
    print(f"found at the right line {totals[1]}/{n} = {100 * totals[1] / n:.0f}%, "
          f"verdict agrees with the instructor {totals[6]}/{n} = {100 * totals[6] / n:.0f}%, "
          f"{time.perf_counter() - start:.1f} s")
    if disagreements:
        print("verdicts that differ from the instructor's:")
        print("\n".join(disagreements))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
