"""Batch benchmark: a synthetic class of submissions graded with ``grade batch`` machinery.

    python bench/batch_bench.py [--students 200] [--jobs 2] [--fake] [--out DIR]

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
from dataclasses import dataclass, field
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

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.part_fingerprints, sort_keys=True).encode()).hexdigest()


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
    args = ap.parse_args(argv)

    real = None if args.fake else pick_real()
    if real is None:
        rubric = fake_rubric()
        tables = {p.id: p.table for p in rubric.parts}
        grade_fn: Any = fake_grade
        mode = "fake grader"
    else:
        rubric, tables = real
        from grader.batch.worker import grade_with_engine

        grade_fn, mode = grade_with_engine, "real engine"
    work = args.out or Path(tempfile.mkdtemp(prefix="batch-bench-"))
    klass = work / "class"
    truth = generate(klass, rubric, tables, args.students)
    book = work / "gradebook.sqlite"
    if book.exists():
        book.unlink()
    start = time.perf_counter()
    settings = BatchSettings(jobs=args.jobs, gradebook=book, csv_path=work / "grades.csv",
                             feedback_dir=work / "feedback", timeout=args.timeout,
                             progress=sys.stderr.isatty())
    summary = run_batch(klass, rubric, settings, engine=Engine(grade=grade_fn))
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
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
