"""One submission against one rubric: locate each part's answer, compare, give points and
feedback, check every step of a chain, follow through from earlier parts.

Student problems never raise from here: every part gets a verdict. When unsure (a damaged
answer, a comparison that timed out, prose) the verdict is ``needs_review``, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import sympy

from grader.compare.engine import equivalent
from grader.errors import LatexError
from grader.extract import Candidate, Document, PartQuery, block_chains, locate, parse_document
from grader.grading.ocr import lost_operator, repaired
from grader.latex.parse import Parsed, parse_latex
from grader.latex.scan import canonical_name
from grader.model import Location, PartResult, Report, Verdict, VerdictCache
from grader.rubric.loader import shape_latex
from grader.rubric.model import Part, Rubric

_DERIVATIVE_NAME = re.compile(r"^d.+/d.+$")


@dataclass(frozen=True)
class _Graded:
    result: PartResult
    value: Parsed | None  # the student's parsed answer, for follow-through


def grade_submission(text: str, rubric: Rubric, *, submission: str = "", cache: VerdictCache | None = None, only_parts: Any = None) -> Report:
    """Grade ``text`` (a whole submission) against ``rubric``."""
    doc = parse_document(text)
    warnings = list(doc.warnings)
    graded: dict[str, _Graded] = {}
    results = []
    for part in rubric.parts:
        if only_parts is not None and part.id not in only_parts:
            continue
        g = _grade_located(part, doc, graded, cache)
        graded[part.id] = g
        results.append(g.result)
    return Report(submission=submission, rubric=rubric.id, parts=tuple(results), warnings=tuple(warnings),
                  rubric_version=rubric.version, title=rubric.title)


def _same_target(lhs: str, target: str) -> bool | None:
    try:
        return canonical_name(lhs) == canonical_name(target)
    except (LatexError, ValueError, IndexError):
        return None


def _grade_located(part: Part, doc: Document, graded: dict[str, _Graded], cache: VerdictCache | None) -> _Graded:
    kind = {"matrix": "matrix", "system": "system", "prose": "prose", "equation": "equation", "number": "number"}.get(part.kind, "expression")
    query = PartQuery(part_id=part.id, sections=part.sections, targets=part.targets, prefer=part.prefer, kind=kind)
    if part.block is not None:
        candidates = _block_candidates(doc, part)
    elif part.text_pattern is not None:
        candidates = _text_candidates(doc, part)
    else:
        candidates = [c for c in locate(doc, query, same_target=_same_target) if _in_sections(c, part)]
    if part.kind == "prose":
        return _prose(part, candidates)
    if not candidates:
        return _Graded(_result(part, "missing", 0.0, None, None, "none", "No answer to this part was found."), None)
    # the part's own \\answer{id}{...} first, then candidates of the right form; stable otherwise
    ordered = sorted(candidates, key=lambda c: (c.how != "answer-macro", not _fits_kind(c.latex, part.kind)))
    if part.kind in ("equation", "system"):
        # a system is never the answer to an equation part, nor a lone equation to a system part:
        # with nothing of the right form, the part is missing rather than graded on a neighbour's answer
        ordered = [c for c in ordered if c.how == "answer-macro" or _fits_kind(c.latex, part.kind)]
        if not ordered:
            return _Graded(_result(part, "missing", 0.0, None, None, "none", "No answer to this part was found."), None)
    alternatives = tuple(f"line {c.line}: {c.latex}" for c in candidates[0].conflicts)
    first: _Graded | None = None
    for chosen in ordered[:3]:
        graded_one = grade_answer(part, chosen.latex, graded=graded, cache=cache, candidate=chosen, alternatives=alternatives)
        if graded_one.result.verdict in ("incorrect", "partial") and chosen.how == "section-last" and part.targets:
            # found only as "the last display of the section", not by its name: a wrong value may be
            # another quantity, so a person decides rather than the grader guessing
            r = graded_one.result
            note = f"The answer was located only as the last formula of section {chosen.section}; a person should confirm it is this part's answer."
            return _Graded(replace(r, verdict="needs_review", points=0.0, feedback=f"{note} {r.feedback or ''}".strip(), diagnosis=r.diagnosis or "AMBIGUOUS_LOCATION"), graded_one.value)
        if graded_one.result.verdict != "unparsed":
            return _note_right_alternative(part, graded_one, candidates[0].conflicts, cache)
        first = first or graded_one  # an unreadable candidate: try the next one before giving up
    assert first is not None
    return first


def _note_right_alternative(part: Part, graded_one: _Graded, conflicts: tuple[Candidate, ...], cache: VerdictCache | None) -> _Graded:
    """When the counted answer is wrong but another value the student wrote is right, say so (the
    rubric's ``prefer`` still decides which one counts)."""
    r = graded_one.result
    if r.verdict in ("correct", "needs_review", "missing") or part.expected is None:
        return graded_one
    for other in conflicts[:3]:
        if _compare(part, part.expected, other.latex, cache).equivalent:
            which = "first" if part.prefer == "first" else "final"
            note = f"Your value on line {other.line} ({other.latex[:60]}) is right, but the {which} statement counts."
            return _Graded(replace(r, feedback=f"{r.feedback} {note}" if r.feedback else note), graded_one.value)
    return graded_one


_RELATION = re.compile(r"=|\\(?:le|ge|leq|geq|neq|approx)(?![a-zA-Z])|<|>")


def _fits_kind(latex: str, kind: str) -> bool:
    """Whether a candidate has the form the part asks for (an equation has a relation sign)."""
    relations = len(_RELATION.findall(latex))
    system = "\\begin{cases}" in latex or relations > 1
    if kind == "equation":
        return relations == 1 and not system
    if kind == "system":
        return system
    return not re.search(r"\\(?:le|ge|leq|geq|neq)(?![a-zA-Z])|<|>", latex)


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
        return [Candidate(latex=m.group(1), line=line, section=found[0].id if found else None, how="text")]
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
        return [Candidate(latex=chain.result, line=chain.steps[-1].line, section=found[0].id, how="block", chain=chain.steps)]
    return []


def _in_sections(candidate: Candidate, part: Part) -> bool:
    """A fallback ("the last block of the section") only counts inside the part's sections."""
    if candidate.how != "section-last" or not part.sections:
        return True
    sec = candidate.section or ""

    def inside(a: str, b: str) -> bool:
        return a == b or a.startswith(b + ".")

    for s in part.sections:
        # "3" also lists "3.2": a candidate from "3.1" is a sibling's answer, not this part's
        if inside(sec, s) and not any(t != s and inside(t, s) and not inside(sec, t) for t in part.sections):
            return True
    return False


def _prose(part: Part, candidates: list[Candidate]) -> _Graded:
    ideas = "; ".join(part.key_ideas)
    feedback = "Prose answer: graded by a person." + (f" Key ideas: {ideas}." if ideas else "")
    if not candidates:
        return _Graded(_result(part, "missing", 0.0, None, None, "manual", "No answer to this part was found."), None)
    c = candidates[0]
    text = c.latex if len(c.latex) < 2000 else c.latex[:2000] + "..."
    return _Graded(_result(part, "needs_review", 0.0, text, Location(c.line, c.section), "manual", feedback, expected=part.model_answer), None)


def grade_answer(part: Part, latex: str, *, graded: dict[str, _Graded] | None = None, cache: VerdictCache | None = None,
                 candidate: Candidate | None = None, alternatives: tuple[str, ...] = ()) -> _Graded:
    """Grade one answer (LaTeX) to ``part``; ``graded`` holds earlier parts for follow-through."""
    graded = graded or {}
    loc = Location(candidate.line, candidate.section) if candidate else Location()
    assert part.expected is not None
    if part.kind == "shape":
        latex = shape_latex(latex)
    verdict = _compare(part, part.expected, latex, cache)
    value: Parsed | None = None
    if verdict.equivalent is not None:
        try:
            value = parse_latex(latex, part.context)
        except LatexError:
            value = None
    steps = _check_steps(part, candidate) if (candidate and part.check_steps) else ()
    spots = lost_operator(latex)
    where = _Where(alternatives, steps)

    if spots and verdict.equivalent is not True:
        fixed = repaired(latex, spots)
        again = _compare(part, part.expected, fixed, cache)
        note = "It looks like an operator was lost (OCR?)"
        if again.equivalent:
            note += f"; read as {fixed!r} the answer is correct"
        return _Graded(_result(part, "needs_review", 0.0, latex, loc, "manual", note + ". A person should check it.",
                               diagnosis="DAMAGED", where=where), value)
    if verdict.equivalent is True:
        wrong = [s for s in steps if s.startswith("step")]
        where = _Where(alternatives, tuple(wrong))
        if wrong:
            pts = part.points * part.credit.wrong_step
            label = "correct" if pts >= part.points else "partial"
            return _Graded(_result(part, label, pts, latex, loc, verdict.method, f"The final answer is right, but {wrong[0]}.",
                                   diagnosis="WRONG_STEP", where=where), value)
        return _Graded(_result(part, "correct", part.points, latex, loc, verdict.method, None, where=where), value)
    if verdict.equivalent is None:
        if verdict.diagnosis == "UNPARSED":
            fb = f"Your answer could not be read: {verdict.error}." if verdict.error else "Your answer could not be read."
            return _Graded(_result(part, "unparsed", 0.0, latex, loc, "none", fb, diagnosis="UNPARSED", where=where), None)
        return _Graded(_result(part, "needs_review", 0.0, latex, loc, verdict.method,
                               f"The grader could not decide ({verdict.error or verdict.diagnosis}); a person will check.",
                               diagnosis=verdict.diagnosis, where=where), value)
    # not equal: specific responses, then follow-through, then diagnosis credit, then steps
    for resp in part.responses:
        if _compare(part, resp.answer, latex, cache).equivalent:
            return _Graded(_result(part, resp.verdict, min(resp.points, part.points), latex, loc, verdict.method,
                                   resp.feedback or verdict.feedback, diagnosis=verdict.diagnosis, where=where), value)
    follow = _follow_through(part, latex, graded, cache)
    if follow is not None:
        pts = part.points * part.follow_through.credit if part.follow_through else 0.0
        label = "correct" if pts >= part.points else "partial"
        return _Graded(_result(part, label, pts, latex, loc, "follow-through",
                               f"Consistent with your earlier answer to {follow}, which was wrong.",
                               diagnosis="FOLLOW_THROUGH", where=where), value)
    frac = part.credit.for_diagnosis(verdict.diagnosis)
    if frac is not None and frac > 0:
        return _Graded(_result(part, "partial", part.points * frac, latex, loc, verdict.method, verdict.feedback,
                               diagnosis=verdict.diagnosis, where=where), value)
    right_step = [s for s in steps if s.startswith("reached")]
    if right_step and part.credit.right_step_wrong_final > 0:
        return _Graded(_result(part, "partial", part.points * part.credit.right_step_wrong_final, latex, loc, verdict.method,
                               f"A step of your derivation is right ({right_step[0]}), but the final statement is not.",
                               diagnosis=verdict.diagnosis or "WRONG_FINAL", where=where), value)
    return _Graded(_result(part, "incorrect", 0.0, latex, loc, verdict.method, verdict.feedback or "Not equal to the expected answer.",
                           diagnosis=verdict.diagnosis, where=where), value)


def _compare(part: Part, expected: Any, latex: str, cache: VerdictCache | None) -> Verdict:
    exp_key = expected if isinstance(expected, str) else "<expected>"
    squeezed = re.sub(r"\s+", "", latex)
    key = f"{part.fingerprint}|{exp_key}|{squeezed}"
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    verdict = equivalent(expected, latex, part.context, options=part.options)
    if cache is not None and verdict.diagnosis != "TIMEOUT":
        cache.put(key, verdict)
    return verdict


def _follow_through(part: Part, latex: str, graded: dict[str, _Graded], cache: VerdictCache | None) -> str | None:
    ft = part.follow_through
    if ft is None:
        return None
    values: dict[str, Any] = {}
    used = []
    for symbol, ref in ft.uses:
        earlier = graded.get(ref)
        if earlier is None or earlier.value is None or earlier.result.verdict == "correct":
            return None  # follow-through only rescues answers built on a wrong earlier value
        try:
            values[symbol] = earlier.value.expr
        except LatexError:
            return None
        used.append(ref)
    try:
        template = parse_latex(ft.expected, part.context)
        expected_value = template.expr
    except LatexError:
        return None
    subs = {}
    for node in _symbols(expected_value):
        if node.name in values:
            subs[node] = values[node.name]
    expected_value = expected_value.xreplace(subs)
    if isinstance(expected_value, sympy.MatrixExpr) and not isinstance(expected_value, sympy.MatrixBase):
        expected_value = expected_value.doit()
    exp = Parsed("matrix" if isinstance(expected_value, sympy.MatrixBase) else "expr", expected_value, sympy.latex(expected_value))
    verdict = equivalent(exp, latex, part.context, options=part.options)
    return ", ".join(used) if verdict.equivalent else None


def _symbols(expr: Any) -> set[Any]:
    if isinstance(expr, sympy.MatrixBase):
        out: set[Any] = set()
        for e in expr:
            out |= _symbols(e)
        return out
    return {s for s in getattr(expr, "free_symbols", set()) if isinstance(s, (sympy.Symbol, sympy.MatrixSymbol))}


def _check_steps(part: Part, candidate: Candidate) -> tuple[str, ...]:
    """Check a chain ``a = b = c`` step by step; report the first step that does not follow and
    whether any step reached the expected answer."""
    chain = [s for s in candidate.chain if s.latex.strip()]
    if len(chain) < 2 or part.kind in ("equation", "system") or candidate.latex.lstrip().startswith("\\begin{cases}"):
        return ()
    notes: list[str] = []
    prev = None
    for i, step in enumerate(chain):
        if step.relation and not step.equality:
            prev = None
            continue
        if _opaque(step.latex, part):
            prev = None
            continue
        if _is_name(step.latex, part):
            continue  # "E = ...", "\\alpha = \\hat{W} = ...": names, not values
        if prev is not None and _names_of(prev.latex, part) != _names_of(step.latex, part):
            prev = step  # "0.5[(0.01 - Q_1)^2 + ...] = 0.2483": values given elsewhere, not checkable here
            continue
        if prev is not None:
            v = equivalent(prev.latex, step.latex, part.context, options=part.options)
            if v.equivalent is False:
                notes.append(f"step {i + 1} (line {step.line}) does not follow from the previous one: {step.latex[:80]}")
                break
        prev = step
    assert part.expected is not None
    for step in chain[:-1]:
        if not _opaque(step.latex, part) and equivalent(part.expected, step.latex, part.context, options=part.options).equivalent:
            notes.append(f"reached the expected value at line {step.line}")
            break
    return tuple(notes)


def _is_name(latex: str, part: Part) -> bool:
    """A step that only names a quantity (a symbol, an undefined function value)."""
    try:
        parsed = parse_latex(latex, part.context)
    except LatexError:
        return True
    if parsed.kind not in ("expr", "matrix"):
        return True
    v = parsed.value
    return isinstance(v, (sympy.Symbol, sympy.MatrixSymbol, sympy.Indexed)) or (
        isinstance(v, sympy.Function) and type(v).__module__ == "sympy.core.function" and not v.is_number)


def _names_of(latex: str, part: Part) -> frozenset[str]:
    """The names a step depends on, less those the context defines (they expand away)."""
    try:
        parsed = parse_latex(latex, part.context)
    except LatexError:
        return frozenset({"<unreadable>"})
    defined = {canonical_name(name).split("_")[0] for name, _ in part.context.definitions}
    names: set[str] = set()
    for e in _values(parsed):
        for node in sympy.preorder_traversal(e) if isinstance(e, sympy.Basic) else []:
            if isinstance(node, sympy.Indexed):
                names.add(str(node.base))
            elif isinstance(node, (sympy.Symbol, sympy.MatrixSymbol)):
                names.add(str(node))
    bound = set()
    for e in _values(parsed):
        if isinstance(e, sympy.Basic):
            for node in sympy.preorder_traversal(e):
                if isinstance(node, (sympy.Sum, sympy.Product)):
                    bound |= {str(lim[0]) for lim in node.limits}
    return frozenset(n for n in names - bound if n.split("_")[0] not in defined and n.split("(")[0] not in defined)


def _opaque(latex: str, part: Part) -> bool:
    """A step written in terms of derivative names (dE/dZ) cannot be evaluated: skip it."""
    try:
        parsed = parse_latex(latex, part.context)
    except LatexError:
        return True
    names = set()
    for e in _values(parsed):
        names |= {s.name for s in _symbols(e)}
    return any(_DERIVATIVE_NAME.match(n) for n in names)


def _values(parsed: Parsed) -> list[Any]:
    if parsed.kind in ("expr", "matrix", "piecewise"):
        return [parsed.value]
    if parsed.kind in ("equation", "chain"):
        return list(parsed.value)
    return []


@dataclass(frozen=True)
class _Where:
    """What a report shows around an answer: the other candidates found and the step notes."""

    alternatives: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()


def _result(part: Part, verdict: str, points: float, answer: str | None, loc: Location | None, method: str, feedback: str | None,
            *, diagnosis: str | None = None, expected: str | None = None, where: _Where | None = None) -> PartResult:
    w = where or _Where()
    return PartResult(
        id=part.id, title=part.title, points=round(points, 4), max_points=part.points, verdict=verdict, answer=answer,
        location=loc or Location(), expected=expected if expected is not None else part.expected_latex,
        method=method, feedback=feedback, diagnosis=diagnosis, problem=part.problem, alternatives=w.alternatives, steps=w.steps,
    )
