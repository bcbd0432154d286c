"""Batch grading on a real Ray cluster of two nodes on this machine (``ray.cluster_utils``).

The class is the batch bench's (seed-style submissions from the A4 rubric's samples, planted
mistakes, OCR damage, hostile files) plus the project's A4 submissions, the real seed and
engine-level hostile texts. On it: the same gradebook rows and CSV as the local pool; the same
limits (a hung, a runaway, a crashing and a dying grader each get their row); the verdict cache
shared through the driver; a worker node killed mid-batch, after which the same command
finishes the rest exactly once.

Everything listens on the loopback interface only (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 makes Ray
take 127.0.0.1 for this node's address); set before Ray is imported.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import batch_fakes as fakes
import pytest
from conftest import write_files

from grader.batch import BatchSettings, BatchSummary, Engine, run_batch
from grader.errors import GraderError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
A4 = ROOT / "rubrics" / "ece449-a4.yaml"
SEED = ROOT.parent / "shared" / "seeds" / "000_a90d74201a8809f1.txt"
LOOPBACK = "127.0.0.1"

if importlib.util.find_spec("ray") is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI installs the [ray] extra: these tests must run there")
    pytest.skip("needs the [ray] extra: pip install -e '.[ray]'", allow_module_level=True)

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

pytestmark = pytest.mark.slow

HOSTILE_TEXTS = {  # reach the engine: each must come back as a row, quickly
    "nested.md": "$$\\frac{\\partial E}{\\partial z_x} = " + "{" * 400 + "q_x - p_x" + "}" * 400 + "$$",
    "tower.md": "$$\\frac{\\partial E}{\\partial z_x} = 9^{9^{9^{9^{9^{9}}}}} - p_x$$",
    "long.md": "$$\\frac{\\partial E}{\\partial z_x} = "
               + " + ".join(f"x_{{{i}}}^{{{i}}}" for i in range(3000)) + "$$",
    "tricks.tex": "\\input{/etc/passwd}\n\\immediate\\write18{touch pwned}\n\\def\\x{\\x}\\x\n"
                  "$$\\frac{\\partial E}{\\partial z_x} = \\csname q_x\\endcsname$$",
}
ROW_COLUMNS = ("student", "rubric_id", "rubric_version", "rubric_fingerprint", "file", "sha256",
               "status", "message", "score", "max_score", "warnings")
PART_COLUMNS = ("student", "part", "part_fingerprint", "title", "verdict", "points", "max_points",
                "answer", "expected", "method", "feedback", "diagnosis", "line", "section",
                "problem")


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("batch_bench", ROOT / "bench" / "batch_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["batch_bench"] = module
    spec.loader.exec_module(module)
    return module


def build_class(root: Path) -> Path:
    """40 bench submissions (34 seed-style, 6 hostile files), the A4 submissions, the seed,
    and texts that attack the engine."""
    bench = _bench()
    real = bench.pick_real()
    assert real is not None and real[0].id == "ece449-a4"
    bench.generate(root, *real, 40)
    for src in sorted((ROOT / "submissions").glob("a4-*.md")):
        shutil.copy(src, root / src.name)
    if SEED.exists():
        shutil.copy(SEED, root / "seed000.txt")
    head = "ECE 449 Machine Learning: Assignment 4\n\n## 1 Problem 1: Softmax and cross-entropy\n\n"
    write_files(root, {name: head + text + "\n" for name, text in HOSTILE_TEXTS.items()})
    return root


def rows(book: Path) -> tuple[dict[str, tuple[Any, ...]], dict[tuple[str, str], tuple[Any, ...]]]:
    """The gradebook's content, without row ids, timings and timestamps."""
    conn = sqlite3.connect(f"file:{book}?mode=ro", uri=True)
    try:
        subs = {r[0]: r for r in conn.execute(f"SELECT {', '.join(ROW_COLUMNS)} FROM submissions")}
        parts = {(r[0], r[1]): r for r in conn.execute(f"SELECT {', '.join(PART_COLUMNS)} FROM parts")}
    finally:
        conn.close()
    return subs, parts


