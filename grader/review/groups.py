"""The review queue: per part, the class's answers in groups a person can grade at once.

Two answers are in one group when the engine treated them alike (same part fingerprint, same
verdict, diagnosis and points) and they are the same answer:

* math parts, with the rubric at hand: the answers parse (the engine's own parser, under the
  part's symbol context) to the same structure (``q_x - p_x`` and ``-p_x + q_x``, ``2x`` and
  ``2 \\cdot x``, ``\\frac{1}{2}`` and ``1/2``); decimals must also agree in the digits written;
* otherwise (prose parts, no rubric, an answer that does not parse): the same text with its
  whitespace removed, which is what the engine's verdict cache treats as one answer
  (prose also ignores case).

and the answers must use the same names and commands (``x^2`` and ``x \\cdot x`` parse alike
but are two groups; so are ``W^T x`` and ``W x`` under a context where ``W`` is a scalar). This
is exact equality, never "probably equal": a group never joins answers that a person might
want to grade differently for a reason the engine or the notation shows. A submission that could not be graded
is a group of its own. Group ids are short hashes of the group's key, so they stay the same
across runs while the answers do (``grade review --set-group PART GROUP POINTS``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from grader.batch.manual import PENDING_VERDICTS, PartGrade, StudentGrades, squeeze
from grader.errors import BudgetExceeded, GraderError

#: Seconds for parsing one part's distinct answers in the limited worker.
PARSE_SECONDS = 30.0


@dataclass(frozen=True)
class PartInfo:
    """What the grader needs to see about a part: the question, the expected answer, key ideas."""

    id: str
    title: str
    max_points: float
    fingerprint: str
    kind: str = ""
    expected: str | None = None
    model_answer: str | None = None
    key_ideas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """Answers to one part that are the same, and were graded the same by the engine."""

    id: str
    part: str
    how: str  # exact (same parse) | text (same text) | alone (not graded automatically)
    forms: tuple[str, ...]  # the ways it was written, most common first
    verdict: str | None
    diagnosis: str | None
    auto_points: float | None
    feedback: str | None
    members: tuple[PartGrade, ...]

    @property
    def answer(self) -> str | None:
        return self.forms[0] if self.forms else None

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def pending(self) -> int:
        return sum(1 for m in self.members if m.pending)

    @property
    def flagged(self) -> int:
        return sum(1 for m in self.members if m.stale is not None)

    @property
    def graded_by_hand(self) -> int:
        return sum(1 for m in self.members if m.manual is not None)

    @property
    def requests(self) -> int:
        return sum(len(m.requests) for m in self.members)

    def summary(self, *, short: bool = False) -> str:
        """What waits and what was done in this group, in words (``short`` for the terminal list)."""
        bits = []
        if self.pending:
            bits.append(f"{self.pending} pending")
        if self.graded_by_hand:
            bits.append(f"{self.graded_by_hand} {'by hand' if short else 'graded by hand'}")
        if self.flagged:
            bits.append(f"{self.flagged} flagged")
        if self.requests:
            noun = "request" if short else "regrade request"
            bits.append(f"{self.requests} {noun}{'s' if self.requests != 1 else ''}")
        return ", ".join(bits) or ("auto" if short else "graded automatically")

    @property
    def needs_person(self) -> bool:
        return any(m.needs_person for m in self.members)

    @property
    def decided(self) -> bool:
        """The engine gave these answers points (overriding them needs a reason)."""
        return self.verdict is not None and self.verdict not in PENDING_VERDICTS

    def points_shown(self) -> str:
        """``2`` when every member stands at 2 points, ``1–2`` when they differ, ``–`` if none."""
        pts = sorted({m.points for m in self.members if m.points is not None})
        if not pts:
            return "–"
        lo, hi = f"{pts[0]:g}", f"{pts[-1]:g}"
        return lo if lo == hi else f"{lo}–{hi}"


@dataclass(frozen=True)
class PartQueue:
    info: PartInfo
    groups: tuple[Group, ...]

    @property
    def waiting(self) -> int:
        """Students whose answer to this part needs a person."""
        return sum(1 for g in self.groups for m in g.members if m.needs_person)

    @property
    def waiting_groups(self) -> int:
        return sum(1 for g in self.groups if g.needs_person)

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)


def part_infos(parts_meta: Sequence[dict[str, Any]], rubric: Any = None) -> list[PartInfo]:
    """PartInfo per part, from the gradebook's record of the rubric and, if given, the rubric."""
    by_id = {p.id: p for p in getattr(rubric, "parts", ())} if rubric is not None else {}
    out = []
    for meta in parts_meta:
        p = by_id.get(meta["id"])
        out.append(PartInfo(
            id=meta["id"], title=meta.get("title", "") or getattr(p, "title", ""),
            max_points=float(meta["points"]), fingerprint=meta.get("fingerprint", ""),
            kind=getattr(p, "kind", "") or meta.get("kind", "") or "",
            expected=getattr(p, "expected_latex", None),
            model_answer=getattr(p, "model_answer", None) or None,
            key_ideas=tuple(getattr(p, "key_ideas", ()) or ())))
    return out


