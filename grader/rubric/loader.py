"""Read a rubric file, validate it, derive its expected answers: ``load_rubric(path) -> Rubric``.

Every problem raises ``RubricError`` with file and line, one line of text. The format is
documented in README ("Rubric format"); ``FIELDS`` below is the authority on which keys exist.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import sympy
import yaml

from grader.compare.engine import CompareOptions, compare
from grader.errors import DerivationError, RubricError
from grader.latex.context import MatrixShape, SymbolContext, parse_assumption
from grader.latex.parse import make_symbol, parse_latex
from grader.latex.parsed import (
    Collection,
    Equation,
    Expression,
    MatrixValue,
    Parsed,
    ParseFailure,
    System,
    finished,
    shape_of,
)
from grader.latex.scan import canonical_name
from grader.model import PART_VERDICTS, Outcome
from grader.rubric import compiled
from grader.rubric.derived import derived_value, run_derivation
from grader.rubric.model import (
    KINDS,
    Credit,
    FollowThrough,
    Part,
    Problem,
    Response,
    Rubric,
    Sample,
)
from grader.rubric.yamlines import LineDict, line_of, load_yaml

FIELDS = {
    "top": {"rubric", "assignment", "context", "derivations", "problems", "credit"},
    "assignment": {"id", "title", "course", "version", "identify"},
    "context": {"functions", "symbols", "matrices", "indexed", "probability", "positive", "nonnegative", "integer", "nonzero", "definitions", "words", "log", "e", "assume"},
    "problem": {"id", "title", "section", "parts"},
    "part": {"id", "title", "points", "kind", "target", "section", "block", "text", "expected", "context", "tolerance", "prefer", "steps", "credit", "responses", "follow_through", "samples", "model_answer", "key_ideas"},
    "expected": {"latex", "derive"},
    "derive": {"from", "name", "params", "quantity", "quantities"},
    "tolerance": {"rel", "abs", "min_digits", "seconds"},
    "credit": {"diagnosis", "wrong_step", "right_step_wrong_final"},
    "response": {"answer", "points", "feedback", "verdict"},
    "follow_through": {"uses", "expected", "credit"},
    "sample": {"answer", "verdict", "points"},
}
VERDICTS = PART_VERDICTS
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class _Ctx:
    """Where we are in the file, for error messages."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, message: str, node: Any = None, key: str | None = None) -> RubricError:
        return RubricError(message, self.path, line_of(node, key) if node is not None else None)

    def mapping(self, node: Any, what: str, allowed: set[str], parent: Any = None, key: str | None = None) -> LineDict:
        if not isinstance(node, dict):
            raise self.fail(f"{what} must be a mapping", parent if parent is not None else node, key)
        for k in node:
            if k not in allowed:
                close = sorted(allowed, key=lambda a: _distance(str(k), a))[0]
                raise self.fail(f"unknown key {k!r} in {what} (did you mean {close!r}?)", node, str(k))
        return node  # type: ignore[return-value]

    def require(self, node: dict[Any, Any], key: str, what: str) -> Any:
        if key not in node or node[key] in (None, ""):
            raise self.fail(f"{what} needs {key!r}", node)
        return node[key]


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def load_rubric(path: str | Path) -> Rubric:
    """Load, validate and derive a rubric file (from the compiled-rubric cache when this text was
    loaded before by this engine: see ``compiled``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(f"cannot read rubric: {exc}", str(p)) from None
    cached = compiled.load_compiled(text, str(p))
    if cached is not None:
        return cached
    rubric = load_rubric_text(text, str(p))
    compiled.store_compiled(text, rubric)
    return rubric


def load_rubric_text(text: str, path: str = "<rubric>") -> Rubric:
    c = _Ctx(path)
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RubricError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path, mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise RubricError("a rubric is a YAML mapping with 'assignment' and 'problems'", path, 1)
    c.mapping(data, "the rubric", FIELDS["top"])
    if data.get("rubric", 1) != 1:
        raise c.fail(f"unsupported rubric format version {data.get('rubric')!r} (this grader reads 1)", data, "rubric")
    assignment = c.mapping(c.require(data, "assignment", "the rubric"), "assignment", FIELDS["assignment"], data, "assignment")
    rid = str(c.require(assignment, "id", "assignment"))
    if not _ID.match(rid):
        raise c.fail(f"assignment id {rid!r} may use letters, digits, '.', '_' and '-' only", assignment, "id")
    context = _context(c, data.get("context"), data, SymbolContext())
    derivations = _derivations(c, data.get("derivations"), data)
    default_credit = _credit(c, data.get("credit"), data, Credit())
    problems_node = c.require(data, "problems", "the rubric")
    if not isinstance(problems_node, list) or not problems_node:
        raise c.fail("problems must be a non-empty list", data, "problems")
    problems = []
    seen: set[str] = set()
    for pnode in problems_node:
        problems.append(_problem(c, pnode, context, derivations, default_credit, seen))
    for prob in problems:
        for part in prob.parts:
            if part.follow_through:
                for _, ref in part.follow_through.uses:
                    if ref not in seen:
                        raise c.fail(f"follow_through of part {part.id!r} uses unknown part {ref!r}", None)
    fingerprint = hashlib.sha256(json.dumps(_plain(data), sort_keys=True, default=str).encode()).hexdigest()[:16]
    return Rubric(
        id=rid,
        title=str(assignment.get("title", rid)),
        course=str(assignment.get("course", "")),
        version=str(assignment.get("version", "1")),
        identify=tuple(str(w) for w in (assignment.get("identify") or ())),
        problems=tuple(problems),
        context=context,
        path=path,
        fingerprint=fingerprint,
        derivations=tuple(sorted(derivations.items())),
    )


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _context(c: _Ctx, node: Any, parent: Any, base: SymbolContext) -> SymbolContext:
    if node is None:
        return base
    node = c.mapping(node, "context", FIELDS["context"], parent, "context")
    ctx = base
    try:
        for name in _names(c, node, "functions"):
            ctx = parse_assumption(f"{name}: function", ctx)
        for name in _names(c, node, "symbols"):
            ctx = parse_assumption(f"{name}: symbol", ctx)
        for kind in ("positive", "nonnegative", "integer", "nonzero"):
            for name in _names(c, node, kind):
                ctx = parse_assumption(f"{name}: {kind}", ctx)
        matrices = node.get("matrices") or {}
        if not isinstance(matrices, dict):
            raise c.fail("context.matrices maps a name to a shape such as 2x2 or n x 1", node, "matrices")
        for name, shape in matrices.items():
            m = re.fullmatch(r"\s*(\w+)\s*[x×,]\s*(\w+)\s*", str(shape))
            if not m:
                raise c.fail(f"matrix {name!r}: shape {shape!r} is not like 2x2 or n x 1", matrices, name)
            key = canonical_name(str(name))
            dims = tuple(int(d) if d.isdigit() else d for d in m.groups())
            ctx = ctx.merged(SymbolContext(matrices=((key, MatrixShape(*dims)),), not_functions=frozenset({key})))
        indexed = node.get("indexed") or {}
        if not isinstance(indexed, dict):
            raise c.fail("context.indexed maps a family name to its size, e.g. {p: N}", node, "indexed")
        for name, bound in indexed.items():
            ctx = parse_assumption(f"{name}: indexed {bound}", ctx)
        for name in _names(c, node, "probability"):
            bound = dict(ctx.indexed).get(name, "N")
            ctx = parse_assumption(f"{name}: probability vector {bound}", ctx)
        words = _names(c, node, "words")
        if words:
            ctx = ctx.merged(SymbolContext(words=frozenset(words)))
        if node.get("log") is not None:
            ctx = parse_assumption(f"log: base {node['log']}", ctx)
        if node.get("e") == "symbol":
            ctx = parse_assumption("e: symbol", ctx)
        for spec in node.get("assume") or ():
            ctx = parse_assumption(str(spec), ctx)
        defs = node.get("definitions") or {}
        if not isinstance(defs, dict):
            raise c.fail("context.definitions maps a LaTeX name to its LaTeX definition", node, "definitions")
        for name, latex in defs.items():
            ctx = ctx.with_definition(str(name), str(latex))
    except RubricError:
        raise
    except Exception as exc:  # an assumption that does not read: say where
        raise c.fail(f"context: {exc}", node) from None
    return ctx


def _names(c: _Ctx, node: LineDict, key: str) -> list[str]:
    value = node.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise c.fail(f"context.{key} must be a list of names", node, key)
    return [str(v) for v in value]


def _derivations(c: _Ctx, node: Any, parent: Any) -> dict[str, Any]:
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise c.fail("derivations maps a name to {derivation: NAME, params: {...}}", parent, "derivations")
    out = {}
    for name, spec in node.items():
        if not isinstance(spec, dict) or "derivation" not in spec:
            raise c.fail(f"derivation {name!r} needs 'derivation: NAME' and 'params'", node, name)
        extra = set(spec) - {"derivation", "params"}
        if extra:
            raise c.fail(f"derivation {name!r}: unknown key {sorted(extra)[0]!r}", spec, sorted(extra)[0])
        try:
            params = _plain(dict(spec.get("params") or {}))
            run_derivation(str(spec["derivation"]), params)  # validates name and parameters
            out[str(name)] = (str(spec["derivation"]), params)
        except DerivationError as exc:
            raise c.fail(f"derivation {name!r}: {exc}", spec, "derivation") from None
    return out


def _credit(c: _Ctx, node: Any, parent: Any, base: Credit) -> Credit:
    if node is None:
        return base
    node = c.mapping(node, "credit", FIELDS["credit"], parent, "credit")
    diag = dict(base.diagnosis)
    raw = node.get("diagnosis") or {}
    if not isinstance(raw, dict):
        raise c.fail("credit.diagnosis maps a mistake code (SIGN, FACTOR, ...) to a fraction", node, "diagnosis")
    for code, frac in raw.items():
        diag[str(code)] = _fraction(c, frac, raw, str(code))
    return Credit(
        diagnosis=tuple(sorted(diag.items())),
        wrong_step=_fraction(c, node.get("wrong_step", base.wrong_step), node, "wrong_step"),
        right_step_wrong_final=_fraction(c, node.get("right_step_wrong_final", base.right_step_wrong_final), node, "right_step_wrong_final"),
    )


def _fraction(c: _Ctx, value: Any, node: Any, key: str) -> float:
    if not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise c.fail(f"{key} must be a fraction of the points between 0 and 1", node, key)
    return float(value)


def _problem(c: _Ctx, node: Any, ctx: SymbolContext, derivations: dict[str, Any], credit: Credit, seen: set[str]) -> Problem:
    node = c.mapping(node, "a problem", FIELDS["problem"])
    pid = str(c.require(node, "id", "a problem"))
    sections = _strings(node.get("section"))
    parts_node = c.require(node, "parts", f"problem {pid!r}")
    if not isinstance(parts_node, list) or not parts_node:
        raise c.fail(f"problem {pid!r}: parts must be a non-empty list", node, "parts")
    parts = tuple(_part(c, pn, pid, sections, ctx, derivations, credit, seen) for pn in parts_node)
    return Problem(pid, str(node.get("title", pid)), parts)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        return (str(value),)
    return tuple(str(v) for v in value)


def _part(c: _Ctx, node: Any, problem: str, sections: tuple[str, ...], rctx: SymbolContext, derivations: dict[str, Any], rcredit: Credit, seen: set[str]) -> Part:
    node = c.mapping(node, "a part", FIELDS["part"])
    base = _part_base(c, node, problem, sections, rctx, rcredit, seen)
    fingerprint = _fingerprint(node, sections, rctx, rcredit, derivations)
    if base.kind == "prose":
        if "expected" in node:
            raise c.fail(f"part {base.id!r}: a prose part has a model_answer, not an expected answer", node, "expected")
        return replace(base, model_answer=str(node.get("model_answer") or ""), key_ideas=_strings(node.get("key_ideas")),
                       samples=_samples(c, node, base), fingerprint=fingerprint)
    latex, parsed, derived_from = _expected(c, node, base, derivations)
    return replace(base, expected_latex=latex, expected=parsed, derived_from=derived_from,
                   responses=tuple(_response(c, r, base) for r in (node.get("responses") or ())),
                   follow_through=_follow(c, node.get("follow_through"), node, base),
                   samples=_samples(c, node, base), fingerprint=fingerprint)


def _part_base(c: _Ctx, node: LineDict, problem: str, sections: tuple[str, ...], rctx: SymbolContext, rcredit: Credit,
               seen: set[str]) -> Part:
    """A part's own settings: id, points, kind, where its answer is, how it is read and credited."""
    pid = str(c.require(node, "id", "a part"))
    if not _ID.match(pid):
        raise c.fail(f"part id {pid!r} may use letters, digits, '.', '_' and '-' only", node, "id")
    if pid in seen:
        raise c.fail(f"part id {pid!r} is used twice", node, "id")
    seen.add(pid)
    points = node.get("points")
    if not isinstance(points, (int, float)) or points < 0:
        raise c.fail(f"part {pid!r}: points must be a number >= 0", node, "points" if "points" in node else None)
    kind = str(node.get("kind", "expression"))
    if kind not in KINDS:
        raise c.fail(f"part {pid!r}: kind {kind!r} is not one of {', '.join(KINDS)}", node, "kind")
    prefer = str(node.get("prefer", "final"))
    if prefer not in ("final", "first", "boxed"):
        raise c.fail(f"part {pid!r}: prefer must be final, first or boxed", node, "prefer")
    block = node.get("block")
    if block is not None and (not isinstance(block, int) or isinstance(block, bool) or block == 0):
        raise c.fail(f"part {pid!r}: block is the position of a display in the section: 1, 2, ... or -1 for the last", node, "block")
    if block is not None and not (node.get("section") or sections):
        raise c.fail(f"part {pid!r}: block needs a section to count displays in", node, "block")
    text_pattern = node.get("text")
    if text_pattern is not None:
        try:
            if re.compile(str(text_pattern)).groups < 1:
                raise c.fail(f"part {pid!r}: text needs one (group) around the answer", node, "text")
        except re.error as exc:
            raise c.fail(f"part {pid!r}: text is not a regular expression: {exc}", node, "text") from None
    return Part(id=pid, title=str(node.get("title", pid)), points=float(points), kind=kind, problem=problem,
                targets=_strings(node.get("target")), sections=_strings(node.get("section")) or sections,
                context=_context(c, node.get("context"), node, rctx), options=_tolerance(c, node.get("tolerance"), node),
                prefer=prefer, block=block, text_pattern=None if text_pattern is None else str(text_pattern),
                check_steps=bool(node.get("steps", True)), credit=_credit(c, node.get("credit"), node, rcredit), line=line_of(node))


