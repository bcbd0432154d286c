"""The locator: where in a parsed submission is the answer to one rubric part.

Sources, strongest first: a structured ``\\answer{part-id}{...}``; a ``\\boxed{}`` in the part's
sections; a chain whose left side is a target (``target = ... = value`` gives the last value of
the run of equalities), or in which a target appears as a later step; the last display block
of the part's sections. Nothing found gives an empty list, which the grader reports as
``missing``. Every candidate with a different value is kept as a conflict of the chosen one,
so a report can show both a derivation's 0.3637 and a later conclusion's 0.3655.

Targets are matched by what they name (``names.same_name``: canonical names through the latex
layer's name reader, derivatives by numerator and denominator, ``J(o, v_c, U)`` naming ``J``); a
caller may inject ``same_target`` for more.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from grader.errors import BudgetExceeded
from grader.extract.chains import (
    Chain,
    Step,
    document_chains,
    split_equations,
    split_relation_chain,
    split_system,
)
from grader.extract.document import Document, MathBlock, Section, find_boxed
from grader.extract.names import MAX_NAME, same_name
from grader.extract.normalize import target_key
from grader.extract.scan import split_toplevel

SameTarget = Callable[[str, str], "bool | None"]

#: Rank of each way of finding an answer (lower is stronger).
class Found(StrEnum):
    """How a candidate answer was found, best evidence first."""

    ANSWER_MACRO = "answer-macro"  # \\answer{part}{...} in a template submission
    BOXED = "boxed"  # a \\boxed{} naming the target, or alone in the part's section
    SYSTEM = "system"  # a system of equations in the section
    TARGET_LHS = "target-lhs"  # a chain whose left side is the target name
    TARGET_STEP = "target-step"  # a later step of a chain naming the target
    BOXED_OTHER = "boxed-other"  # a box naming some other quantity, or far from the section
    SECTION_LAST = "section-last"  # only the last display of the section: weak evidence
    PROSE = "prose"  # the text of the section
    BLOCK = "block"  # the rubric's ``block: N``
    TEXT = "text"  # the rubric's ``text: REGEX``


HOW_RANK = {
    Found.ANSWER_MACRO: 0,
    Found.BOXED: 1,
    Found.SYSTEM: 2,
    Found.TARGET_LHS: 2,
    Found.TARGET_STEP: 3,
    Found.BOXED_OTHER: 4,
    Found.SECTION_LAST: 5,
    Found.PROSE: 5,
}
_BASE_SCORE = {
    Found.ANSWER_MACRO: 1.0, Found.BOXED: 0.9, Found.SYSTEM: 0.8, Found.TARGET_LHS: 0.8, Found.TARGET_STEP: 0.7,
    Found.BOXED_OTHER: 0.5, Found.SECTION_LAST: 0.3, Found.PROSE: 0.5,
}
_MAX_CALLS = 500  # calls of same_target per query


@dataclass(frozen=True)
class PartQuery:
    """What a rubric part asks for.

    ``sections``: section numbers/ids ("2.3", "3/(b)", "Question 3") or heading regexes
    ("Results") to search in; empty means the whole document. ``targets``: LaTeX names of the
    quantity (``\\frac{\\partial E}{\\partial B}``, ``B'``, ``w_{11}``). ``prefer``: "final"
    (the last statement wins), "first" or "boxed". ``kind``: "expression", "equation",
    "system", "matrix", "number" or "prose".
    """

    part_id: str
    sections: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    prefer: str = "final"
    kind: str = "expression"

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", tuple(self.sections))
        object.__setattr__(self, "targets", tuple(self.targets))
        if self.prefer not in ("final", "first", "boxed"):
            raise ValueError(f"prefer must be final, first or boxed, not {self.prefer!r}")


@dataclass(frozen=True)
class Candidate:
    """One possible answer to a part.

    ``latex`` is the answer (the value a chain arrives at, a boxed content, a whole system, or
    the prose of a section), ``line`` its 1-based line, ``section`` the innermost section id,
    ``how`` the way it was found, ``chain`` every step of the chain it ends (so each step can
    be checked), ``score`` a confidence in [0, 1], ``offset`` where its block starts in the
    text. Only the first candidate of ``locate``'s answer carries ``conflicts``: the others
    whose value differs. ``weak`` says the evidence that this is the part's answer is weak.
    """

    latex: str
    line: int | None
    section: str | None
    how: Found
    chain: tuple[Step, ...] = ()
    score: float = 0.0
    conflicts: tuple[Candidate, ...] = field(default=(), compare=False)
    offset: int | None = None
    part_id: str = ""
    #: found by weak evidence (the last formula of a section, a box naming another quantity,
    #: a name matched outside the part's sections): a wrong value there may be another answer
    weak: bool = False

    @property
    def rank(self) -> int:
        return HOW_RANK.get(self.how, 9)


class _Matcher:
    def __init__(self, targets: Sequence[str], same_target: SameTarget | None) -> None:
        self.targets = [t for t in targets if t.strip()]
        self.keys = {target_key(t) for t in self.targets}
        self.same_target = same_target
        self.calls = 0

    def __call__(self, latex: str) -> bool:
        if not self.targets or not latex or len(latex) > MAX_NAME:
            return False
        if target_key(latex) in self.keys or any(same_name(latex, t) for t in self.targets):
            return True
        if self.same_target is None:
            return False
        for t in self.targets:
            if self.calls >= _MAX_CALLS:
                return False
            self.calls += 1
            try:
                if self.same_target(latex, t):
                    return True
            except BudgetExceeded:
                raise
            except Exception:  # noqa: BLE001 - a failing matcher means "cannot tell"
                continue
        return False


def locate(doc: Document, query: PartQuery, *, same_target: SameTarget | None = None) -> list[Candidate]:
    """Candidate answers for ``query`` in ``doc``, best first (empty when nothing is found)."""
    found = _structured(doc, query)
    if not query.sections and not query.targets:
        return _order(found, query)  # nothing says where else to look
    scope = _scope(doc, query)
    in_scope = _in_scope(scope)
    if query.kind == "prose":
        found.extend(_prose(doc, scope, query))
        return _order(found, query)
    match = _Matcher(query.targets, same_target)
    question = doc.question_blocks
    blocks = [(i, b) for i, b in enumerate(doc.blocks) if in_scope(b.line) and i not in question]
    found.extend(_boxed(blocks, match, query))
    chains = [
        c for c in document_chains(doc, lines=in_scope)
        if c.line is not None and in_scope(c.line) and not (c.blocks and c.blocks[0] in question)
    ]
    if query.kind == "system":
        found.extend(_systems(blocks, match, query))
        found.extend(assembled_system(chains, query))
    else:
        found.extend(_from_chains(chains, match, query))
    if not any(c.rank <= HOW_RANK[Found.TARGET_STEP] for c in found):
        if query.sections and query.targets:
            # the named sections do not name the target: look for it anywhere, less sure
            wider = locate(doc, replace(query, sections=()), same_target=same_target)
            found.extend(
                replace(c, score=round(c.score * 0.8, 3), conflicts=(), weak=True)
                for c in wider
                if c.how in (Found.TARGET_LHS, Found.TARGET_STEP, Found.SYSTEM)
            )
        found.extend(_section_last(doc, scope, query))
    return _order(found, query)


def most_specific(scope: list[Section]) -> list[Section]:
    """The sections of ``scope`` that contain no other section of it: with ``["3", "3.2"]`` the
    fallbacks look in 3.2 only (another subsection of 3 holds a sibling's answer)."""
    return [
        s for s in scope
        if not any(t is not s and s.line <= t.line and t.end_line <= s.end_line and (t.line, t.end_line) != (s.line, s.end_line)
                   for t in scope)
    ]


def _scope(doc: Document, query: PartQuery) -> list[Section] | None:
    """The sections to search; None means the whole document."""
    if not query.sections:
        return None
    seen: dict[tuple[int, str], Section] = {}
    for q in query.sections:
        for s in doc.find_sections(q):
            seen.setdefault((s.line, s.id), s)
    return sorted(seen.values(), key=lambda s: s.line)


def _in_scope(scope: list[Section] | None) -> Callable[[int], bool]:
    if scope is None:
        return lambda line: True
    merged: list[list[int]] = []
    for s in scope:  # sorted by start line
        if merged and s.line <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], s.end_line)
        else:
            merged.append([s.line, s.end_line])
    starts = [a for a, _ in merged]

    def inside(line: int) -> bool:
        i = bisect.bisect_right(starts, line) - 1
        return i >= 0 and line <= merged[i][1]

    return inside


