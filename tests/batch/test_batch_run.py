"""Running a batch: results recorded once, resume, limits, regrade, duplicates, feedback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import batch_fakes as fakes
import pytest
from conftest import read_log, write_files

from grader.batch import BatchSettings, Engine, run_batch

CANNED = Engine(grade=fakes.grade_canned)
CRASH = Engine(grade=fakes.grade_crash)
HANG = Engine(grade=fakes.grade_hang_for_bob)
HOG = Engine(grade=fakes.grade_hog)


def rows(book: Path, version: str = "1") -> dict[str, sqlite3.Row]:
    conn = sqlite3.connect(book)
    conn.row_factory = sqlite3.Row
    out = {r["student"]: r for r in conn.execute(
        "SELECT * FROM submissions WHERE rubric_version=?", (version,))}
    conn.close()
    return out


def part_rows(book: Path, student: str, version: str = "1") -> dict[str, sqlite3.Row]:
    conn = sqlite3.connect(book)
    conn.row_factory = sqlite3.Row
    out = {r["part"]: r for r in conn.execute(
        "SELECT * FROM parts WHERE student=? AND rubric_version=?", (student, version))}
    conn.close()
    return out


def test_batch_grades_everyone_and_resume_grades_nothing_twice(
        klass: Path, rubric: fakes.FakeRubric, tmp_path: Path, fake_log: Path) -> None:
    book = tmp_path / "gb.sqlite"
    s = run_batch(klass, rubric, BatchSettings(gradebook=book, jobs=2, progress=False),
                  engine=CANNED)
    assert (s.found, s.graded, s.skipped) == (5, 5, 0)
    got = rows(book)
    assert {k: r["score"] for k, r in got.items()} == {
        "alice": 5.0, "bob": 1.5, "carol": 3.0, "dan": 1.5, "erin": 2.0}
    assert part_rows(book, "erin")["b"]["verdict"] == "missing"
    assert part_rows(book, "bob")["a"]["diagnosis"] == "RECIPROCAL"
    assert s.compared == 7  # distinct (part, answer) pairs in the class
    s2 = run_batch(klass, rubric, BatchSettings(gradebook=book, jobs=2, progress=False),
                   engine=CANNED)
    assert (s2.graded, s2.skipped) == (0, 5)
    assert sorted(st for st, _ in read_log(fake_log)) == sorted(["alice.tex", "bob.tex", "carol.md",
                                                                "dan.txt", "erin.tex"])
    # a changed text is graded again; the rest are not
    (klass / "bob.tex").write_text("a: 2x\nb: y-t\n")
    s3 = run_batch(klass, rubric, BatchSettings(gradebook=book, jobs=1, progress=False),
                   engine=CANNED)
    assert (s3.graded, s3.skipped) == (1, 4) and rows(book)["bob"]["score"] == 5.0


def test_shared_cache_compares_each_answer_once(tmp_path: Path, rubric: fakes.FakeRubric) -> None:
    klass = write_files(tmp_path / "c", {f"s{i:02}.tex": "a: 2x\nb: t-y\n" if i % 2 else
                                         f"a: x/2\nb: y-t\n% {i}\n" for i in range(20)})
    book = tmp_path / "gb.sqlite"
    s = run_batch(klass, rubric, BatchSettings(gradebook=book, jobs=1, progress=False),
                  engine=CANNED)
    assert s.compared == 4 and s.lookups == 40 and s.cache_hits == 36


def test_hung_worker_gets_a_timeout_row_and_the_batch_goes_on(
        tmp_path: Path, rubric: fakes.FakeRubric) -> None:
    klass = write_files(tmp_path / "c", {"bob.tex": "HANG\na: 2x",
                                         **{f"s{i}.tex": f"a: 2x\nb: y-t\n% {i}" for i in range(4)}})
    book = tmp_path / "gb.sqlite"
    s = run_batch(klass, rubric,
                  BatchSettings(gradebook=book, jobs=2, timeout=1.0, progress=False), engine=HANG)
    got = rows(book)
    assert got["bob"]["status"] == "timeout" and "longer than 1s" in got["bob"]["message"]
    assert got["bob"]["score"] is None
    assert all(got[f"s{i}"]["status"] == "ok" for i in range(4))
    assert s.statuses["timeout"] == 1 and s.statuses["ok"] == 4


def test_memory_hog_gets_a_memory_row(tmp_path: Path, rubric: fakes.FakeRubric) -> None:
    klass = write_files(tmp_path / "c", {"hog.tex": "HOG", "ok1.tex": "a: 2x", "ok2.tex": "a: 2x\n"})
    book = tmp_path / "gb.sqlite"
    run_batch(klass, rubric,
              BatchSettings(gradebook=book, jobs=2, memory_mb=200, timeout=20, progress=False),
              engine=HOG)
    got = rows(book)
    assert got["hog"]["status"] == "memory"
    assert got["ok1"]["status"] == "ok" and got["ok2"]["status"] == "ok"


def test_crashing_grader_and_dying_worker_become_error_rows(
        tmp_path: Path, rubric: fakes.FakeRubric) -> None:
    klass = write_files(tmp_path / "c", {"x.tex": "CRASH", "y.tex": "DIE", "z.tex": "a: 2x"})
    book = tmp_path / "gb.sqlite"
    run_batch(klass, rubric, BatchSettings(gradebook=book, jobs=2, progress=False), engine=CRASH)
    got = rows(book)
    assert got["x"]["status"] == "error" and "ZeroDivisionError: boom" in got["x"]["message"]
    assert got["y"]["status"] == "error" and "exit code 3" in got["y"]["message"]
    assert got["z"]["status"] == "ok"


def test_failed_rows_are_retried_only_with_regrade(tmp_path: Path, rubric: fakes.FakeRubric,
                                                   fake_log: Path) -> None:
    klass = write_files(tmp_path / "c", {"x.tex": "CRASH a: 2x", "z.tex": "a: 2x"})
    book = tmp_path / "gb.sqlite"
    for _ in range(2):
        run_batch(klass, rubric, BatchSettings(gradebook=book, jobs=1, progress=False),
                  engine=CRASH)
    assert len(read_log(fake_log)) == 1  # only z was graded (x crashed before logging)
    s = run_batch(klass, rubric,
                  BatchSettings(gradebook=book, jobs=1, regrade=True, progress=False),
                  engine=CANNED)
    assert s.graded == 1 and rows(book)["x"]["status"] == "ok"


def test_regrade_after_a_rubric_change_regrades_only_the_changed_part(
        klass: Path, tmp_path: Path, fake_log: Path) -> None:
    book = tmp_path / "gb.sqlite"
    run_batch(klass, fakes.make_rubric(), BatchSettings(gradebook=book, jobs=2, progress=False),
              engine=CANNED)
    before = part_rows(book, "alice")
    fake_log.unlink()
    changed = fakes.make_rubric(change="b")  # same version, part b worth 4 instead of 3
    s = run_batch(klass, changed, BatchSettings(gradebook=book, jobs=2, progress=False),
                  engine=CANNED)
    assert s.stale == 5 and s.graded == 0 and not fake_log.exists()
    s = run_batch(klass, changed,
                  BatchSettings(gradebook=book, jobs=2, regrade=True,
                                csv_path=tmp_path / "out.csv", progress=False),
                  engine=CANNED)
    assert s.regraded == 5
    assert sorted(read_log(fake_log)) == sorted((f, "b") for f in
                                                ("alice.tex", "bob.tex", "carol.md", "dan.txt", "erin.tex"))
    after = part_rows(book, "alice")
    assert after["a"]["graded_at"] == before["a"]["graded_at"]  # copied, not regraded
    assert after["b"]["max_points"] == 4.0 and after["b"]["points"] == 4.0
    assert rows(book)["alice"]["score"] == 6.0 and rows(book)["alice"]["max_score"] == 6.0
    assert "alice,6,2,4,ok" in (tmp_path / "out.csv").read_text()
    # a new version with --regrade: carries part b over from version 1, regrades a, keeps version 1
    fake_log.unlink()
    v2 = fakes.make_rubric("2", change=("a", "b"))
    run_batch(klass, v2, BatchSettings(gradebook=book, jobs=2, regrade=True, progress=False),
              engine=CANNED)
    assert {p for _, p in read_log(fake_log)} == {"a"}
    assert rows(book, "2")["alice"]["score"] == 3 + 4
    assert rows(book, "1")["alice"]["score"] == 6.0


def test_duplicates_are_reported_and_still_graded(tmp_path: Path, rubric: fakes.FakeRubric) -> None:
    klass = write_files(tmp_path / "c", {"ann.tex": "a: 2x", "ben.tex": "a: 2x", "cal.tex": "a: x/2"})
    book = tmp_path / "gb.sqlite"
    run_batch(klass, rubric, BatchSettings(gradebook=book, jobs=1, progress=False), engine=CANNED)
    got = rows(book)
    assert got["ann"]["status"] == "duplicate" and got["ann"]["message"] == "same text as ben"
    assert got["ann"]["score"] == 2.0 and got["cal"]["status"] == "ok"


def test_hostile_zip_batch_writes_nothing_outside_and_gives_rows(
        tmp_path: Path, rubric: fakes.FakeRubric) -> None:
    import zipfile

    out = tmp_path / "out"
    z = tmp_path / "in" / "class.zip"
    z.parent.mkdir()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("alice.tex", "a: 2x")
        zf.writestr("../../../evil.tex", "a: 2x")
        zf.writestr("bob.tex", b"\x00\x00binary")
        zf.writestr("carol.tex", "")
        zf.writestr("dan.docx", "PK")
    s = run_batch(z, rubric,
                  BatchSettings(csv_path=out / "grades.csv", feedback_dir=out / "feedback", jobs=1,
                                progress=False),
                  engine=CANNED)
    assert s.statuses == {"ok": 1, "error": 2, "empty": 1}
    assert any("evil.tex" in p for p in s.problems)
    assert sorted(p.name for p in out.iterdir()) == ["feedback", "gradebook.sqlite",
                                                     "gradebook.sqlite-shm", "gradebook.sqlite-wal",
                                                     "grades.csv"] or \
        sorted(p.name for p in out.iterdir()) == ["feedback", "gradebook.sqlite", "grades.csv"]
    assert sorted(p.name for p in (out / "feedback").iterdir()) == sorted(
        f"{s}.{ext}" for s in ("alice", "bob", "carol", "dan") for ext in ("md", "html"))
    assert not list(tmp_path.parent.glob("evil*")) and not (tmp_path / "evil.tex").exists()
    assert "binary" in (out / "feedback" / "bob.md").read_text()
    assert "binary" in (out / "feedback" / "bob.html").read_text()


def test_feedback_file_has_verdict_points_answer_and_expected(
        klass: Path, rubric: fakes.FakeRubric, tmp_path: Path) -> None:
    run_batch(klass, rubric,
              BatchSettings(gradebook=tmp_path / "gb.sqlite", feedback_dir=tmp_path / "fb", jobs=1,
                            progress=False),
              engine=CANNED)
    text = (tmp_path / "fb" / "bob.md").read_text()
    # the report package's markdown: verdict with its diagnosis, points, both answers as LaTeX
    for needle in ("Score: 1.5 / 5", "incorrect", "(0 / 2 points)", "$x/2$", "$2x$", "RECIPROCAL"):
        assert needle in text, needle


def test_progress_is_plain_when_not_a_tty(klass: Path, rubric: fakes.FakeRubric, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    run_batch(klass, rubric, BatchSettings(gradebook=tmp_path / "gb.sqlite", jobs=1), engine=CANNED)
    err = capsys.readouterr().err
    assert "\r" not in err and err.strip().splitlines()[-1].startswith("graded 5/5")


def test_empty_folder_is_a_summary_not_a_crash(tmp_path: Path, rubric: fakes.FakeRubric) -> None:
    (tmp_path / "c").mkdir()
    s = run_batch(tmp_path / "c", rubric,
                  BatchSettings(gradebook=tmp_path / "gb.sqlite", progress=False), engine=CANNED)
    assert s.found == 0 and "no submissions found" in s.render()


def test_rubric_path_is_loaded_with_the_injected_loader(klass: Path, tmp_path: Path) -> None:
    seen = []

    def load(path: object) -> fakes.FakeRubric:
        seen.append(path)
        return fakes.make_rubric()

    s = run_batch(klass, tmp_path / "hw1.yaml",
                  BatchSettings(gradebook=tmp_path / "gb.sqlite", jobs=1, progress=False),
                  engine=Engine(grade=fakes.grade_canned, load_rubric=load))
    assert seen == [tmp_path / "hw1.yaml"] and s.statuses["ok"] == 5


def test_missing_source_is_an_input_error(tmp_path: Path, rubric: fakes.FakeRubric) -> None:
    from grader.errors import InputError

    with pytest.raises(InputError, match="no such file or folder"):
        run_batch(tmp_path / "nope", rubric,
                  BatchSettings(gradebook=tmp_path / "gb.sqlite", progress=False), engine=CANNED)


def test_canvas_download_names_become_canvas_user_ids(tmp_path: Path,
                                                      rubric: fakes.FakeRubric) -> None:
    klass = write_files(tmp_path / "c", {"smithann_1001_9001_hw1.tex": "a: 2x",
                                         "jonesbob_LATE_1002_9002_hw1-2.tex": "a: x/2"})
    book = tmp_path / "gb.sqlite"
    run_batch(klass, rubric, BatchSettings(gradebook=book, jobs=1, progress=False), engine=CANNED)
    assert sorted(rows(book)) == ["1001", "1002"]


def test_progress_bar_on_a_terminal() -> None:
    import io

    from grader.batch.runner import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    bar = Progress(4, enabled=True, stream=out)
    for name in "abcd":
        bar.advance(name)
    text = out.getvalue()
    assert text.count("\r") == 4 and "4/4" in text and text.endswith("\n")
    quiet = Tty()
    Progress(4, enabled=False, stream=quiet).advance("a")
    assert quiet.getvalue() == ""
