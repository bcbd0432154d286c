"""How the class did: per part mean and distribution of points, and the common mistakes.

Wrong answers are grouped by their diagnosis code (the stable note the comparer gives, e.g.
``RECIPROCAL``), so that "41 students: RECIPROCAL (reciprocal of the expected factor)" reads as
one line; within a group the most frequent answers (spaces removed) are listed. Answers with no
diagnosis are grouped by verdict. Points are the grades as they stand (a person's where given,
``grader.batch.manual``); a part still waiting for a person is counted as pending, not as 0, and
left out of the means, and a student with a pending part has no total yet
(``pending_as_zero=True`` counts pending parts as 0 instead). The plot needs matplotlib (``pip install
ml-homework-grader[plot]``); without it the text report says so in one line.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from grader.batch.export import _open, _rubric
from grader.batch.manual import class_grades

#: What a diagnosis code means, for the class report (the comparer's feedback is used otherwise).
DIAGNOSES = {
    "SIGN": "sign error",
    "RECIPROCAL": "reciprocal of the expected factor",
    "TRANSPOSE": "transposed",
    "MISSING_TERM": "a term is missing",
    "EXTRA_TERM": "an extra term",
    "LOG_BASE": "wrong base of logarithm",
    "SHAPE": "wrong shape",
    "ROUNDING": "rounded too far",
    "TIMEOUT": "could not be decided in time",
    "UNPARSED": "could not be read",
}


def describe(code: str) -> str:
    if code.startswith("FACTOR:"):
        return f"off by a factor of {code.split(':', 1)[1]}"
    return DIAGNOSES.get(code, "")


@dataclass
class MistakeGroup:
    code: str
    students: int
    description: str
    answers: list[tuple[str, int]]


@dataclass
class PartStats:
    id: str
    title: str
    max_points: float
    graded: int
    mean: float
    points: Counter[float]
    verdicts: Counter[str]
    mistakes: list[MistakeGroup]
    pending: int = 0
    manual: int = 0


@dataclass
class Stats:
    rubric: str
    version: str
    title: str
    students: int
    statuses: Counter[str]
    max_score: float
    mean: float | None
    median: float | None
    totals: list[float]
    parts: list[PartStats] = field(default_factory=list)
    pending_students: int = 0
    pending_as_zero: bool = False
    plot: str | None = None
    plot_note: str | None = None

    def render(self, *, top: int = 3) -> str:
        """The text report for the terminal."""
        st = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        out = [f"{self.title or self.rubric} ({self.rubric} {self.version}): {self.students} "
               f"students ({st})"]
        complete = f" over {len(self.totals)} complete" if self.pending_students else ""
        if self.mean is not None:
            out.append(f"total: mean {self.mean:.2f} / {self.max_score:g}, median "
                       f"{self.median:g}{complete}")
        if self.pending_students:
            out.append(f"{self.pending_students} student{'s' if self.pending_students != 1 else ''}"
                       " with parts awaiting review (no total yet; --pending-as-zero counts them"
                       " as 0)")
        for p in self.parts:
            dist = " ".join(f"{k:g}:{v}" for k, v in sorted(p.points.items()))
            verdicts = ", ".join(f"{n} {v}" for v, n in p.verdicts.most_common())
            extra = "".join([f"; {p.pending} pending" if p.pending else "",
                             f"; {p.manual} graded by hand" if p.manual else ""])
            out.append(f"\n{p.id}{' ' + p.title if p.title else ''}: mean {p.mean:.2f} / "
                       f"{p.max_points:g} over {p.graded}; points {dist or '-'}; {verdicts or '-'}"
                       + extra)
            for g in p.mistakes[:top]:
                desc = f" ({g.description})" if g.description else ""
                ex = "; ".join(f"{a}" + (f" x{n}" if n > 1 else "") for a, n in g.answers[:3])
                out.append(f"  {g.students} student{'s' if g.students != 1 else ''}: "
                           f"{g.code}{desc}" + (f" e.g. {ex}" if ex else ""))
        if self.plot:
            out.append(f"\nplot: {self.plot}")
        elif self.plot_note:
            out.append(f"\n{self.plot_note}")
        return "\n".join(out)


def _norm(answer: str | None) -> str:
    return "".join((answer or "").split()) or "(no answer)"


def stats(gradebook: str | Path, *, rubric_id: str | None = None, version: str | None = None,
          plot: str | Path | None = None, pending_as_zero: bool = False) -> Stats:
    """Class statistics for one rubric version (the latest recorded unless named)."""
    conn = _open(gradebook)
    try:
        rub = _rubric(conn, rubric_id, version)
        rid, ver = rub["rubric_id"], rub["rubric_version"]
        parts_meta = json.loads(rub["parts"])
        grades = class_grades(conn, rid, ver)
        statuses = Counter(g.status for g in grades)
        # an empty submission is not part of how the class did; a failed one waits for a person
        counted = [g for g in grades if g.status != "empty"]
        scored = [(g, g.score(pending_as_zero=pending_as_zero)) for g in counted]
        totals = [t for _, t in scored if t is not None]
        result = Stats(rubric=rid, version=ver, title=rub["title"] or "", students=len(grades),
                       statuses=statuses, max_score=sum(p["points"] for p in parts_meta),
                       mean=statistics.fmean(totals) if totals else None,
                       median=statistics.median(totals) if totals else None, totals=totals,
                       pending_students=sum(1 for _, t in scored if t is None),
                       pending_as_zero=pending_as_zero)
        for meta in parts_meta:
            rows = [p for g in counted for p in g.parts if p.part == meta["id"]]
            decided = [p for p in rows if not p.pending or pending_as_zero]
            pts = [float(p.points or 0.0) for p in decided]
            groups: dict[str, list[tuple[str, str]]] = {}
            for r in rows:
                if r.verdict is None or r.verdict == "correct":
                    continue
                code = r.diagnosis or r.verdict.upper()
                groups.setdefault(code, []).append((_norm(r.answer), r.feedback or ""))
            mistakes = []
            for code, items in groups.items():
                feedback = Counter(f for _, f in items if f).most_common(1)
                desc = describe(code) or (feedback[0][0] if feedback else "")
                mistakes.append(MistakeGroup(code, len(items), desc,
                                             Counter(a for a, _ in items).most_common(5)))
            mistakes.sort(key=lambda g: (-g.students, g.code))
            result.parts.append(PartStats(
                id=meta["id"], title=meta.get("title", ""), max_points=meta["points"],
                graded=len(decided), mean=statistics.fmean(pts) if pts else 0.0,
                points=Counter(pts), verdicts=Counter(r.verdict for r in rows if r.verdict),
                mistakes=mistakes, pending=sum(1 for r in rows if r.pending),
                manual=sum(1 for r in rows if r.manual is not None)))
    finally:
        conn.close()
    if plot is not None:
        if importlib.util.find_spec("matplotlib") is None:
            result.plot_note = ("no plot: matplotlib is not installed "
                                "(pip install 'ml-homework-grader[plot]')")
        else:
            result.plot = str(_plot(result, Path(plot)))
    return result


def render_stats(s: Stats, *, top: int = 3) -> str:
    return s.render(top=top)


def _plot(s: Stats, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(s.parts) + 1
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3 * rows), squeeze=False)
    flat = [ax for row in axes for ax in row]
    ax = flat[0]
    ax.hist(s.totals or [0], bins=min(20, max(5, len(set(s.totals)))), color="#4c72b0")
    ax.set_title(f"Total (max {s.max_score:g})")
    ax.set_xlabel("points")
    ax.set_ylabel("students")
    for ax, p in zip(flat[1:], s.parts, strict=False):
        keys = sorted(p.points)
        ax.bar([f"{k:g}" for k in keys], [p.points[k] for k in keys], color="#55a868")
        ax.set_title(f"{p.id} (mean {p.mean:.2f}/{p.max_points:g})", fontsize=9)
        ax.set_xlabel("points")
    for ax in flat[n:]:
        ax.axis("off")
    fig.suptitle(f"{s.title or s.rubric} {s.version}: {s.students} students")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
