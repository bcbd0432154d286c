"""One submission against one rubric: locate each part's answer, compare, give points and
feedback, check every step of a chain, follow through from earlier parts.

Student problems never raise from here: every part gets a verdict. When unsure (a damaged
answer, a comparison that timed out, prose) the verdict is ``needs_review``, never a guess.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Any

import sympy

from grader.errors import LatexError
from grader.extract import (
    Candidate,
    Document,
    Found,
    PartQuery,
    block_chains,
    locate,
    parse_document,
)
from grader.grading.ocr import lost_operator, repaired
from grader.grading.session import GradingSession, GradingStats
from grader.latex import relations
from grader.latex.parsed import (
    Chain,
    Collection,
    Equation,
    Expression,
    MatrixValue,
    Parsed,
    ParseFailure,
    Relation,
    System,
)
from grader.latex.relations import Meaning, meaning
from grader.latex.scan import canonical_name
from grader.model import Location, Outcome, PartResult, PartVerdict, Report, Verdict, VerdictCache
from grader.rubric.loader import shape_latex
from grader.rubric.model import Part, Rubric

_DERIVATIVE_NAME = re.compile(r"^d.+/d.+$")


@dataclass(frozen=True)
class _Graded:
    result: PartResult
    value: Parsed | None  # the student's parsed answer, for follow-through


def grade_submission(text: str, rubric: Rubric, *, submission: str = "", cache: VerdictCache | None = None,
                     only_parts: Any = None, stats: GradingStats | None = None) -> Report:
    """Grade ``text`` (a whole submission) against ``rubric``; ``stats`` collects what it cost."""
    doc = parse_document(text)
    session = GradingSession(cache, stats)
    graded: dict[str, _Graded] = {}
    results = []
    for part in rubric.parts:
        if only_parts is not None and part.id not in only_parts:
            continue
        g = _grade_located(part, doc, graded, session)
        graded[part.id] = g
        results.append(g.result)
    return Report(submission=submission, rubric=rubric.id, parts=tuple(results), warnings=tuple(doc.warnings),
                  rubric_version=rubric.version, title=rubric.title)


@functools.lru_cache(maxsize=4096)
def _canonical(latex: str) -> str | None:
    try:
        return canonical_name(latex)
    except (LatexError, ValueError, IndexError):
        return None


def _candidates(part: Part, doc: Document) -> list[Candidate]:
    if part.block is not None:
        return _block_candidates(doc, part)
    if part.text_pattern is not None:
        return _text_candidates(doc, part)
    kind = {"matrix": "matrix", "system": "system", "prose": "prose", "equation": "equation", "number": "number"}.get(part.kind, "expression")
    targets = part.targets or (_system_names(part.expected) if kind == "system" else ())
    query = PartQuery(part_id=part.id, sections=part.sections, targets=targets, prefer=part.prefer, kind=kind)
    return locate(doc, query)


def _system_names(expected: Parsed | None) -> tuple[str, ...]:
    """The names a system answer assigns (``w_1 = -1, w_2 = 1, b = -1`` assigns w_1, w_2, b): where
    a system part names no targets, the statements to assemble are found by these."""
    if not isinstance(expected, System):
        return ()
    return tuple(r.latex.partition("=")[0].strip() for r in expected.rows if isinstance(r, Equation) and "=" in r.latex)


def _grade_located(part: Part, doc: Document, graded: dict[str, _Graded], session: GradingSession) -> _Graded:
    candidates = _candidates(part, doc)
    if part.kind == "prose":
        return _prose(part, candidates)
    missing = _Graded(_result(part, PartVerdict.MISSING, 0.0, None, None, "none", "No answer to this part was found."), None)
    if not candidates:
        return missing
    readings = {c.latex: session.parse(_answer_text(part, c.latex), part.context) for c in candidates}
    # the part's own \answer{id}{...} first, then candidates of the right form; stable otherwise
    ordered = sorted(candidates, key=lambda c: (c.how is not Found.ANSWER_MACRO, not _fits_kind(readings[c.latex], part.kind)))
    if part.kind in ("equation", "system"):
        # a system is never the answer to an equation part, nor a lone equation to a system part:
        # with nothing of the right form, the part is missing rather than graded on a neighbour's answer
        ordered = [c for c in ordered if c.how is Found.ANSWER_MACRO or _fits_kind(readings[c.latex], part.kind)]
        if not ordered:
            return missing
    alternatives = tuple(f"line {c.line}: {c.latex}" for c in candidates[0].conflicts)
    first: _Graded | None = None
    for chosen in ordered[:3]:
        one = grade_answer(part, chosen.latex, readings[chosen.latex], session=session, graded=graded, candidate=chosen,
                           alternatives=alternatives)
        if one.result.verdict in (PartVerdict.INCORRECT, PartVerdict.PARTIAL) and chosen.weak:
            # found by weak evidence (the last formula of a section, a name outside the part's
            # sections, a box naming something else): a wrong value may be another quantity, so a
            # person decides rather than the grader guessing
            r = one.result
            note = f"{_weak_note(chosen)}; a person should confirm it is this part's answer."
            return _Graded(replace(r, verdict=PartVerdict.NEEDS_REVIEW, points=0.0, feedback=f"{note} {r.feedback or ''}".strip(),
                                   diagnosis=r.diagnosis or "AMBIGUOUS_LOCATION"), one.value)
        if one.result.verdict != PartVerdict.UNPARSED:
            return _note_right_alternative(part, one, candidates[0].conflicts, session)
        first = first or one  # an unreadable candidate: try the next one before giving up
    assert first is not None
    return first


def _weak_note(c: Candidate) -> str:
    if c.how is Found.SECTION_LAST:
        return f"The answer was located only as the last formula of section {c.section}"
    if c.how is Found.BOXED_OTHER:
        return f"The answer was located only as a box on line {c.line} that names another quantity"
    return f"The answer was located by its name on line {c.line}, outside the part's sections"


def _answer_text(part: Part, latex: str) -> str:
    """The text parsed for a candidate: a shape written ``16 x 28 x 28`` reads as a tuple."""
    return shape_latex(latex) if part.kind == "shape" else latex


def _note_right_alternative(part: Part, graded_one: _Graded, conflicts: tuple[Candidate, ...], session: GradingSession) -> _Graded:
    """When the counted answer is wrong but another value the student wrote is right, say so (the
    rubric's ``prefer`` still decides which one counts)."""
    r = graded_one.result
    if r.verdict in (PartVerdict.CORRECT, PartVerdict.NEEDS_REVIEW, PartVerdict.MISSING) or part.expected is None:
        return graded_one
    for other in conflicts[:3]:
        if _equal(part, session.parse(_answer_text(part, other.latex), part.context), part.expected, session):
            which = "first" if part.prefer == "first" else "final"
            note = f"Your value on line {other.line} ({other.latex[:60]}) is right, but the {which} statement counts."
            return _Graded(replace(r, feedback=f"{r.feedback} {note}" if r.feedback else note), graded_one.value)
    return graded_one


def _fits_kind(value: Parsed | ParseFailure, kind: str) -> bool:
    """Whether a candidate has the form the part asks for, by the shape it parsed to (text that
    does not parse is judged by the relation signs it has)."""
    if isinstance(value, ParseFailure):
        signs = [meaning(m.group(0)) for m in relations.ANY_SIGN.finditer(value.text)]
        values = [m for m in signs if m is not Meaning.ARROW]
        system = "\\begin{cases}" in value.text or len(values) > 1
        if kind == "equation":
            return len(values) == 1 and not system
        if kind == "system":
            return system
        return not any(m in (Meaning.ORDER, Meaning.UNEQUAL) for m in signs)
    if kind == "equation":
        return isinstance(value, Equation)
    if kind == "system":
        return isinstance(value, (System, Chain))
    return not _has_inequality(value)


def _has_inequality(value: Parsed) -> bool:
    if isinstance(value, Relation):
        return True
    if isinstance(value, Chain):
        return not value.all_equal
    if isinstance(value, System):
        return any(_has_inequality(r) for r in value.rows)
    if isinstance(value, Collection):
        return any(_has_inequality(i) for i in value.items)
    return False


def _text_candidates(doc: Document, part: Part) -> list[Candidate]:
    """``text: REGEX``: an answer written in prose, the regex's first group (last match wins
    unless the part prefers the first)."""
    assert part.text_pattern is not None
    pattern = re.compile(part.text_pattern, re.IGNORECASE)
    for key in part.sections or ("",):
        found = doc.find_sections(key) if key else []
        if key and not found:
            continue
        text = doc.section_text(found[0], math=True) if found else doc.text
        start_line = found[0].line if found else 0
        matches = list(pattern.finditer(text[:200_000]))
        if not matches:
            return []
        m = matches[0] if part.prefer == "first" else matches[-1]
        line = start_line + text.count("\n", 0, m.start(1)) + 1
        return [Candidate(latex=m.group(1), line=line, section=found[0].id if found else None, how=Found.TEXT)]
    return []


def _block_candidates(doc: Document, part: Part) -> list[Candidate]:
    """``block: N``: the result of the N-th display of the part's first section that exists."""
    for key in part.sections:
        found = doc.find_sections(key)
        if not found:
            continue
        blocks = doc.blocks_in(found[0], display=True)
        index = part.block - 1 if part.block and part.block > 0 else part.block
        if index is None or not -len(blocks) <= index < len(blocks):
            return []
        block = blocks[index]
        chains = block_chains(block)
        if not chains or not chains[-1].steps:
            return []
        chain = chains[-1]
        return [Candidate(latex=chain.result, line=chain.steps[-1].line, section=found[0].id, how=Found.BLOCK, chain=chain.steps)]
    return []


def _prose(part: Part, candidates: list[Candidate]) -> _Graded:
    ideas = "; ".join(part.key_ideas)
    feedback = "Prose answer: graded by a person." + (f" Key ideas: {ideas}." if ideas else "")
    if not candidates:
        return _Graded(_result(part, PartVerdict.MISSING, 0.0, None, None, "manual", "No answer to this part was found."), None)
    c = candidates[0]
    text = c.latex if len(c.latex) < 2000 else c.latex[:2000] + "..."
    return _Graded(_result(part, PartVerdict.NEEDS_REVIEW, 0.0, text, Location(c.line, c.section), "manual", feedback,
                           expected=part.model_answer), None)


def grade_answer(part: Part, latex: str, value: Parsed | ParseFailure | None = None, *, session: GradingSession | None = None,
                 graded: dict[str, _Graded] | None = None, candidate: Candidate | None = None,
                 alternatives: tuple[str, ...] = ()) -> _Graded:
    """Grade one answer to ``part``: its text (as shown) and its parse (parsed here when not
    given); ``graded`` holds earlier parts for follow-through."""
    graded = graded or {}
    session = session or GradingSession()
    if value is None:
        value = session.parse(_answer_text(part, latex), part.context)
    loc = Location(candidate.line, candidate.section) if candidate else Location()
    assert part.expected is not None
    verdict = _compare(part, value, part.expected, session)
    parsed = value if isinstance(value, _PARSED) else None
    steps = _check_steps(part, candidate, session) if (candidate and part.check_steps) else ()
    answer = _Answer(part, latex, parsed, loc, _Where(alternatives, steps))
    spots = lost_operator(latex)
    if spots and verdict.outcome is not Outcome.CORRECT:
        return _damaged(answer, spots, session)
    if verdict.outcome is Outcome.CORRECT:
        return _right(answer, verdict)
    if verdict.outcome is Outcome.INVALID:
        fb = f"Your answer could not be read: {verdict.error}." if verdict.error else "Your answer could not be read."
        where = replace(loc, span=verdict.span)
        return _Graded(_result(part, PartVerdict.UNPARSED, 0.0, latex, where, "none", fb, diagnosis="UNPARSED", where=answer.where), None)
    if verdict.outcome is Outcome.UNDECIDED:
        return answer.graded(PartVerdict.NEEDS_REVIEW, 0.0, verdict.method,
                             f"The grader could not decide ({verdict.error or verdict.diagnosis}); a person will check.", verdict.diagnosis)
    return _wrong(answer, verdict, graded, session)


_PARSED = (Expression, MatrixValue, Equation, Chain, Relation, System, Collection)


@dataclass(frozen=True)
class _Answer:
    """One answer being graded: what the report shows around it."""

    part: Part
    latex: str
    value: Parsed | None
    loc: Location
    where: _Where

    def graded(self, verdict: PartVerdict, points: float, method: str, feedback: str | None, diagnosis: str | None = None,
               *, where: _Where | None = None) -> _Graded:
        return _Graded(_result(self.part, verdict, points, self.latex, self.loc, method, feedback, diagnosis=diagnosis,
                               where=where or self.where), self.value)


def _damaged(answer: _Answer, spots: list[int], session: GradingSession) -> _Graded:
    """An operator seems lost (OCR): a person decides, with the repaired reading as evidence."""
    part = answer.part
    fixed = repaired(answer.latex, spots)
    assert part.expected is not None
    note = "It looks like an operator was lost (OCR?)"
    if _equal(part, session.parse(_answer_text(part, fixed), part.context), part.expected, session):
        note += f"; read as {fixed!r} the answer is correct"
    return answer.graded(PartVerdict.NEEDS_REVIEW, 0.0, "manual", note + ". A person should check it.", "DAMAGED")


def _right(answer: _Answer, verdict: Verdict) -> _Graded:
    part = answer.part
    wrong = [s for s in answer.where.steps if s.startswith("step")]
    if wrong:
        pts = part.points * part.credit.wrong_step
        label = PartVerdict.CORRECT if pts >= part.points else PartVerdict.PARTIAL
        return answer.graded(label, pts, verdict.method, f"The final answer is right, but {wrong[0]}.", "WRONG_STEP",
                             where=_Where(answer.where.alternatives, tuple(wrong)))
    return answer.graded(PartVerdict.CORRECT, part.points, verdict.method, None,
                         where=_Where(answer.where.alternatives, tuple(wrong)))


def _wrong(answer: _Answer, verdict: Verdict, graded: dict[str, _Graded], session: GradingSession) -> _Graded:
    """Not equal: specific responses, then follow-through, then diagnosis credit, then steps."""
    part = answer.part
    value = answer.value
    for resp in part.responses:
        if value is not None and _equal(part, value, resp.parsed, session):
            return answer.graded(PartVerdict(resp.verdict), min(resp.points, part.points), verdict.method,
                                 resp.feedback or verdict.feedback, verdict.diagnosis)
    follow = _follow_through(part, value, graded, session)
    if follow is not None:
        pts = part.points * part.follow_through.credit if part.follow_through else 0.0
        label = PartVerdict.CORRECT if pts >= part.points else PartVerdict.PARTIAL
        return answer.graded(label, pts, "follow-through", f"Consistent with your earlier answer to {follow}, which was wrong.",
                             "FOLLOW_THROUGH")
    frac = part.credit.for_diagnosis(verdict.diagnosis)
    if frac is not None and frac > 0:
        return answer.graded(PartVerdict.PARTIAL, part.points * frac, verdict.method, verdict.feedback, verdict.diagnosis)
    right_step = [s for s in answer.where.steps if s.startswith("reached")]
    if right_step and part.credit.right_step_wrong_final > 0:
        return answer.graded(PartVerdict.PARTIAL, part.points * part.credit.right_step_wrong_final, verdict.method,
                             f"A step of your derivation is right ({right_step[0]}), but the final statement is not.",
                             verdict.diagnosis or "WRONG_FINAL")
    return answer.graded(PartVerdict.INCORRECT, 0.0, verdict.method, verdict.feedback or "Not equal to the expected answer.",
                         verdict.diagnosis)


def _compare(part: Part, student: Parsed | ParseFailure, reference: Parsed, session: GradingSession) -> Verdict:
    return session.compare(student, reference, context=part.context, options=part.options, scope=part.fingerprint)


def _equal(part: Part, student: Parsed | ParseFailure, reference: Parsed, session: GradingSession) -> bool:
    return _compare(part, student, reference, session).outcome is Outcome.CORRECT


def _follow_through(part: Part, value: Parsed | None, graded: dict[str, _Graded], session: GradingSession) -> str | None:
    ft = part.follow_through
    if ft is None or value is None:
        return None
    bindings = []
    for symbol, ref in ft.uses:
        earlier = graded.get(ref)
        if earlier is None or earlier.value is None or earlier.result.verdict == PartVerdict.CORRECT:
            return None  # follow-through only rescues answers built on a wrong earlier value
        bindings.append((symbol, earlier.value))
    verdict = session.compare_follow_through(value, ft.template, tuple(bindings), context=part.context,
                                             options=part.options, scope=part.fingerprint)
    return ", ".join(ref for _, ref in ft.uses) if verdict.outcome is Outcome.CORRECT else None


def _check_steps(part: Part, candidate: Candidate, session: GradingSession) -> tuple[str, ...]:
    """Check a chain ``a = b = c`` step by step; report the first step that does not follow and
    whether any step reached the expected answer."""
    chain = [s for s in candidate.chain if s.latex.strip()]
    if len(chain) < 2 or part.kind in ("equation", "system") or candidate.latex.lstrip().startswith("\\begin{cases}"):
        return ()
    values = [session.parse(s.latex, part.context) for s in chain]
    notes: list[str] = []
    prev: Parsed | None = None
    for i, (step, value) in enumerate(zip(chain, values, strict=True)):
        if (step.relation and not step.equality) or isinstance(value, ParseFailure) or _opaque(value):
            prev = None
            continue
        if _is_name(value):
            continue  # "E = ...", "\\alpha = \\hat{W} = ...": names, not values
        if prev is not None and _names_of(prev, part) != _names_of(value, part):
            prev = value  # "0.5[(0.01 - Q_1)^2 + ...] = 0.2483": values given elsewhere, not checkable here
            continue
        if prev is not None and _compare(part, value, prev, session).outcome is Outcome.INCORRECT:
            notes.append(f"step {i + 1} (line {step.line}) does not follow from the previous one: {step.latex[:80]}")
            break
        prev = value
    assert part.expected is not None
    for step, value in zip(chain[:-1], values[:-1], strict=True):
        if not isinstance(value, ParseFailure) and not _opaque(value) and _equal(part, value, part.expected, session):
            notes.append(f"reached the expected value at line {step.line}")
            break
    return tuple(notes)


def _is_name(value: Parsed) -> bool:
    """A step that only names a quantity (a symbol, an undefined function value)."""
    if not isinstance(value, (Expression, MatrixValue)) or (isinstance(value, Expression) and value.is_piecewise):
        return True
    v = value.value
    return isinstance(v, (sympy.Symbol, sympy.MatrixSymbol, sympy.Indexed)) or (
        isinstance(v, sympy.Function) and type(v).__module__ == "sympy.core.function" and not v.is_number)


def _names_of(value: Parsed, part: Part) -> frozenset[str]:
    """The names a step depends on, less those the context defines (they expand away)."""
    defined = {(_canonical(name) or name).split("_")[0] for name, _ in part.context.definitions}
    return frozenset(n for n in value.names if n.split("_")[0] not in defined and n.split("(")[0] not in defined)


def _opaque(value: Parsed) -> bool:
    """A step written in terms of derivative names (dE/dZ) cannot be evaluated: skip it."""
    return any(_DERIVATIVE_NAME.match(n) for n in value.names)


@dataclass(frozen=True)
class _Where:
    """What a report shows around an answer: the other candidates found and the step notes."""

    alternatives: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()


def _result(part: Part, verdict: PartVerdict, points: float, answer: str | None, loc: Location | None, method: str, feedback: str | None,
            *, diagnosis: str | None = None, expected: str | None = None, where: _Where | None = None) -> PartResult:
    w = where or _Where()
    return PartResult(
        id=part.id, title=part.title, points=round(points, 4), max_points=part.points, verdict=verdict, answer=answer,
        location=loc or Location(), expected=expected if expected is not None else part.expected_latex,
        method=method, feedback=feedback, diagnosis=diagnosis, problem=part.problem, alternatives=w.alternatives, steps=w.steps,
    )