def _structured(doc: Document, query: PartQuery) -> list[Candidate]:
    want = query.part_id.strip()
    return [
        Candidate(a.latex, a.line, a.section, Found.ANSWER_MACRO, (Step(a.latex, "", 0, a.line),), 1.0, (), a.offset, want)
        for a in doc.answers
        if a.part_id == want
    ]


def _boxed(blocks: list[tuple[int, MathBlock]], match: _Matcher, query: PartQuery) -> list[Candidate]:
    out: list[Candidate] = []
    for _, b in blocks:
        base = b.content_line or b.line
        for k, content in enumerate(b.boxed):
            line = base + b.latex.count("\n", 0, b.boxed_at[k]) if k < len(b.boxed_at) else base
            how = Found.BOXED
            value = content
            steps = tuple(Step(s.latex, s.relation, s.offset, line) for s in _first_chain(split_equations(content)))
            if query.kind == "system":
                if split_system(content) is None:
                    how = Found.BOXED_OTHER
            elif len(steps) > 1 and steps[0].latex:
                if match(steps[0].latex):
                    value = content if query.kind == "equation" else steps[-1].latex
                elif match.targets:
                    how = Found.BOXED_OTHER  # a box naming some other quantity
            elif match.targets and not query.sections:
                how = Found.BOXED_OTHER  # a bare box somewhere in the document: not evidence enough
            out.append(Candidate(value, line, b.section, how, steps, _BASE_SCORE[how], (), b.offset, query.part_id,
                                 weak=how is Found.BOXED_OTHER))
    return out