def _fingerprint(node: LineDict, sections: tuple[str, ...], rctx: SymbolContext, rcredit: Credit, derivations: dict[str, Any]) -> str:
    """What decides this part's grades: its own entry, and the rubric-level context and credit and
    the derivation it takes its answer from (a change to any of them must regrade it)."""
    expected_raw = node.get("expected") if isinstance(node.get("expected"), dict) else {}
    source = (expected_raw.get("derive") or {}).get("from") if isinstance(expected_raw.get("derive"), dict) else None
    decides = {"part": _plain(node), "problem_sections": list(sections), "context": rctx, "credit": rcredit,
               "derivation": derivations.get(str(source)) if source else None}
    return hashlib.sha256(json.dumps(decides, sort_keys=True, default=repr).encode()).hexdigest()[:16]


def _expected(c: _Ctx, node: LineDict, part: Part, derivations: dict[str, Any]) -> tuple[str, Parsed, str | None]:
    """The expected answer, parsed once: (its LaTeX, its value, the derivation it came from)."""
    pid, kind, ctx = part.id, part.kind, part.context
    expected_node = c.mapping(c.require(node, "expected", f"part {pid!r}"), f"the expected answer of {pid!r}", FIELDS["expected"], node, "expected")
    latex = expected_node.get("latex")
    derived, derived_from = None, None
    if "derive" in expected_node:
        dnode = c.mapping(expected_node["derive"], f"derive of {pid!r}", FIELDS["derive"], expected_node, "derive")
        try:
            derived, derived_from = derived_value(_plain(dnode), derivations)
        except (DerivationError, KeyError, ValueError) as exc:
            raise c.fail(f"part {pid!r}: {exc}", dnode) from None
    if latex is None and derived is None:
        raise c.fail(f"part {pid!r}: expected needs latex, derive, or both", expected_node)
    parsed: Parsed | None = None
    if latex is not None:
        latex = shape_latex(str(latex)) if kind == "shape" else str(latex)
        parsed = _parse_rubric_latex(c, latex, ctx, f"part {pid!r}: expected latex", expected_node, "latex")
    if derived is not None:
        derived_parsed = _as_parsed(_in_context(derived, ctx), kind)
        if parsed is not None:
            verdict = compare(parsed, derived_parsed, ctx)
            if verdict.outcome is not Outcome.CORRECT:
                shown = sympy.latex(derived_parsed.value) if isinstance(derived_parsed, (Expression, MatrixValue)) else derived_parsed.latex
                raise c.fail(f"part {pid!r}: expected latex {latex!r} (a {shape_of(parsed)}) disagrees with the derivation "
                             f"{derived_from} = {shown} (a {shape_of(derived_parsed)})", expected_node, "latex")
        parsed = derived_parsed if parsed is None else parsed
        latex = latex if latex is not None else derived_parsed.latex
    assert parsed is not None and latex is not None
    return latex, parsed, derived_from