#: Commands that change how an answer looks, not what it says.
_PRESENTATION = frozenset(r"""\left \right \bigl \bigr \Bigl \Bigr \big \Big \cdot
    \frac \dfrac \tfrac \displaystyle \quad \qquad \mathrm \text \boxed""".split())
_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z]")


def _notation(text: str) -> str:
    """The names and commands an answer uses, as a sorted multiset (presentation left out).

    Joined to the parse, so that a reading that loses something (``W^T x`` read as ``W x`` when
    ``W`` is not declared a matrix) never puts two differently written answers in one group.
    """
    return " ".join(sorted(t for t in _TOKEN.findall(text) if t not in _PRESENTATION))


def _keys_here(texts: Sequence[str], context: Any) -> list[str | None]:
    """Structural keys of answers in this process (run it in the limited worker)."""
    from grader.latex import parse_latex_here

    out: list[str | None] = []
    for t in texts:
        try:
            parsed = parse_latex_here(t, context)
            out.append(f"{type(parsed).__name__}:{parsed.key}|{_notation(t)}")  # the normalised parse
        except (GraderError, ValueError, TypeError, RecursionError):
            out.append(None)
    return out


def structural_keys(texts: Sequence[str], context: Any) -> list[str | None]:
    """Structural keys for each answer, parsed under the part's context, time-limited."""
    from grader import budget

    if not texts:
        return []
    try:
        return budget.limited(_keys_here, list(texts), context, seconds=PARSE_SECONDS)
    except (BudgetExceeded, GraderError):
        return [None] * len(texts)


def _prose_key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _group_id(part: str, key: tuple[Any, ...]) -> str:
    return "g" + hashlib.sha256(repr((part, key)).encode()).hexdigest()[:8]


def group_part(info: PartInfo, members: Iterable[PartGrade], rubric_part: Any = None) -> list[Group]:
    """The groups of one part, those needing a person first, larger groups first."""
    members = list(members)
    prose = info.kind == "prose"
    context = getattr(rubric_part, "context", None) if rubric_part is not None else None
    structure: dict[str, str | None] = {}
    if context is not None and not prose:
        distinct = sorted({squeeze(m.answer) for m in members if m.answer and m.verdict})
        by_text = {squeeze(m.answer): m.answer for m in members if m.answer}
        keys = structural_keys([by_text[d] or "" for d in distinct], context)
        structure = dict(zip(distinct, keys, strict=True))
    buckets: dict[tuple[Any, ...], list[PartGrade]] = {}
    how: dict[tuple[Any, ...], str] = {}
    for m in members:
        engine = (m.fingerprint, m.verdict, m.diagnosis, m.auto_points)
        if m.verdict is None:
            key, kind = ("alone", m.student), "alone"
        elif m.answer is None:
            key, kind = ("none",), "text"
        elif prose:
            key, kind = ("prose", _prose_key(m.answer)), "text"
        elif structure.get(squeeze(m.answer)):
            key, kind = ("exact", structure[squeeze(m.answer)]), "exact"
        else:
            key, kind = ("text", squeeze(m.answer)), "text"
        full = (*engine, *key)
        buckets.setdefault(full, []).append(m)
        how[full] = kind
    groups = []
    for key, ms in buckets.items():
        ms.sort(key=lambda g: g.student)
        spelled: dict[str, Counter[str]] = {}
        for m in ms:
            if m.answer:
                spelled.setdefault(squeeze(m.answer), Counter())[" ".join(m.answer.split())] += 1
        ranked = sorted(spelled.values(), key=lambda c: (-sum(c.values()), c.most_common(1)[0][0]))
        forms = tuple(c.most_common(1)[0][0] for c in ranked)
        first = ms[0]
        groups.append(Group(id=_group_id(info.id, key), part=info.id, how=how[key], forms=forms,
                            verdict=first.verdict, diagnosis=first.diagnosis,
                            auto_points=first.auto_points, feedback=first.feedback,
                            members=tuple(ms)))
    groups.sort(key=lambda g: (not g.needs_person, -g.size, g.answer or "", g.id))
    return groups


def build_queue(grades: Sequence[StudentGrades], parts_meta: Sequence[dict[str, Any]],
                rubric: Any = None) -> list[PartQueue]:
    """Every part with its groups, in rubric order."""
    by_id = {p.id: p for p in getattr(rubric, "parts", ())} if rubric is not None else {}
    out = []
    for info in part_infos(parts_meta, rubric):
        members = [p for s in grades for p in s.parts if p.part == info.id]
        expected = info.expected or next((m.expected for m in members if m.expected), None)
        if expected != info.expected:
            from dataclasses import replace

            info = replace(info, expected=expected)
        out.append(PartQueue(info, tuple(group_part(info, members, by_id.get(info.id)))))
    return out