def _first_chain(chains: list[list[Step]]) -> list[Step]:
    return chains[0] if len(chains) == 1 else []


def _systems(blocks: list[tuple[int, MathBlock]], match: _Matcher, query: PartQuery) -> list[Candidate]:
    out: list[Candidate] = []
    for _, b in blocks:
        rows = split_system(b.latex)
        if rows is None:
            continue
        if match.targets:
            lhs = [split_relation_chain(r)[0].latex for r in rows]
            if not any(match(x) for x in lhs):
                continue
        steps = tuple(Step(r, "", 0, b.content_line) for r in rows)
        out.append(Candidate(b.latex, b.line, b.section, Found.SYSTEM, steps, _BASE_SCORE[Found.SYSTEM], (), b.offset, query.part_id))
    return out


_FAMILY = re.compile(r"^(.+?)_\{?\s*(\d{1,2})\s*\}?$")


def assembled_system(chains: list[Chain], query: PartQuery) -> list[Candidate]:
    """A system written as separate statements: one value per target, from comma lists
    (``w_1 = 0.5, w_2 = 0.5, b = 0``), rows of an ``align*``, separate displays, or a vector
    for a family of targets (``\\mathbf{w} = [0.5, 0.5]``, ``w = (0.5, 0.5)``,
    ``\\vec w = \\begin{bmatrix} 2 \\\\ 2 \\end{bmatrix}`` for ``w_1``, ``w_2``). Each target takes
    its last statement (the first with ``prefer: first``); all must be found."""
    targets = [t for t in query.targets if t.strip()]
    if len(targets) < 2:
        return []
    families: dict[str, list[tuple[int, str]]] = {}
    for t in targets:
        m = _FAMILY.match(t.strip())
        if m:
            families.setdefault(m.group(1).strip(), []).append((int(m.group(2)), t))
    values: dict[str, list[tuple[str, int | None]]] = {t: [] for t in targets}
    for chain in chains:
        steps = chain.steps
        for i in range(len(steps) - 1):
            if not steps[i].latex or not steps[i + 1].equality:
                continue
            j = chain.run_end(i)
            lhs, value, line = steps[i].latex, _unbox(steps[j].latex), steps[j].line
            hit = [t for t in targets if same_name(lhs, t)]
            for t in hit:
                values[t].append((value, line))
            if not hit:
                for stem, members in families.items():
                    entries = vector_entries(value)
                    if entries and len(entries) == len(members) and same_name(lhs, stem) and \
                            sorted(k for k, _ in members) == list(range(1, len(members) + 1)):
                        for k, t in members:
                            values[t].append((entries[k - 1], line))
    if not all(values.values()):
        return []
    pick = 0 if query.prefer == "first" else -1
    chosen = {t: sorted(v, key=lambda p: p[1] or 0)[pick] for t, v in values.items()}
    rows = [f"{t} = {v}" for t, (v, _) in chosen.items()]
    latex = "\\begin{cases} " + " \\\\ ".join(rows) + " \\end{cases}"
    lines = [ln for _, ln in chosen.values() if ln is not None]
    line = (min(lines) if query.prefer == "first" else max(lines)) if lines else None
    steps = tuple(Step(r, "", 0, ln) for r, (_, ln) in zip(rows, chosen.values(), strict=True))
    section = chains[0].section if chains else None
    return [Candidate(latex, line, section, Found.SYSTEM, steps, _BASE_SCORE[Found.SYSTEM], (), None, query.part_id)]