def graded_at(book: Path) -> dict[str, float]:
    conn = sqlite3.connect(f"file:{book}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT student, graded_at FROM submissions"))
    finally:
        conn.close()


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
            ppid = int(rest.rsplit(") ", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        out.setdefault(ppid, []).append(int(pid))
    return out


def grading_on(node: Any) -> bool:
    """Whether a grading helper (``serve_node``) runs under this Ray node's raylet."""
    from ray._private import ray_constants

    todo = [p.process.pid for p in node.all_processes[ray_constants.PROCESS_TYPE_RAYLET]]
    tree = _children()
    while todo:
        pid = todo.pop()
        try:
            if b"serve_node" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return True
        except OSError:
            pass
        todo += tree.get(pid, [])
    return False


def committed(book: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{book}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT COUNT(*) FROM submissions WHERE status IN "
                                    "('ok', 'duplicate')").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A head and a worker node, one CPU each; this process is the driver."""
    import ray
    from ray._private import ray_constants
    from ray.cluster_utils import Cluster

    # read when Ray is first imported: if something imported it earlier, addresses would not
    # all be the loopback one
    assert not ray_constants.ENABLE_RAY_CLUSTER, "ray was imported before this module"
    with pytest.MonkeyPatch.context() as mp:
        # the nodes' workers import this tree's grader and the fakes
        mp.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), str(HERE)]))
        mp.delenv("RAY_ADDRESS", raising=False)
        c = Cluster(initialize_head=True, head_node_args={
            "num_cpus": 1, "node_ip_address": LOOPBACK, "include_dashboard": False})
        c.add_node(num_cpus=1, node_ip_address=LOOPBACK)
        ray.init(address=c.address, log_to_driver=False, logging_level=logging.WARNING)
        try:
            yield c
        finally:
            ray.shutdown()
            c.shutdown()


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_class(tmp_path_factory.mktemp("ray") / "class")


@pytest.fixture(scope="module")
def local(klass: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The class graded by the local pool: the reference gradebook and CSV."""
    out = tmp_path_factory.mktemp("local")
    settings = BatchSettings(gradebook=out / "gb.sqlite", csv_path=out / "grades.csv", jobs=2,
                             progress=False)
    summary = run_batch(klass, A4, settings)
    assert summary.found >= 45 and summary.statuses["ok"] >= 35
    assert {"empty", "error", "duplicate"} <= set(summary.statuses)
    return out / "gb.sqlite", out / "grades.csv"


def test_ray_cli_gives_the_local_pool_s_rows_and_csv(cluster: Any, klass: Path,
                                                     local: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    """``grade batch --executor ray --ray-address`` from another driver process."""
    book, out_csv = tmp_path / "gb.sqlite", tmp_path / "grades.csv"
    cmd = [sys.executable, "-m", "grader.cli", "batch", str(klass), "--rubric", str(A4),
           "--gradebook", str(book), "--csv", str(out_csv), "--executor", "ray",
           "--ray-address", cluster.address]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "executor: ray, 2 nodes" in first.stderr and "Traceback" not in first.stderr
    assert rows(book) == rows(local[0])
    assert out_csv.read_text() == local[1].read_text()
    table = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert {r["student"] for r in table} >= {"copycat", "empty", "binary", "huge", "a4-correct",
                                             "nested", "tower", "long", "tricks"}
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"0 graded, 0 regraded, {len(table)} already in the gradebook" in again.stderr
    assert rows(book) == rows(local[0]) and not (klass / "pwned").exists()


def test_limits_on_ray_are_the_local_pool_s(cluster: Any, tmp_path: Path) -> None:
    """A hung, a runaway, a crashing and a dying grader: the same rows on either executor."""
    klass = write_files(tmp_path / "c", {
        "hang.tex": "HANG\na: 2x", "hog.tex": "HOG", "crash.tex": "CRASH", "die.tex": "DIE",
        **{f"s{i}.tex": f"a: 2x\nb: {'y-t' if i % 2 else 't-y'}\n% {i}" for i in range(6)}})
    rubric = tmp_path / "hw1.yaml"
    rubric.write_text(fakes.rubric_yaml())
    engine = Engine(grade=fakes.grade_any_failure, load_rubric=fakes.load_rubric,
                    load_rubric_text=fakes.load_rubric_text)
    got = {}
    for executor in ("local", "ray"):
        settings = BatchSettings(gradebook=tmp_path / f"{executor}.sqlite", executor=executor,
                                 jobs=2, timeout=2.0, memory_mb=200, progress=False)
        summary = run_batch(klass, rubric, settings, engine=engine)
        assert summary.statuses == {"ok": 6, "timeout": 1, "memory": 1, "error": 2}, executor
        got[executor] = rows(tmp_path / f"{executor}.sqlite")
    assert got["ray"] == got["local"]
    subs = got["ray"][0]
    assert (subs["hang"][6], subs["hog"][6]) == ("timeout", "memory")
    assert "ZeroDivisionError" in subs["crash"][7] and "exit code 3" in subs["die"][7]


def test_the_verdict_cache_is_shared_through_the_driver(cluster: Any, tmp_path: Path) -> None:
    answers = ["a: 2x\nb: t-y\n", "a: x/2\nb: y-t\n"]
    first = write_files(tmp_path / "one", {f"s{i:02}.tex": answers[i % 2] + f"% {i}\n"
                                           for i in range(16)})
    second = write_files(tmp_path / "two", {f"t{i:02}.tex": answers[i % 2] + f"%% {i}\n"
                                            for i in range(8)})
    rubric = tmp_path / "hw1.yaml"
    rubric.write_text(fakes.rubric_yaml())
    engine = Engine(grade=fakes.grade_canned, load_rubric=fakes.load_rubric,
                    load_rubric_text=fakes.load_rubric_text)
    settings = BatchSettings(gradebook=tmp_path / "gb.sqlite", executor="ray", progress=False)
    s1 = run_batch(first, rubric, settings, engine=engine)
    assert s1.compared == 4 and s1.lookups == 32  # 4 distinct (part, answer) pairs
    assert s1.cache_hits >= 32 - 2 * 4  # at most each node compares each pair once
    s2 = run_batch(second, rubric, settings, engine=engine)  # a new class, the same gradebook
    assert (s2.comparisons, s2.cache_hits, s2.lookups) == (0, 16, 16)


def test_a_cluster_that_reads_the_rubric_otherwise_stops_the_batch(cluster: Any,
                                                                   tmp_path: Path) -> None:
    klass = write_files(tmp_path / "c", {f"s{i}.tex": f"a: 2x\n% {i}" for i in range(4)})
    rubric = tmp_path / "hw1.yaml"
    rubric.write_text(fakes.rubric_yaml())
    engine = Engine(grade=fakes.grade_canned, load_rubric=fakes.load_rubric,
                    load_rubric_text=fakes.load_rubric_text_skewed)
    settings = BatchSettings(gradebook=tmp_path / "gb.sqlite", executor="ray", progress=False)
    with pytest.raises(GraderError, match="otherwise than the driver") as info:
        run_batch(klass, rubric, settings, engine=engine)
    assert "\n" not in str(info.value) and rows(tmp_path / "gb.sqlite")[0] == {}


@pytest.mark.parametrize("retries", [3, 0], ids=["retried-elsewhere", "lost-then-rerun"])
def test_a_worker_node_killed_mid_batch_loses_nothing(cluster: Any, klass: Path,
                                                      local: tuple[Path, Path], tmp_path: Path,
                                                      retries: int) -> None:
    victim = next(iter(cluster.worker_nodes))
    book, out_csv = tmp_path / "gb.sqlite", tmp_path / "grades.csv"
    settings = BatchSettings(gradebook=book, csv_path=out_csv, executor="ray",
                             ray_retries=retries, progress=False)
    killed = threading.Event()

    def kill_when_busy() -> None:  # mid-batch, while the victim is grading
        deadline = time.monotonic() + 300
        while (committed(book) < 8 or not grading_on(victim)) and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster.remove_node(victim, allow_graceful=False)  # SIGKILL: raylet, workers, helpers
        killed.set()

    killer = threading.Thread(target=kill_when_busy, daemon=True)
    killer.start()
    try:
        first: BatchSummary = run_batch(klass, A4, settings)
        killer.join(timeout=300)
    finally:
        cluster.add_node(num_cpus=1, node_ip_address=LOOPBACK)  # the next test has two nodes
    assert killed.is_set() and first.nodes >= 1
    reference_subs, reference_parts = rows(local[0])
    subs, _ = rows(book)
    if retries:
        assert first.lost == 0 and subs == reference_subs  # Ray ran its tasks elsewhere
    else:
        assert first.lost >= 1 and any("lost" in p for p in first.problems)
        assert len(subs) == len(reference_subs) - first.lost  # lost ones are not recorded
    before = graded_at(book)
    again = run_batch(klass, A4, settings)  # the same command
    assert (again.graded, again.lost) == (first.lost, 0)
    assert again.skipped == len(reference_subs) - first.lost
    after = graded_at(book)
    assert all(after[s] == t for s, t in before.items())  # nothing graded twice
    assert rows(book) == (reference_subs, reference_parts)
    assert out_csv.read_text() == local[1].read_text()
