"""Batch benchmark: a synthetic class of submissions graded with ``grade batch`` machinery.

    python bench/batch_bench.py [--students 200] [--jobs 2] [--fake] [--out DIR]
    python bench/batch_bench.py --executor ray [--ray-address ADDRESS] [--ray-nodes 2]

Generates a class from a rubric's parts and a table per part of correct forms and wrong forms
(each with the verdict, points and diagnosis it must get), writes one submission per student
(correct answers in varied equivalent forms, planted mistakes of each kind, missing parts,
benign OCR damage, and a few hostile files: empty, binary, non-UTF-8, not a submission type,
too large, a duplicate), grades it with ``run_batch`` and prints wall time, submissions per
second, distinct answers compared, peak memory and agreement with the planted truth.

Real or fake: when ``grader.grading.grade_submission`` imports and ``rubrics/*.yaml`` exist, the
first rubric whose parts carry ``samples: [{answer, verdict, points}]`` is used with the real
engine, its table built from the samples (``table_from_samples``). Otherwise (or with
``--fake``) a built-in rubric and table are graded by ``fake_grade``, which stands in for the
engine (extraction, normalisation, a cached comparison of simulated cost) so the harness is
proven. ``render_submission`` decides the document layout the extractor has to read.

``--executor ray`` grades the same class with the local pool and then on Ray, in one run, and
prints the overhead ratio (Ray's time over the local pool's, for the grading and for the whole
command): cold (the cluster's workers
start, each loads the rubric), warm (the same connection again, into a new gradebook), and warm
without sharing the verdict cache (what the sharing saves). Without ``--ray-address`` it starts
a cluster of ``--ray-nodes`` nodes on this machine (loopback only) with ``--jobs`` CPUs in all,
so both executors have the same cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.batch import BatchSettings, Engine, run_batch, stats  # noqa: E402
from grader.model import Outcome, PartResult, Report, Verdict, VerdictCache  # noqa: E402


@dataclass(frozen=True)
class Wrong:
    answer: str
    verdict: str  # incorrect | partial | needs_review ...
    points: float  # points it must get
    diagnosis: str | None = None


@dataclass(frozen=True)
class PartTable:
    id: str
    title: str
    points: float
    correct: tuple[str, ...]
    wrong: tuple[Wrong, ...]


# The built-in table (the fake rubric). The lead replaces it with the real rubrics' samples.
FAKE_TABLE = (
    PartTable("1.dLdz", "softmax cross-entropy gradient", 4.0,
              (r"q - y", r"-y + q", r"\mathbf{q}-\mathbf{y}", r"q_{x} - y_{x}"),
              (Wrong(r"y - q", "incorrect", 0.0, "SIGN"), Wrong(r"q", "partial", 2.0, "MISSING_TERM"),
               Wrong(r"2(q - y)", "partial", 2.0, "FACTOR:2"))),
    PartTable("2.sigmoid", "derivative of the sigmoid", 3.0,
              (r"\sigma(z)(1-\sigma(z))", r"\sigma(z) - \sigma(z)^2", r"\frac{e^{-z}}{(1+e^{-z})^2}"),
              (Wrong(r"\frac{1}{\sigma(z)(1-\sigma(z))}", "incorrect", 0.0, "RECIPROCAL"),
               Wrong(r"\sigma(z)(1+\sigma(z))", "incorrect", 0.0, "SIGN"))),
    PartTable("3.dEdW", "gradient for the weights", 5.0,
              (r"\delta x^{T}", r"\delta \, x^\top", r"(\delta)(x^{T})"),
              (Wrong(r"x \delta^{T}", "partial", 2.5, "TRANSPOSE"),
               Wrong(r"\delta x^{T} + \lambda", "incorrect", 0.0, "EXTRA_TERM"))),
    PartTable("4.loss", "log-likelihood", 3.0,
              (r"-\sum_{i} y_i \ln q_i", r"-\sum_{i} y_{i} \log_e q_{i}"),
              (Wrong(r"-\sum_{i} y_i \log_{10} q_i", "partial", 1.5, "LOG_BASE"),
               Wrong(r"\sum_{i} y_i \ln q_i", "incorrect", 0.0, "SIGN"))),
)


@dataclass(frozen=True)
class BenchPart:
    id: str
    title: str
    points: float
    table: PartTable


@dataclass(frozen=True)
class BenchRubric:
    id: str
    version: str
    title: str
    parts: tuple[BenchPart, ...]
    part_fingerprints: dict[str, str] = field(default_factory=dict, hash=False)
    path: str = ""

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.part_fingerprints, sort_keys=True).encode()).hexdigest()


FAKE_RUBRIC_TEXT = "bench: fake\n"  # the fake rubric as a file, for a Ray node


def load_fake_text(text: str, path: str) -> BenchRubric:
    if text != FAKE_RUBRIC_TEXT:
        raise ValueError(f"{path} is not the bench's fake rubric")
    return replace(fake_rubric(), path=path)


def load_fake(path: Any) -> BenchRubric:
    return load_fake_text(Path(path).read_text(encoding="utf-8"), str(path))


def fake_rubric(tables: tuple[PartTable, ...] = FAKE_TABLE) -> BenchRubric:
    parts = tuple(BenchPart(t.id, t.title, t.points, t) for t in tables)
    fps = {p.id: hashlib.sha256(repr(p).encode()).hexdigest()[:16] for p in parts}
    return BenchRubric("bench-backprop", "1", "Backprop (bench)", parts, fps)


def table_from_samples(part: Any) -> PartTable | None:
    """A part's table from the real rubric's ``samples: [{answer, verdict, points}]``."""
    samples = list(getattr(part, "samples", None) or [])

    def get(s: Any, k: str) -> Any:
        return s.get(k) if isinstance(s, dict) else getattr(s, k, None)

    if getattr(part, "kind", "") == "prose":  # prose is planted as text and goes to a person
        text = getattr(part, "model_answer", "") or "Attention lets every position see every other."
        return PartTable(part.id, getattr(part, "title", ""), float(part.points), (text,), ())
    correct = tuple(get(s, "answer") for s in samples if get(s, "verdict") == "correct")
    wrong = tuple(Wrong(get(s, "answer"), get(s, "verdict"), float(get(s, "points") or 0),
                        get(s, "diagnosis")) for s in samples if get(s, "verdict") != "correct")
    if not correct:
        return None
    return PartTable(part.id, getattr(part, "title", ""), float(part.points), correct, wrong)


# -- the submissions ---------------------------------------------------------------------------

def ocr_damage(latex: str, rng: random.Random) -> str:
    """Damage that a reader must see through (spacing, sizing, fraction macros): same value."""
    out = latex
    if rng.random() < 0.5:
        out = re.sub(r"\s*([-+=])\s*", r"  \1 ", out)
    if rng.random() < 0.4:
        out = out.replace("(", r"\left(", 1).replace(")", r"\right)", 1) if "(" in out else out
    if rng.random() < 0.4:
        out = out.replace(r"\frac", r"\dfrac")
    if rng.random() < 0.3:
        out = out.replace(" ", r"\, ", 1)
    return out


def render_submission(student: str, answers: dict[str, str], rubric: Any) -> str:
    """A submission in the seeds' style: numbered headings, prose, ``$$target = answer$$``."""
    if not hasattr(rubric, "problems"):  # the fake rubric: one LaTeX section per part
        body = [r"\documentclass{article}", r"\begin{document}", f"% {student}"]
        for part in rubric.parts:
            if part.id in answers:
                body += [rf"\section*{{Problem {part.id}: {getattr(part, 'title', '')}}}",
                         "We differentiate and simplify:", rf"\[ {answers[part.id]} \]", ""]
        body.append(r"\end{document}")
        return "\n".join(body) + "\n"
    lines = [f"{rubric.title}", "", f"{student}", ""]
    emitted: set[str] = set()
    for part in rubric.parts:
        if part.id not in answers:
            continue
        section = part.sections[0] if part.sections else part.problem
        if section not in emitted:
            lines += [f"## {section} {getattr(part, 'title', '')}", ""]
            emitted.add(section)
        ans = answers[part.id]
        if part.kind == "prose":
            lines += [ans, ""]
            continue
        lines.append("From the previous step we get:")
        if part.kind == "system" and r"\begin{cases}" not in ans:
            ans = r"\begin{cases} " + r" \\ ".join(x.strip() for x in re.split(r"(?<!\\),", ans)) + r" \end{cases}"
        if part.targets:
            lines += [f"$${part.targets[0]} = {ans}$$", ""]
        elif getattr(part, "prefer", "final") == "boxed":
            lines += [f"$$\\boxed{{{ans}}}$$", ""]
        else:
            lines += [f"$${ans}$$", ""]
    return "\n".join(lines) + "\n"