def _parse_rubric_latex(c: _Ctx, latex: str, ctx: SymbolContext, what: str, node: Any, key: str) -> Parsed:
    """Rubric LaTeX, parsed once at load; a text that does not parse is the author's error."""
    parsed = parse_latex(latex, ctx)
    if isinstance(parsed, ParseFailure):
        raise c.fail(f"{what} does not parse: {parsed.message}", node, key)
    return parsed


_SHAPE = re.compile(r"^\s*\(?\s*(\d+(?:\s*(?:\\times|\\cdot|[x×*,])\s*\d+)+)\s*\)?\s*$")


def shape_latex(text: str) -> str:
    """A tensor shape written ``16 x 28 x 28``, ``16 \\times 28 \\times 28`` or ``(16, 28, 28)`` as
    the tuple ``(16, 28, 28)``; other text unchanged."""
    m = _SHAPE.match(text)
    if not m:
        return text
    sizes = re.findall(r"\d+", m.group(1))
    return "(" + ", ".join(sizes) + ")"


def _in_context(value: Any, ctx: SymbolContext) -> Any:
    """A derived value with its symbols replaced by the context's (same names, the context's
    assumptions), so that it compares with answers read in that context."""
    if isinstance(value, dict):
        return {k: _in_context(v, ctx) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_in_context(v, ctx) for v in value)
    if not isinstance(value, (sympy.Basic, sympy.MatrixBase)):
        return value
    symbols = value.free_symbols if hasattr(value, "free_symbols") else set()
    repl = {s: make_symbol(s.name, s.name, ctx) for s in symbols if isinstance(s, sympy.Symbol)}
    return value.xreplace(repl) if repl else value


