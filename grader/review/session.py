"""One review of one gradebook: what the CLI's ``grade review`` options and the web app call.

A ``Review`` names the gradebook, the rubric (id and version: the one given, else the latest
recorded) and optionally the loaded rubric (for key ideas and exact answer groups). It opens a
connection per operation, so the web app's threads never share one, and every write is one
transaction (``grader.batch.manual``).

Students are named by id or by their anonymous label (``anon-3f2a9c``); lists and exports show
the labels unless ``names=True``. A group grade goes to every member of the group except those
graded one by one (a person's grade for one student wins over one for the group).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.batch import manual as mg
from grader.batch.gradebook import connect
from grader.errors import InputError
from grader.review.groups import Group, PartQueue, build_queue

#: Columns of a manual-grades CSV (``--export``); ``--import`` needs the first three.
CSV_COLUMNS = ("student", "part", "points", "comment", "reason", "grader", "graded_at", "scope",
               "state", "answer")


@dataclass(frozen=True)
class Outcome:
    """What a grading action did, for a message."""

    written: int
    kept: int = 0  # group members left alone because they were graded one by one

    def describe(self) -> str:
        out = f"{self.written} grade{'s' if self.written != 1 else ''} recorded"
        if self.kept:
            out += f"; {self.kept} graded one by one kept their grade"
        return out


class Review:
    def __init__(self, gradebook: str | Path, *, rubric: Any = None, rubric_id: str | None = None,
                 version: str | None = None, grader: str = "") -> None:
        self.path = Path(gradebook)
        if not self.path.is_file():
            raise InputError(f"{gradebook}: no such gradebook")
        self.rubric = rubric
        self.grader = grader or "unknown"
        rid = getattr(rubric, "id", None) or rubric_id
        with self.db() as conn:
            want = version or getattr(rubric, "version", None)
            try:
                self.rubric_id, self.version = mg.resolve_rubric(conn, rid, want)
            except InputError:
                if version is not None or rubric is None:
                    raise
                # the rubric file moved on since the batch: review what the gradebook holds
                self.rubric_id, self.version = mg.resolve_rubric(conn, rid)
            row = conn.execute("SELECT title, parts FROM rubrics WHERE rubric_id=? AND "
                               "rubric_version=?", (self.rubric_id, self.version)).fetchone()
            self.title = row["title"] or self.rubric_id
            self.parts_meta: list[dict[str, Any]] = json.loads(row["parts"])

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = connect(self.path)
        except sqlite3.Error as exc:
            raise InputError(f"{self.path}: not a gradebook ({exc})") from None
        try:
            yield conn
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{self.path}: {exc}") from None
        finally:
            conn.close()

    # --- reading ---------------------------------------------------------------------------

    def grades(self) -> list[mg.StudentGrades]:
        with self.db() as conn:
            return mg.class_grades(conn, self.rubric_id, self.version)

    def queue(self, grades: list[mg.StudentGrades] | None = None) -> list[PartQueue]:
        return build_queue(grades if grades is not None else self.grades(), self.parts_meta,
                           self.rubric)

    def label(self, student: str, names: bool = False) -> str:
        return student if names else mg.anonymous(self.rubric_id, student)

    def student(self, name: str, grades: list[mg.StudentGrades] | None = None) -> mg.StudentGrades:
        return mg.find_student(grades if grades is not None else self.grades(), name,
                               self.rubric_id)

    def part_grade(self, name: str, part: str,
                   grades: list[mg.StudentGrades] | None = None) -> mg.PartGrade:
        s = self.student(name, grades)
        g = s.part(part)
        if g is None:
            raise InputError(f"no part {part!r} in {self.rubric_id} "
                             f"(parts: {', '.join(p['id'] for p in self.parts_meta)})")
        return g

    def part_queue(self, part: str, queue: list[PartQueue] | None = None) -> PartQueue:
        for q in queue if queue is not None else self.queue():
            if q.info.id == part:
                return q
        raise InputError(f"no part {part!r} in {self.rubric_id} "
                         f"(parts: {', '.join(p['id'] for p in self.parts_meta)})")

    # --- writing ---------------------------------------------------------------------------

    def set_student(self, name: str, part: str, points: float, *, comment: str = "",
                    reason: str = "", grader: str | None = None) -> Outcome:
        g = self.part_grade(name, part)
        with self.db() as conn:
            n = mg.set_grades(conn, [(g, points, comment, reason)], rubric_id=self.rubric_id,
                              grader=grader or self.grader)
        return Outcome(n)

    def set_group(self, part: str, group_id: str, points: float, *, comment: str = "",
                  reason: str = "", grader: str | None = None) -> Outcome:
        q = self.part_queue(part)
        group = q.group(group_id)
        if group is None:
            raise InputError(f"no group {group_id!r} for part {part} (see grade review --list "
                             f"--part {part}); the answers may have changed since")
        todo = [m for m in group.members if not (m.manual is not None
                                                 and m.manual.scope == "student")]
        with self.db() as conn:
            n = mg.set_grades(conn, [(m, points, comment, reason) for m in todo],
                              rubric_id=self.rubric_id, grader=grader or self.grader,
                              scope="group", group_id=group.id)
        return Outcome(n, kept=group.size - len(todo))

    def clear(self, name: str, part: str, *, reason: str = "") -> bool:
        g = self.part_grade(name, part)
        with self.db() as conn:
            return mg.clear_grade(conn, g, rubric_id=self.rubric_id, grader=self.grader,
                                  reason=reason)

    def request(self, name: str, part: str, text: str) -> int:
        g = self.part_grade(name, part)
        with self.db() as conn:
            return mg.add_request(conn, g, text, rubric_id=self.rubric_id)

    # --- CSV of manual grades ----------------------------------------------------------------

    def export_csv(self, *, names: bool = False) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for s in self.grades():
            for g in s.parts:
                m = g.manual or g.stale
                if m is None:
                    continue
                state = "in force" if g.manual is not None else f"flagged: {g.stale_why}"
                when = datetime.fromtimestamp(m.graded_at, UTC).isoformat(timespec="seconds")
                w.writerow([_cell(self.label(s.student, names)), _cell(g.part), f"{m.points:g}",
                            _cell(m.comment), _cell(m.reason), _cell(m.grader), when, m.scope,
                            state, _cell(m.answer or "")])
        return buf.getvalue()

    def import_csv(self, text: str, *, source: str = "CSV") -> Outcome:
        """Grades from a CSV (``student,part,points[,comment,reason,grader]``), all or none."""
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        missing = [c for c in ("student", "part", "points") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{source}: the header needs {', '.join(missing)} "
                             "(columns: student,part,points[,comment,reason,grader])")
        grades = self.grades()
        items, graders = [], {}
        seen: set[tuple[str, str]] = set()
        for n, row in enumerate(reader, start=2):
            try:
                g = self.part_grade((row.get("student") or "").strip(),
                                    (row.get("part") or "").strip(), grades)
                points = float((row.get("points") or "").strip())
            except (InputError, ValueError) as exc:
                msg = str(exc) if isinstance(exc, InputError) else f"points {row.get('points')!r}"
                raise InputError(f"{source}:{n}: {msg}") from None
            if (g.student, g.part) in seen:
                raise InputError(f"{source}:{n}: {g.part} of {row['student']} is given twice")
            seen.add((g.student, g.part))
            items.append((g, points, _uncell(row.get("comment")), _uncell(row.get("reason"))))
            if (row.get("grader") or "").strip():
                graders[(g.student, g.part)] = _uncell(row["grader"])
        with self.db() as conn:
            try:
                n = mg.set_grades(conn, items, rubric_id=self.rubric_id, grader=self.grader,
                                  action="import", graders=graders)
            except InputError as exc:
                raise InputError(f"{source}: {exc} (nothing was imported)") from None
        return Outcome(n)

    # --- the text listing --------------------------------------------------------------------

    def list_text(self, *, part: str | None = None, everything: bool = False,
                  names: bool = False) -> str:
        grades = self.grades()
        queue = self.queue(grades)
        if part is not None:
            queue = [self.part_queue(part, queue)]
        waiting = sum(q.waiting for q in queue)
        lines = [f"{self.title} ({self.rubric_id} {self.version}): {len(grades)} students; "
                 f"{waiting} answer{'s' if waiting != 1 else ''} wait for a person in "
                 f"{sum(q.waiting_groups for q in queue)} groups"]
        for q in queue:
            shown = [g for g in q.groups if everything or g.needs_person]
            if not shown and part is None:
                continue
            lines.append(f"\n{q.info.id} {q.info.title} ({q.info.max_points:g} points): "
                         f"{q.waiting} waiting in {q.waiting_groups} groups, "
                         f"{len(q.groups)} groups in all")
            for g in shown:
                lines.append("  " + _group_line(g))
                if part is not None:
                    for m in g.members:
                        lines.append("      " + _member_line(self.label(m.student, names), m))
        return "\n".join(lines) + "\n"




def _one_line(text: str | None, width: int = 60) -> str:
    flat = " ".join((text or "(no answer)").split())
    flat = "".join(c if c.isprintable() else "?" for c in flat)
    return flat if len(flat) <= width else flat[: width - 3] + "..."


def _group_line(g: Group) -> str:
    verdict = (g.verdict or "not graded") + (f" {g.diagnosis}" if g.diagnosis else "")
    return (f"{g.id}  x{g.size:<3} {verdict:<24} {g.points_shown():>5} pts  "
            f"{g.summary(short=True):<22} {_one_line(g.answer)}")


def _member_line(label: str, m: mg.PartGrade) -> str:
    pts = "-" if m.points is None else f"{m.points:g}"
    out = f"{label:<14} {m.state:<8} {pts:>5} / {m.max_points:g}"
    if m.manual is not None:
        out += f"  by {m.manual.grader}" + (f": {_one_line(m.manual.comment, 40)}"
                                            if m.manual.comment else "")
    if m.stale is not None:
        out += f"  (was {m.stale.points:g}: {m.stale_why})"
    for r in m.requests:
        out += f"  request: {_one_line(r.text, 50)}"
    return out


def _cell(v: str) -> str:
    return "'" + v if v[:1] in ("=", "+", "-", "@") else v


def _uncell(v: str | None) -> str:
    v = (v or "").strip()
    return v[1:] if v[:2] in ("'=", "'+", "'-", "'@") else v