_VECTOR_ENV = re.compile(r"^\\begin\s*\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*)\\end\s*\{\1\}$", re.DOTALL)
_TRANSPOSE = re.compile(r"\s*\^\s*(?:\{\s*(?:T|\\top|\\intercal|\\mathsf\{T\})\s*\}|T|\\top|\\intercal)\s*$")
_ENTRY_SEP = re.compile(r",|;|&|\\\\")


def vector_entries(latex: str) -> list[str] | None:
    """The entries of a vector written ``[a, b]``, ``(a, b)``, ``[a, b]^T`` or as a one-row or
    one-column matrix environment; None for anything else."""
    text = _TRANSPOSE.sub("", latex.strip()).strip()
    text = re.sub(r"\\(?:left|right)(?![A-Za-z])\s*", "", text)
    m = _VECTOR_ENV.match(text)
    if m:
        body = m.group(2)
        rows = [r for r, _, _ in split_toplevel(body, re.compile(r"\\\\")) if r.strip()]
        cols = [c for c, _, _ in split_toplevel(body, re.compile(r"&")) if c.strip()]
        if len(rows) > 1 and len(cols) > 1:
            return None  # a matrix, not a vector
    elif len(text) >= 2 and (text[0], text[-1]) in (("[", "]"), ("(", ")")) and _balanced(text[1:-1]):
        body = text[1:-1]
    else:
        return None
    entries = [e.strip() for e, _, _ in split_toplevel(body, _ENTRY_SEP)]
    entries = [e for e in entries if e]
    return entries if len(entries) >= 2 else None


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += c in "(["
        depth -= c in ")]"
        if depth < 0:
            return False
    return depth == 0


def _from_chains(chains: list[Chain], match: _Matcher, query: PartQuery) -> list[Candidate]:
    out: list[Candidate] = []
    if not match.targets:
        return out
    for chain in chains:
        steps = chain.steps
        i = 0
        while i < len(steps) - 1:
            if steps[i].latex and steps[i + 1].equality and match(steps[i].latex):
                j = chain.run_end(i)
                how = Found.TARGET_LHS if i == 0 else Found.TARGET_STEP
                if query.kind == "equation":
                    value = f"{steps[i].latex} = {steps[j].latex}"
                else:
                    value = steps[j].latex
                value = _unbox(value)
                line = steps[j].line if steps[j].line is not None else chain.line
                out.append(
                    Candidate(value, line, chain.section, how, steps, _BASE_SCORE[how], (), chain.block_offset, query.part_id)
                )
                i = j
            i += 1
    return out


