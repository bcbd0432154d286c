"""A person's grade lives beside the engine's: batch resumes and ``--regrade`` of other parts leave
it in force, a change to its own part (or to the student's answer) flags it, and totals use it."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import review_fakes as fakes
from review_fakes import CLASS, batch, write_class

from grader.batch import export
from grader.batch.gradebook import connect
from grader.batch.manual import class_grades, resolve_rubric
from grader.review import Review


def manual_rows(book: Path) -> dict[tuple[str, str], tuple[float, str, str, str]]:
    conn = sqlite3.connect(book)
    out = {(r[0], r[1]): (r[2], r[3], r[4], r[5]) for r in conn.execute(
        "SELECT student, part, points, comment, grader, part_fingerprint FROM manual_grades")}
    conn.close()
    return out


def standing(book: Path) -> dict[tuple[str, str], tuple[str, float | None]]:
    conn = connect(book, readonly=True)
    rid, ver = resolve_rubric(conn)
    out = {(s.student, p.part): (p.state, p.points) for s in class_grades(conn, rid, ver)
           for p in s.parts}
    conn.close()
    return out


def csv_rows(book: Path) -> dict[str, dict[str, str]]:
    return {r["student"]: r for r in csv.DictReader(io.StringIO(export(book, to="csv")))}


def test_manual_grade_survives_resume_and_other_regrades_and_is_flagged_by_its_own(
        tmp_path: Path) -> None:
    klass = write_class(tmp_path / "class")
    book = tmp_path / "gb.sqlite"
    batch(klass, book, fakes.make_rubric())
    review = Review(book, grader="ta1")
    review.set_student("ana", "1.grad", 1.5, comment="right, not simplified")
    review.set_student("ana", "2.why", 2, comment="half the idea")
    given = manual_rows(book)
    assert standing(book)[("ana", "1.grad")] == ("manual", 1.5)
    assert csv_rows(book)["ana"]["total"] == "3.5" and csv_rows(book)["ana"]["pending"] == "0"

    # 1. resume: nothing is graded again, the grades stand
    s = batch(klass, book, fakes.make_rubric())
    assert s.graded == 0 and s.skipped == len(CLASS)  # type: ignore[attr-defined]
    assert manual_rows(book) == given
    assert csv_rows(book)["ana"]["total"] == "3.5"

    # 2. the rubric's 2.why changes: --regrade regrades that part only
    s = batch(klass, book, fakes.make_rubric(change=("2.why",)), regrade=True)
    assert s.regraded == len(CLASS)  # type: ignore[attr-defined]
    assert manual_rows(book) == given  # never overwritten...
    now = standing(book)
    assert now[("ana", "1.grad")] == ("manual", 1.5)  # ...in force for the unchanged part
    assert now[("ana", "2.why")] == ("flagged", None)  # flagged for the changed one: pending
    g = next(s for s in review.grades() if s.student == "ana").part("2.why")
    assert g is not None and g.stale is not None and g.stale.points == 2
    assert g.stale_why == "the part changed since this grade was given"
    row = csv_rows(book)["ana"]
    assert (row["1.grad"], row["2.why"], row["total"], row["pending"]) == ("1.5", "", "", "1")
    assert "flagged" in review.list_text()

    # confirming it again puts it in force against the new form of the part
    review.set_student("ana", "2.why", 2, comment="half the idea")
    assert standing(book)[("ana", "2.why")] == ("manual", 2)
    assert csv_rows(book)["ana"]["total"] == "3.5"


def test_a_new_version_with_the_same_part_keeps_the_grade(tmp_path: Path) -> None:
    klass = write_class(tmp_path / "class")
    book = tmp_path / "gb.sqlite"
    batch(klass, book, fakes.make_rubric())
    Review(book, grader="ta1").set_student("ben", "2.why", 3)
    batch(klass, book, fakes.make_rubric("2"), regrade=True)
    conn = connect(book, readonly=True)
    assert resolve_rubric(conn) == ("fake-hw", "2")
    conn.close()
    assert standing(book)[("ben", "2.why")] == ("manual", 3)


def test_a_changed_answer_flags_the_grade(tmp_path: Path) -> None:
    klass = write_class(tmp_path / "class")
    book = tmp_path / "gb.sqlite"
    batch(klass, book, fakes.make_rubric())
    Review(book, grader="ta1").set_student("cai", "1.grad", 2)
    (klass / "cai.tex").write_text("1.grad: \\frac{3}{x}\n2.why: It saturates.\n")
    batch(klass, book, fakes.make_rubric())
    g = next(s for s in Review(book).grades() if s.student == "cai").part("1.grad")
    assert g is not None and g.state == "flagged" and g.points is None
    assert g.stale_why == "the student's answer changed since this grade was given"
    # the unchanged prose answer's state is whatever it was (pending): not touched
    assert standing(book)[("cai", "2.why")] == ("pending", None)
