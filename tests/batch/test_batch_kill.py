"""SIGKILL in the middle of a batch loses nothing and grades nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import batch_fakes as fakes
from conftest import read_log, write_files

from grader.batch import BatchSettings, Engine, run_batch

HERE = Path(__file__).parent
ROOT = HERE.parent.parent

SCRIPT = """
import sys
import batch_fakes as f
from grader.batch import BatchSettings, Engine, run_batch
run_batch(sys.argv[1], f.make_rubric(),
          BatchSettings(gradebook=sys.argv[2], jobs=2, progress=False),
          engine=Engine(grade=f.grade_canned))
"""

CANNED = Engine(grade=fakes.grade_canned)


def committed(book: Path) -> set[str]:
    if not book.exists():
        return set()
    try:
        conn = sqlite3.connect(f"file:{book}?mode=ro", uri=True)
        try:
            return {r[0] for r in conn.execute("SELECT student FROM submissions")}
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return set()


def test_resume_after_sigkill(tmp_path: Path, fake_log: Path) -> None:
    students = [f"s{i:02}" for i in range(24)]
    klass = write_files(tmp_path / "c", {f"{s}.tex": f"a: 2x\nb: y-t\n% {s}\n" for s in students})
    book = tmp_path / "gb.sqlite"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)]),
           "BATCH_FAKE_DELAY": "0.15", "BATCH_FAKE_LOG": str(tmp_path / "run1.log")}
    err = tmp_path / "stderr.txt"
    with open(err, "wb") as err_fh:
        proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(klass), str(book)], env=env,
                                start_new_session=True, stdout=subprocess.DEVNULL, stderr=err_fh)
    try:
        deadline = time.monotonic() + 30
        while len(committed(book)) < 6 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, mid-flight
        proc.wait()
    before = committed(book)
    assert 6 <= len(before) < len(students), err.read_text()

    summary = run_batch(klass, fakes.make_rubric(),
                        BatchSettings(gradebook=book, jobs=2, progress=False), engine=CANNED)
    regraded = {Path(f).stem for f, _ in read_log(fake_log)}
    assert regraded.isdisjoint(before)  # nothing committed is graded again
    assert regraded | before == set(students)  # nothing is lost
    assert summary.skipped == len(before)
    conn = sqlite3.connect(book)
    counts = dict(conn.execute("SELECT student, COUNT(*) FROM submissions GROUP BY student"))
    parts = conn.execute("SELECT COUNT(*) FROM parts").fetchone()[0]
    scores = {r[0] for r in conn.execute("SELECT score FROM submissions")}
    conn.close()
    assert counts == dict.fromkeys(students, 1) and parts == 2 * len(students) and scores == {5.0}