def _unbox(latex: str) -> str:
    """``\\boxed{x}`` -> ``x`` when the box is the whole of ``latex``."""
    stripped = latex.strip()
    if stripped.startswith("\\boxed"):
        boxed = find_boxed(stripped)
        if len(boxed) == 1 and stripped.endswith("}") and stripped.replace(" ", "").count("\\boxed") == 1:
            return boxed[0]
    return latex


def _section_last(doc: Document, scope: list[Section] | None, query: PartQuery) -> list[Candidate]:
    """The last display of the part's most specific sections (the question's math left out); in a
    section with no display, its last inline formula that states something or answers."""
    if not scope:
        return []  # without a section, "the last block of the document" is no answer
    inside = _in_scope(most_specific(scope))
    question = doc.question_blocks
    mine = [(i, b) for i, b in enumerate(doc.blocks) if inside(b.line) and i not in question]
    display = [(i, b) for i, b in mine if b.display]
    if not display:
        display = [(i, b) for i, b in mine if _answers_inline(doc, b)]
    if not display:
        return []
    index, block = display[-1]
    chains = [c for c in document_chains(doc, lines=lambda line: line == block.line) if index in c.blocks]
    if query.kind == "system" or split_system(block.latex) is not None or not chains:
        value, steps = block.latex, tuple[Step, ...]((Step(block.latex, "", 0, block.content_line),))
    else:
        chain = chains[-1]
        steps = chain.steps
        value = block.latex if query.kind == "equation" else chain.result
    line = steps[-1].line if steps and steps[-1].line is not None else block.line
    return [Candidate(value, line, block.section, Found.SECTION_LAST, steps, _BASE_SCORE[Found.SECTION_LAST], (), block.offset,
                      query.part_id, weak=True)]


def _answers_inline(doc: Document, block: MathBlock) -> bool:
    """Whether inline math can be a section's answer: it states something (``z = 5/\\sqrt 2``), it
    follows the section's answer marker, or it is on the line of its label (``**(a)** $4 \\times 5$``)."""
    if split_relation_chain(block.latex)[1:]:
        return True
    section = doc.section_at(block.line)
    if section is not None and section.kind in ("label", "item") and section.line == block.line:
        return True
    k = bisect.bisect_right(doc.markers, block.offset) - 1
    return k >= 0 and doc.section_at(doc.line_of(doc.markers[k])) == section


def _prose(doc: Document, scope: list[Section] | None, query: PartQuery) -> list[Candidate]:
    if not scope:
        return []
    out: list[Candidate] = []
    for s in scope:
        text = doc.section_text(s)
        if text:
            out.append(Candidate(text, s.line, s.id, Found.PROSE, (), _BASE_SCORE[Found.PROSE], (), None, query.part_id))
    return out


def _order(found: list[Candidate], query: PartQuery) -> list[Candidate]:
    if not found:
        return []
    # one candidate per (value, line): a boxed target-lhs found twice counts once
    unique: dict[tuple[str, int | None], Candidate] = {}
    for c in found:
        key = (target_key(c.latex), c.line)
        if key not in unique or c.rank < unique[key].rank:
            unique[key] = c
    items = list(unique.values())

    def rank(c: Candidate) -> int:
        if query.prefer == "boxed" and c.how is Found.BOXED:
            return -1
        return c.rank

    if query.prefer == "first":
        items.sort(key=lambda c: (rank(c), c.line or 0))
    else:
        items.sort(key=lambda c: (rank(c), -(c.line or 0)))
    best = items[0]
    best_key = target_key(best.latex)
    conflicts = tuple(c for c in items[1:] if target_key(c.latex) != best_key and c.how not in (Found.SECTION_LAST, Found.BOXED_OTHER))
    items[0] = replace(best, conflicts=conflicts)
    return items

