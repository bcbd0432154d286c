"""Chains of relations: ``a = b = c`` as steps, rows of ``align``, systems, continuations.

A derivation in a submission is a chain ``lhs = step = step = result``, possibly broken over
rows (``&=``) or over several display blocks (a block starting with ``=`` continues the one
before). The grader checks each step, the locator takes the result. Splitting happens only at
top level: never inside braces, brackets, ``\\left..\\right`` or an environment (a ``bmatrix``
or ``cases`` keeps its ``=`` and ``&``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from grader.extract.document import Document, MathBlock
from grader.extract.scan import sole_environment, split_toplevel, toplevel_positions
from grader.latex.relations import ANY_SIGN as RELATION
from grader.latex.relations import Meaning, canonical, meaning

#: Blocks longer than this are not split into steps (no derivation is that long).
MAX_SPLIT = 50_000
_ROW_ENVIRONMENTS = frozenset(
    name + star
    for name in ("align", "aligned", "split", "gather", "gathered", "eqnarray", "flalign", "alignat", "alignedat", "equation")
    for star in ("", "*")
)
_SYSTEM_ENVIRONMENTS = frozenset({"cases", "dcases", "rcases", "cases*"})
_ROW_BREAK = re.compile(r"\\\\(?:\s*\[[^\]\n]{0,20}\])?|\\cr(?![A-Za-z])")
_AMP = re.compile(r"&")
_COMMENT_AMP = re.compile(r"&&")
_LIST_SEPARATOR = re.compile(r",|;|\\q?quad(?![A-Za-z])|\\text\s*\{\s*(?:and|,)\s*\}")
_COMMA = re.compile(r",|\\q?quad(?![A-Za-z])")
_LEADING_OPERATOR = re.compile(r"^\s*(?:[+\-]|\\pm|\\mp|\\cdot|\\times)")


@dataclass(frozen=True)
class Step:
    """One expression of a chain and the relation that leads to it ("" for the first)."""

    latex: str
    relation: str = ""
    offset: int = 0
    line: int | None = None

    @property
    def equality(self) -> bool:
        return bool(self.relation) and meaning(self.relation) is Meaning.EQUAL


@dataclass(frozen=True)
class Chain:
    """Steps joined by relations. ``continued`` when the first step is missing (the chain
    began with a relation and continues an earlier one)."""

    steps: tuple[Step, ...]
    line: int | None = None
    section: str | None = None
    block_offset: int | None = None
    continued: bool = False
    blocks: tuple[int, ...] = field(default=(), compare=False)

    @property
    def lhs(self) -> str:
        return self.steps[0].latex if self.steps else ""

    @property
    def result(self) -> str:
        """The last result: the last step of the chain."""
        return self.steps[-1].latex if self.steps else ""

    @property
    def relations(self) -> tuple[str, ...]:
        return tuple(s.relation for s in self.steps[1:])

    def run_end(self, i: int) -> int:
        """Index of the last step reachable from step ``i`` through equalities only."""
        j = i
        while j + 1 < len(self.steps) and self.steps[j + 1].equality:
            j += 1
        return j


def canonical_relation(rel: str) -> str:
    rel = rel.replace("&", "").strip()
    if rel.startswith("\\x"):
        return re.sub(r"\s+", " ", rel)  # a labelled arrow keeps its label for the report
    return canonical(rel)


def split_relation_chain(latex: str) -> list[Step]:
    """Split at top-level relations. A chain that starts with a relation gets an empty first
    step (so ``= a = b`` -> ["", "a", "b"]). Alignment ``&`` is dropped, ``&& comment`` cut, and
    so is a condition clause (``\\alpha_j = 0 \\text{ when } j = 2``, ``\\forall k``)."""
    latex = _drop_alignment(latex)
    if "\\" in latex:
        clause = toplevel_positions(latex, _CLAUSE)
        if clause and latex[: clause[0].start()].strip():
            latex = latex[: clause[0].start()]
    pieces = split_toplevel(latex, RELATION)
    steps: list[Step] = []
    for text, offset, sep in pieces:
        lead = len(text) - len(text.lstrip())
        steps.append(Step(_tidy(text), canonical_relation(sep) if sep else "", offset + lead))
    return steps


def _drop_alignment(latex: str) -> str:
    if "&" not in latex:
        return latex
    cut = toplevel_positions(latex, _COMMENT_AMP, brackets=False)
    if cut:
        latex = latex[: cut[0].start()]
    amps = toplevel_positions(latex, _AMP, brackets=False)
    if not amps:
        return latex
    chars = list(latex)
    for m in amps:
        chars[m.start()] = " "
    return "".join(chars)


#: Where a condition on a statement starts: the rest of the row is not part of its value.
_CLAUSE = re.compile(
    r"\\(?:text|mathrm|textrm|quad\s*\\text)\s*\{\s*(?:when|whenever|where|for\s+all|for\s+each|for\s+every)\b[^{}]*\}"
    r"|\\forall(?![A-Za-z])"
)
#: Words that join statements, not part of a value: "\therefore x = 4", "\text{so } x = 4".
_CONNECTIVE = re.compile(
    r"^(?:\\(?:therefore|because|hence|thus|implies|Rightarrow|Longrightarrow)(?![A-Za-z])"
    r"|\\(?:text|mathrm|textrm)\s*\{\s*(?:so|thus|hence|therefore|then|and)\s*,?\s*\})\s*"
)


def _tidy(s: str) -> str:
    s = s.strip()
    s = _CONNECTIVE.sub("", s).strip()
    s = re.sub(r"^(?:\\[,;:! ]|\\q?quad(?![A-Za-z])|~)+", "", s).strip()
    s = re.sub(r"(?:\\[,;:! ]|\\q?quad(?![A-Za-z])|~|(?<!\\)[,;])+$", "", s).strip()
    return _strip_condition(s)


_CONDITION_TAIL = re.compile(r"^\s*(?:\\q?quad\s*)*(?:\(|\\text|\\mathrm\{\s*(?:if|for)|\\forall|\\quad|\\text\{\s*(?:if|for|where))")


def _strip_condition(s: str) -> str:
    """``q_x - p_x, (1 \\le x \\le N)`` -> ``q_x - p_x``; ``4 \\quad \\text{(chain rule)}`` -> ``4``."""
    if "," not in s and "quad" not in s:
        return s
    seps = toplevel_positions(s, _COMMA)
    if not seps:
        return s
    last = seps[-1]
    tail = s[last.end() :]
    if tail.strip() and _CONDITION_TAIL.match(tail) and s[: last.start()].strip():
        return s[: last.start()].rstrip().rstrip(",").rstrip()
    return s


def split_rows(latex: str) -> list[tuple[str, int]]:
    """Rows of a display block: top-level ``\\\\`` of an align-like environment (nested ones
    flattened), or of the block itself. A ``cases`` or matrix stays one row."""
    out: list[tuple[str, int]] = []
    _rows_into(latex, 0, out, depth=0)
    return out


def _rows_into(latex: str, base: int, out: list[tuple[str, int]], depth: int) -> None:
    stripped = latex.lstrip().lstrip("&").lstrip()
    lead = len(latex) - len(stripped)
    sole = sole_environment(stripped) if depth < 8 else None
    if sole is not None and sole[0] in _ROW_ENVIRONMENTS:
        name, body = sole
        inner_start = stripped.find(body) if body else 0
        _rows_into(body, base + lead + max(inner_start, 0), out, depth + 1)
        return
    for text, offset, _sep in split_toplevel(latex, _ROW_BREAK, brackets=False):
        if not text.strip():
            continue
        inner = text.strip().lstrip("&").strip()
        sole = sole_environment(inner) if depth < 8 else None
        if sole is not None and sole[0] in _ROW_ENVIRONMENTS and text is not latex:
            _rows_into(text, base + offset, out, depth + 1)
        else:
            out.append((text, base + offset))


def split_system(latex: str) -> list[str] | None:
    """Rows of a block that is one ``cases`` environment (a system), else None."""
    sole = sole_environment(latex)
    if sole is None or sole[0] not in _SYSTEM_ENVIRONMENTS:
        return None
    rows = [t.strip() for t, _, _ in split_toplevel(sole[1], _ROW_BREAK, brackets=False)]
    return [r for r in rows if r]


def split_equations(latex: str) -> list[list[Step]]:
    """All chains in one block: rows split, a row starting with a relation continuing the
    previous chain, a row starting with ``+``/``-`` and no relation continuing the previous
    expression, comma lists ``a = 1, b = 2`` split, ``cases`` systems split into rows."""
    if "\\\\" not in latex and "," not in latex and ";" not in latex and "quad" not in latex:
        steps = split_relation_chain(latex)
        return [steps] if any(s.latex for s in steps) else []
    system = split_system(latex)
    if system is not None:
        chains: list[list[Step]] = []
        for row in system:
            row = _drop_alignment(row)
            chains.extend(_split_list(row, 0))
        return chains
    chains = []
    for row, offset in split_rows(latex):
        row_steps = _split_list(row, offset)
        if not row_steps:
            continue
        first = row_steps[0]
        if chains and len(first) > 1 and first[0].latex == "":
            chains[-1].extend(first[1:])
            row_steps = row_steps[1:]
        elif chains and len(first) == 1 and _LEADING_OPERATOR.match(first[0].latex) and len(row_steps) == 1:
            last = chains[-1][-1]
            chains[-1][-1] = Step(f"{last.latex} {first[0].latex}", last.relation, last.offset, last.line)
            continue
        chains.extend(row_steps)
    return chains


def _split_list(row: str, base: int) -> list[list[Step]]:
    pieces = split_toplevel(row, _LIST_SEPARATOR)
    if len(pieces) > 1:
        with_relation = [bool(toplevel_positions(p[0], RELATION)) for p in pieces]
        if sum(with_relation) >= 2:
            groups: list[tuple[str, int]] = []
            for (text, offset, sep), rel in zip(pieces, with_relation, strict=True):
                if rel or not groups:
                    groups.append((text, offset))
                else:
                    prev_text, prev_offset = groups[-1]
                    groups[-1] = (prev_text + sep + text, prev_offset)
            return [_shift(split_relation_chain(t), base + o) for t, o in groups if t.strip()]
    steps = split_relation_chain(row)
    return [_shift(steps, base)] if any(s.latex for s in steps) else []


def _shift(steps: list[Step], base: int) -> list[Step]:
    return [Step(s.latex, s.relation, s.offset + base, s.line) for s in steps]


def block_chains(block: MathBlock, index: int = 0) -> list[Chain]:
    """The chains of one math block, each step with its (approximate) line."""
    out: list[Chain] = []
    base_line = block.content_line or block.line
    if len(block.latex) > MAX_SPLIT:
        step = Step(block.latex, "", 0, base_line)
        return [Chain((step,), base_line, block.section, block.offset, False, (index,))]
    newlines = [m.start() for m in re.finditer("\n", block.latex)]
    for steps in split_equations(block.latex):
        lined = tuple(
            Step(s.latex, s.relation, s.offset, base_line + bisect.bisect_left(newlines, s.offset)) for s in steps
        )
        continued = bool(lined) and lined[0].latex == "" and len(lined) > 1
        out.append(
            Chain(lined, lined[0].line if lined else block.line, block.section, block.offset, continued, (index,))
        )
    return out


def document_chains(
    doc: Document,
    *,
    gap: int = 3,
    display_only: bool = False,
    lines: Callable[[int], bool] | None = None,
) -> list[Chain]:
    """Every chain of the document in order, continuation blocks (``$$= a = b$$``) joined to
    the chain of the math block just before them (same section, at most ``gap`` lines apart).
    ``lines`` restricts the work to blocks starting on lines it accepts."""
    out: list[Chain] = []
    prev: MathBlock | None = None
    for i, block in enumerate(doc.blocks):
        if (display_only and not block.display) or (lines is not None and not lines(block.line)):
            continue
        chains = block_chains(block, i)
        if chains and chains[0].continued and out and prev is not None:
            close = block.line - prev.end_line <= gap and block.section == prev.section
            if close:
                head = out[-1]
                tail = chains[0]
                out[-1] = Chain(
                    head.steps + tail.steps[1:], head.line, head.section, head.block_offset,
                    head.continued, head.blocks + tail.blocks,
                )
                chains = chains[1:]
        out.extend(chains)
        prev = block
    return out


def last_result(chains: list[Chain], index: int = -1) -> str:
    """The last result of the chain at ``index`` (continuations already joined)."""
    if not chains:
        return ""
    return chains[index].result