def _as_parsed(value: Any, kind: str) -> Parsed:
    """A derived value as the parsed answer it stands for (a dict of quantities is a system)."""
    if isinstance(value, dict):  # a system of assignments from "quantities"
        rows = tuple(finished(Equation(lhs=sympy.Symbol(k, real=True), rhs=v, latex=f"{k} = {sympy.latex(v)}")) for k, v in value.items())
        return finished(System(rows=rows, latex=", ".join(r.latex for r in rows)))
    if isinstance(value, (list, tuple)):
        items = tuple(_as_parsed(v, "expression") for v in value)
        return finished(Collection(items=items, ordered=kind != "set", latex=", ".join(i.latex for i in items)))
    if isinstance(value, sympy.MatrixBase):
        return finished(MatrixValue(value=sympy.ImmutableMatrix(value), latex=sympy.latex(value)))
    return finished(Expression(value=value, latex=sympy.latex(value)))


def _tolerance(c: _Ctx, node: Any, parent: Any) -> CompareOptions:
    if node is None:
        return CompareOptions()
    node = c.mapping(node, "tolerance", FIELDS["tolerance"], parent, "tolerance")
    for key in ("rel", "abs", "seconds"):
        if key in node and (not isinstance(node[key], (int, float)) or node[key] < 0):
            raise c.fail(f"tolerance.{key} must be a number >= 0", node, key)
    md = node.get("min_digits", 3)
    if not isinstance(md, int) or md < 1:
        raise c.fail("tolerance.min_digits must be a whole number >= 1", node, "min_digits")
    return CompareOptions(rel_tol=node.get("rel"), abs_tol=node.get("abs"), min_digits=md, seconds=float(node.get("seconds", 5.0)))


