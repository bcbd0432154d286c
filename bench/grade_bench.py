"""Time to grade one seed-sized submission cold, and what grading each submission costs.

    python bench/grade_bench.py [SUBMISSION] [--rubric RUBRIC] [--runs N] [--no-counts]

Prints the wall time of each cold run of `grade SUBMISSION --format json` (process start
included) and the in-process split (import, rubric load, grading). Target: under 3 s cold.
Then, for every bundled submission and every seed in ../shared/seeds (rubric picked as
`grade` picks it), the boundary calls grading made: parse calls and distinct texts parsed,
compare calls and distinct pairs compared, and the grading time (rubric already loaded).
Parse calls equal distinct texts: each text is parsed once per submission.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SUBMISSION = ROOT / "submissions" / "a4-correct.md"
DEFAULT_RUBRIC = ROOT / "rubrics" / "ece449-a4.yaml"


def cold_run(submission: Path, rubric: Path | None, cache: Path | None = None) -> float:
    """Wall seconds of one ``grade SUBMISSION`` in a new process (``cache``: the compiled-rubric
    folder it uses; None turns the cache off)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), GRADER_CACHE_DIR=str(cache) if cache else "off")
    start = time.perf_counter()
    args = [sys.executable, "-m", "grader.cli", str(submission), "--format", "json"]
    args += ["--rubric", str(rubric)] if rubric else []
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def compare_run() -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader.cli", "compare", "x", "x"], check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def seeds_first_and_second() -> None:
    """Each seed graded cold twice with a fresh compiled-rubric cache: the first call compiles
    its rubric, the second starts from the compiled one."""
    import tempfile

    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        return
    print("cold grade of each seed (rubric picked from rubrics/): first call, second call (compiled rubric)")
    with tempfile.TemporaryDirectory() as cache:
        for seed in sorted(seeds.glob("*.txt")):
            first = cold_run(seed, None, Path(cache))
            second = cold_run(seed, None, Path(cache))
            print(f"  {seed.name[:24]:24} {first:5.2f} s  {second:5.2f} s")
    print(f"grade compare x x: {statistics.median(compare_run() for _ in range(3)):.2f} s (median of 3)")


def split(submission: Path, rubric: Path) -> str:
    code = f"""
import time
t0 = time.perf_counter()
from grader.grading import grade_submission
from grader.rubric import load_rubric
t1 = time.perf_counter()
r = load_rubric({str(rubric)!r})
t2 = time.perf_counter()
rep = grade_submission(open({str(submission)!r}, encoding='utf-8').read(), r)
t3 = time.perf_counter()
print(f"import {{t1 - t0:.2f}} s, rubric load {{t2 - t1:.2f}} s, grading {{t3 - t2:.2f}} s ({{len(rep.parts)}} parts)")
"""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env).stdout.strip()


def counts() -> None:
    """Per submission: parse calls / distinct texts, compare calls / distinct pairs, seconds."""
    from grader.grading import GradingStats, grade_submission
    from grader.rubric.discover import pick_rubric

    files = [p for p in sorted((ROOT / "submissions").glob("*.md")) if p.name != "README.md"] + sorted((ROOT / "submissions").glob("*.tex"))
    seeds = ROOT.parent / "shared" / "seeds"
    files += sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    print(f"{'submission':28} {'rubric':20} {'parses':>7} {'texts':>6} {'compares':>9} {'pairs':>6} {'grading':>8}")
    total = 0.0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            rubric, _ = pick_rubric(text, ROOT / "rubrics")
        except Exception as exc:  # noqa: BLE001 - a submission no rubric claims is reported, not fatal
            print(f"{path.name[:28]:28} (no rubric: {exc})")
            continue
        stats = GradingStats()
        start = time.perf_counter()
        grade_submission(text, rubric, stats=stats)
        took = time.perf_counter() - start
        total += took
        print(f"{path.name[:28]:28} {rubric.id[:20]:20} {stats.parse_calls:7d} {stats.distinct_texts:6d} "
              f"{stats.compare_calls:9d} {stats.distinct_pairs:6d} {took:7.2f}s")
    print(f"total grading time {total:.2f} s (rubrics loaded once each)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("submission", nargs="?", type=Path, default=DEFAULT_SUBMISSION)
    ap.add_argument("--rubric", type=Path, default=DEFAULT_RUBRIC)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-counts", action="store_true", help="skip the per-submission call counts")
    args = ap.parse_args()
    if not args.submission.exists():
        seeds = ROOT.parent / "shared" / "seeds" / "000_a90d74201a8809f1.txt"
        args.submission = seeds
    times = [cold_run(args.submission, args.rubric) for _ in range(args.runs)]
    print(f"submission: {args.submission.name}  rubric: {args.rubric.name}  cores: {os.cpu_count()}  load average: {os.getloadavg()[0]:.2f}")
    print("cold runs (process start included): " + ", ".join(f"{t:.2f} s" for t in times))
    print(f"median {statistics.median(times):.2f} s  (target < 3 s)")
    print("in-process split: " + split(args.submission, args.rubric))
    seeds_first_and_second()
    if not args.no_counts:
        sys.path.insert(0, str(ROOT))
        counts()


if __name__ == "__main__":
    main()
