"""A real class: copies of the seed submissions, each with one graded answer changed, graded by
``grade batch`` the way an instructor runs it.

    python bench/class_bench.py [--sizes 50,200,400] [--jobs 2] [--mode one|every] [--rubric-dir DIR]

For each size, builds a class from ../shared/seeds (copy k of seed s changes one number in one
display of the seed, a different one per copy; ``--mode every`` changes a number in every display),
grades it per seed rubric with ``grade batch --jobs N`` in a fresh gradebook, and prints wall
time, CPU (all processes), submissions per second, comparisons made and reused (the class-wide
cache), and peak memory of one process. Then grades the same class again (resume: nothing to do)
and once more after a rubric-version bump... no: with ``--regrade`` off, a second run shows the
resume cost. Target on 2 cores: 200 seed-style submissions in under 30 s.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_NUMBER = re.compile(r"(?<![\w.])(\d+\.\d+|\d+)(?![\w.])")


def vary(text: str, k: int, every: bool) -> str:
    """``text`` with one number changed in the k-th display (in every display with ``every``)."""
    blocks = [m for m in _DISPLAY.finditer(text) if _NUMBER.search(m.group(1))]
    if not blocks:
        return text + f"\n\n% copy {k}\n"
    chosen = blocks if every else [blocks[k % len(blocks)]]
    out, last = [], 0
    for m in chosen:
        body = m.group(1)
        numbers = list(_NUMBER.finditer(body))
        n = numbers[(k // len(blocks)) % len(numbers)]
        digit = int(n.group(1)[-1])
        changed = n.group(1)[:-1] + str((digit + 1 + k) % 10)
        out += [text[last:m.start(1)], body[:n.start()], changed, body[n.end():]]
        last = m.end(1)
    out.append(text[last:])
    return "".join(out)


def build(folder: Path, size: int, every: bool) -> dict[str, list[Path]]:
    """Per seed (its rubric is picked like ``grade`` does), the folder of its copies."""
    seeds = sorted(SEEDS.glob("*.txt"))
    per_seed: dict[str, list[Path]] = {}
    for i in range(size):
        seed = seeds[i % len(seeds)]
        klass = folder / seed.stem
        klass.mkdir(parents=True, exist_ok=True)
        path = klass / f"student{i:04d}.txt"
        path.write_text(vary(seed.read_text(encoding="utf-8"), i // len(seeds), every), encoding="utf-8")
        per_seed.setdefault(seed.stem, []).append(path)
    return per_seed


def rubric_for(seed: Path, rubric_dir: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from grader.rubric.discover import pick_rubric

    rubric, _ = pick_rubric(seed.read_text(encoding="utf-8"), rubric_dir)
    return Path(rubric.path)


def grade_class(folder: Path, rubrics: dict[str, Path], jobs: int) -> tuple[float, float, int, int]:
    """(wall s, CPU s, comparisons made, comparisons reused) over every seed's class."""
    wall = cpu = 0.0
    made = reused = 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for stem, rubric in rubrics.items():
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        book = folder / f"{stem}.sqlite"
        proc = subprocess.run([sys.executable, "-m", "grader.cli", "batch", str(folder / stem), "--rubric", str(rubric),
                               "--jobs", str(jobs), "--gradebook", str(book)], capture_output=True, text=True, env=env)
        wall += time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            raise SystemExit(f"grade batch failed for {stem}: {proc.stderr.strip()[-400:]}")
        m = re.search(r"(\d+) distinct .*?(\d+) of (\d+) look-ups reused", proc.stdout + proc.stderr, re.S)
        if m:
            made += int(m.group(1))
            reused += int(m.group(2))
        with sqlite3.connect(book) as conn:
            rows = conn.execute("SELECT COUNT(*) FROM verdict_cache").fetchone()[0]
            made = max(made, rows) if not m else made
    return wall, cpu, made, reused


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,200,400")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--mode", choices=("one", "every"), default="one")
    ap.add_argument("--rubric-dir", type=Path, default=ROOT / "rubrics")
    args = ap.parse_args()
    if not SEEDS.is_dir():
        raise SystemExit(f"{SEEDS} is not here: the class is built from the real seed submissions")
    rubrics = {s.stem: rubric_for(s, args.rubric_dir) for s in sorted(SEEDS.glob("*.txt"))}
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}, jobs {args.jobs}, mode {args.mode}")
    print(f"{'size':>5} {'wall':>8} {'cpu':>8} {'subs/s':>7} {'compared':>9} {'reused':>7} {'peak MB':>8} {'resume':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        folder = Path(tempfile.mkdtemp(prefix=f"class{size}-"))
        try:
            build(folder, size, args.mode == "every")
            wall, cpu, made, reused = grade_class(folder, rubrics, args.jobs)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            again, _, _, _ = grade_class(folder, rubrics, args.jobs)
            print(f"{size:5d} {wall:7.1f}s {cpu:7.1f}s {size / wall:7.1f} {made:9d} {reused:7d} {peak:8.0f} {again:6.1f}s")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