def _ext(rubric: Any) -> str:
    return ".md" if hasattr(rubric, "problems") else ".tex"


@dataclass
class Truth:
    status: str
    parts: dict[str, tuple[str, float]] = field(default_factory=dict)  # id -> (verdict, points)


def generate(out: Path, rubric: Any, tables: dict[str, PartTable], n: int,
             seed: int = 7) -> dict[str, Truth]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    truth: dict[str, Truth] = {}
    hostile = 6
    for i in range(n - hostile):
        student = f"student{i:03d}"
        answers: dict[str, str] = {}
        t = Truth("ok")
        for part in rubric.parts:
            table = tables[part.id]
            roll = rng.random()
            if getattr(part, "kind", "") == "prose":
                if roll < 0.05:
                    t.parts[part.id] = ("missing", 0.0)
                else:
                    answers[part.id] = rng.choice(table.correct)
                    t.parts[part.id] = ("needs_review", 0.0)
                continue
            if roll < 0.05:
                t.parts[part.id] = ("missing", 0.0)
                continue
            follow = getattr(part, "follow_through", None)
            wrong_source = follow is not None and any(t.parts.get(ref, ("correct",))[0] != "correct" for _, ref in follow.uses)
            # a wrong answer here after a wrong earlier value may be consistent with it (follow-through
            # credit): plant only answers whose truth does not depend on the student's other parts
            if roll < 0.6 or not table.wrong or wrong_source:
                ans = rng.choice(table.correct)
                t.parts[part.id] = ("correct", float(part.points))
            else:
                w = rng.choice(table.wrong)
                ans = w.answer
                t.parts[part.id] = (w.verdict, w.points)
            answers[part.id] = ocr_damage(ans, rng) if rng.random() < 0.3 else ans
        (out / f"{student}{_ext(rubric)}").write_text(render_submission(student, answers, rubric))
        truth[student] = t
    first = out / f"student000{_ext(rubric)}"
    (out / f"copycat{_ext(rubric)}").write_bytes(first.read_bytes())
    truth["copycat"] = Truth("duplicate", dict(truth["student000"].parts))
    truth["student000"] = Truth("duplicate", dict(truth["student000"].parts))
    (out / "empty.tex").write_text("")
    truth["empty"] = Truth("empty")
    (out / "binary.tex").write_bytes(b"\x00\x01\x02\xff" * 100)
    truth["binary"] = Truth("error")
    (out / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    truth["scan"] = Truth("error")
    with open(out / "huge.tex", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    truth["huge"] = Truth("error")
    latin = render_submission("latin", {p.id: tables[p.id].correct[0] for p in rubric.parts}, rubric)
    (out / "latin.tex").write_bytes(latin.replace("simplify", "simplify (r\xe9sum\xe9)")
                                    .encode("latin-1"))
    truth["latin"] = Truth("ok", {p.id: ("needs_review", 0.0) if getattr(p, "kind", "") == "prose"
                                  else ("correct", float(p.points)) for p in rubric.parts})
    return truth


# -- the stand-in grader -------------------------------------------------------------------------

_SECTION = re.compile(r"\\section\*\{Problem ([^:}]+)[:}]")
_DISPLAY = re.compile(r"\\\[(.*?)\\\]", re.S)


def normalise(latex: str) -> str:
    s = latex.replace(r"\left", "").replace(r"\right", "").replace(r"\dfrac", r"\frac")
    return re.sub(r"\\,|\s+", "", s)


def fake_grade(text: str, rubric: Any, *, submission: str, cache: VerdictCache | None = None,
               only_parts: Collection[str] | None = None) -> Report:
    """Extract ``\\section*{Problem ID}`` + ``\\[ answer \\]``, compare through the cache."""
    cost = float(os.environ.get("BENCH_COMPARE_SECONDS", "0.02"))
    found: dict[str, str] = {}
    heads = list(_SECTION.finditer(text))
    for k, m in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        if d := _DISPLAY.search(text, m.end(), end):
            found[m.group(1).strip()] = d.group(1).strip()
    results = []
    for part in rubric.parts:
        if only_parts is not None and part.id not in only_parts:
            continue
        ans = found.get(part.id)
        if ans is None:
            results.append(PartResult(part.id, part.title, 0.0, part.points, "missing"))
            continue
        key = f"{part.id}\x00{normalise(ans)}"
        v = cache.get(key) if cache is not None else None
        if v is None:
            time.sleep(cost)  # what a symbolic comparison costs, roughly
            table = part.table
            if normalise(ans) in {normalise(c) for c in table.correct}:
                v = Verdict.correct("symbolic", evidence=json.dumps(["correct", part.points]))
            else:
                w = next((w for w in table.wrong if normalise(w.answer) == normalise(ans)), None)
                v = (Verdict.incorrect("numeric", w.diagnosis, f"{w.diagnosis}: look again",
                                       evidence=json.dumps([w.verdict, w.points])) if w else
                     Verdict(outcome=Outcome.UNDECIDED, diagnosis="UNDECIDED", evidence=json.dumps(["needs_review", 0])))
            if cache is not None:
                cache.put(key, v)
        verdict, pts = json.loads(v.evidence or '["needs_review", 0]')
        results.append(PartResult(part.id, part.title, float(pts), part.points, verdict, answer=ans,
                                  expected=part.table.correct[0], method=v.method,
                                  feedback=v.feedback, diagnosis=v.diagnosis))
    return Report(submission, rubric.id, tuple(results), rubric_version=rubric.version,
                  title=rubric.title)


# -- running it ----------------------------------------------------------------------------------

def pick_real() -> tuple[Any, dict[str, PartTable]] | None:
    rubric_files = sorted((ROOT / "rubrics").glob("*.yaml"))
    if not rubric_files:
        return None
    try:
        from grader.grading import grade_submission  # noqa: F401
        from grader.rubric import load_rubric
    except Exception as exc:  # noqa: BLE001
        print(f"real engine not available ({type(exc).__name__}: {exc}); using the fake",
              file=sys.stderr)
        return None
    preferred = [p for p in rubric_files if p.stem == "ece449-a4"]
    for path in preferred + [p for p in rubric_files if p not in preferred]:
        rubric = load_rubric(path)
        tables = {p.id: t for p in rubric.parts if (t := table_from_samples(p)) is not None}
        if len(tables) == len(rubric.parts):
            return rubric, tables
    print("no rubric has samples for every part; using the fake", file=sys.stderr)
    return None


def agreement(book: Path, rubric: Any, truth: dict[str, Truth]) -> tuple[int, int, list[str]]:
    conn = sqlite3.connect(book)
    conn.row_factory = sqlite3.Row
    subs = {r["student"]: r for r in conn.execute(
        "SELECT * FROM submissions WHERE rubric_id=? AND rubric_version=?",
        (rubric.id, rubric.version))}
    parts: dict[str, dict[str, sqlite3.Row]] = {}
    for r in conn.execute("SELECT * FROM parts WHERE rubric_id=? AND rubric_version=?",
                          (rubric.id, rubric.version)):
        parts.setdefault(r["student"], {})[r["part"]] = r
    conn.close()
    agree, total, misses = 0, 0, []
    for student, t in truth.items():
        row = subs.get(student)
        total += 1
        if row is not None and row["status"] == t.status:
            agree += 1
        else:
            misses.append(f"{student}: status {row['status'] if row else None} != {t.status}")
        for pid, (verdict, pts) in t.parts.items():
            total += 1
            got = parts.get(student, {}).get(pid)
            if got is not None and got["verdict"] == verdict and abs(got["points"] - pts) < 1e-9:
                agree += 1
            else:
                misses.append(f"{student} {pid}: {got['verdict'] if got else None} "
                              f"{got['points'] if got else None} != {verdict} {pts}")
    return agree, total, misses


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--fake", action="store_true", help="use the stand-in grader")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--executor", choices=("local", "ray"), default="local",
                    help="ray: also grade the class on Ray and print the overhead ratio")
    ap.add_argument("--ray-address", default=None, help="an existing cluster (default: start one)")
    ap.add_argument("--ray-nodes", type=int, default=2, help="nodes of the cluster started here")
    args = ap.parse_args(argv)

    work = args.out or Path(tempfile.mkdtemp(prefix="batch-bench-"))
    real = None if args.fake else pick_real()
    if real is None:
        import batch_bench as me  # by module name, so that a Ray node can import the fakes

        rubric = fake_rubric()
        tables = {p.id: p.table for p in rubric.parts}
        engine = Engine(grade=me.fake_grade, load_rubric=me.load_fake, load_rubric_text=me.load_fake_text)
        rubric_file = work / "bench-rubric.yaml"
        rubric_file.parent.mkdir(parents=True, exist_ok=True)
        rubric_file.write_text(FAKE_RUBRIC_TEXT)
        mode = "fake grader"
    else:
        rubric, tables = real
        engine, rubric_file, mode = Engine(), Path(rubric.path), "real engine"
    klass = work / "class"
    truth = generate(klass, rubric, tables, args.students)
    book = work / "gradebook.sqlite"
    if book.exists():
        book.unlink()
    start = time.perf_counter()
    settings = BatchSettings(jobs=args.jobs, gradebook=book, csv_path=work / "grades.csv",
                             feedback_dir=work / "feedback", timeout=args.timeout,
                             progress=sys.stderr.isatty())
    summary = run_batch(klass, rubric_file, settings, engine=engine)
    wall = time.perf_counter() - start
    agree, total, misses = agreement(book, rubric, truth)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    st = stats(book, plot=work / "class.png")
    print(f"mode: {mode}; rubric {rubric.id} {rubric.version}; output in {work}")
    print(summary.render())
    print(f"wall time        {wall:.2f} s for {summary.found} submissions with --jobs {args.jobs}")
    print(f"throughput       {summary.found / wall:.1f} submissions/s")
    print(f"answers          {summary.compared} distinct compared ({summary.comparisons} "
          f"comparisons run), {summary.cache_hits} of "
          f"{summary.lookups} look-ups served by the shared cache")
    print(f"peak memory      parent {peak_self:.0f} MB, largest worker {peak_child:.0f} MB, "
          f"bound {peak_self + args.jobs * peak_child:.0f} MB")
    print(f"agreement        {agree}/{total} = {100 * agree / total:.1f}%")
    for m in misses[:10]:
        print(f"  disagree: {m}")
    print(st.render().splitlines()[-1])
    ok = agree == total and wall < 60 and peak_self + args.jobs * peak_child < 2048
    if args.executor == "ray":
        ok = compare_with_ray(args, work, klass, rubric, rubric_file, engine, truth, summary, wall) and ok
    return 0 if ok else 1


def gradebook_rows(book: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """A gradebook's content without row ids, timings and timestamps."""
    conn = sqlite3.connect(book)
    try:
        subs = sorted(conn.execute("SELECT student, file, sha256, status, message, score, max_score "
                                   "FROM submissions"))
        parts = sorted(conn.execute("SELECT student, part, verdict, points, answer, method, "
                                    "feedback, diagnosis, line FROM parts"))
    finally:
        conn.close()
    return subs, parts


def compare_with_ray(args: argparse.Namespace, work: Path, klass: Path, rubric: Any,
                     rubric_file: Path, engine: Engine, truth: dict[str, Truth],
                     local: Any, local_wall: float) -> bool:
    """The same class on Ray: cold, warm, warm without the shared cache; the overhead ratio."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    cluster = None
    if args.ray_address is None:
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # 127.0.0.1 only
        os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "bench")])
    import ray

    t0 = time.perf_counter()
    if args.ray_address is None:
        from ray.cluster_utils import Cluster

        cpus = max(1, args.jobs // args.ray_nodes)
        cluster = Cluster(initialize_head=True, head_node_args={
            "num_cpus": cpus, "node_ip_address": "127.0.0.1", "include_dashboard": False})
        for _ in range(args.ray_nodes - 1):
            cluster.add_node(num_cpus=cpus, node_ip_address="127.0.0.1")
        address = cluster.address
    else:
        address = args.ray_address
    ray.init(address=address, log_to_driver=False, logging_level="WARNING")
    cpus_total = int(ray.cluster_resources().get("CPU", 0))
    up = time.perf_counter() - t0
    reference = gradebook_rows(work / "gradebook.sqlite")
    results = []
    try:
        for label, share in (("ray, cold", True), ("ray, warm", True),
                             ("ray, warm, no shared cache", False)):
            out = work / f"ray-{len(results)}"  # the same outputs as the local run writes
            book = out / "gradebook.sqlite"
            settings = BatchSettings(gradebook=book, csv_path=out / "grades.csv",
                                     feedback_dir=out / "feedback", executor="ray",
                                     timeout=args.timeout, share_cache=share,
                                     progress=sys.stderr.isatty())
            start = time.perf_counter()
            summary = run_batch(klass, rubric_file, settings, engine=engine)
            wall = time.perf_counter() - start
            agree, total, _ = agreement(book, rubric, truth)
            results.append((label, wall, summary, agree, total,
                            gradebook_rows(book) == reference))
    finally:
        ray.shutdown()
        if cluster is not None:
            cluster.shutdown()
    where = address if args.ray_address else f"{args.ray_nodes} nodes started here"
    print(f"\nray cluster      {where}, {cpus_total} CPUs, up in {up:.1f} s (not counted below)")
    print(f"{'executor':28} {'wall':>7} {'ratio':>6} {'grading':>8} {'ratio':>6} {'compares':>9} "
          f"{'hits/look-ups':>14} {'agreement':>10}  same rows as local")
    ok = True
    mine = agreement(work / "gradebook.sqlite", rubric, truth)
    for label, wall, summary, agree, total, same in [
            (f"local pool, --jobs {args.jobs}", local_wall, local, mine[0], mine[1], True),
            *results]:
        grading = summary.grading_seconds
        print(f"{label:28} {wall:6.2f}s {wall / local_wall:5.2f}x {grading:7.2f}s "
              f"{grading / local.grading_seconds:5.2f}x "
              f"{summary.comparisons:9d} {summary.cache_hits:6d}/{summary.lookups:<7d} "
              f"{100 * agree / total:9.1f}%  {'yes' if same else 'NO'}")
        ok = ok and agree == total and same and summary.lost == 0
    (cold, warm), base = (r[2].grading_seconds for r in results[:2]), local.grading_seconds
    print(f"overhead ratio   ray / local pool on the same class, grading: {cold / base:.2f}x "
          f"cold, {warm / base:.2f}x warm")
    print(f"whole command    {results[0][1] / local_wall:.2f}x cold, {results[1][1] / local_wall:.2f}x"
          " warm (the driver also plans and writes the CSV and feedback, the same work for both"
          " executors, and faster in the later runs of this process)")
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