def _response(c: _Ctx, node: Any, part: Part) -> Response:
    pid = part.id
    node = c.mapping(node, f"a response of {pid!r}", FIELDS["response"])
    answer = str(c.require(node, "answer", f"a response of {pid!r}"))
    points = node.get("points", 0)
    if not isinstance(points, (int, float)) or points < 0:
        raise c.fail("response points must be a number >= 0", node, "points")
    verdict = str(node.get("verdict", "partial" if points else "incorrect"))
    if verdict not in VERDICTS:
        raise c.fail(f"response verdict {verdict!r} is not one of {', '.join(VERDICTS)}", node, "verdict")
    text = shape_latex(answer) if part.kind == "shape" else answer
    parsed = _parse_rubric_latex(c, text, part.context, f"a response of {pid!r}", node, "answer")
    return Response(answer, parsed, float(points), str(node.get("feedback", "")), verdict)


def _follow(c: _Ctx, node: Any, parent: Any, part: Part) -> FollowThrough | None:
    if node is None:
        return None
    pid = part.id
    node = c.mapping(node, f"follow_through of {pid!r}", FIELDS["follow_through"], parent, "follow_through")
    uses = node.get("uses")
    if not isinstance(uses, dict) or not uses:
        raise c.fail("follow_through.uses maps a symbol to the part whose answer it stands for", node, "uses")
    expected = str(c.require(node, "expected", f"follow_through of {pid!r}"))
    template = _parse_rubric_latex(c, expected, part.context, f"follow_through of {pid!r}", node, "expected")
    if template.single() is None:
        raise c.fail(f"follow_through of {pid!r}: expected must be a single value, not a {shape_of(template)}", node, "expected")
    credit = _fraction(c, node.get("credit", 1.0), node, "credit")
    return FollowThrough(tuple((str(k), str(v)) for k, v in uses.items()), expected, template, credit)


def _samples(c: _Ctx, node: LineDict, part: Part) -> tuple[Sample, ...]:
    pid = part.id
    out = []
    raw = node.get("samples") or []
    if not isinstance(raw, list):
        raise c.fail(f"part {pid!r}: samples must be a list", node, "samples")
    for s in raw:
        s = c.mapping(s, f"a sample of {pid!r}", FIELDS["sample"])
        verdict = str(c.require(s, "verdict", f"a sample of {pid!r}"))
        if verdict not in VERDICTS:
            raise c.fail(f"sample verdict {verdict!r} is not one of {', '.join(VERDICTS)}", s, "verdict")
        points = s.get("points")
        if points is not None and not isinstance(points, (int, float)):
            raise c.fail("sample points must be a number", s, "points")
        answer = "" if s.get("answer") is None else str(s.get("answer"))
        parsed = None if part.kind == "prose" else parse_latex(shape_latex(answer) if part.kind == "shape" else answer, part.context)
        out.append(Sample(answer, verdict, None if points is None else float(points), line_of(s), parsed))
    return tuple(out)
