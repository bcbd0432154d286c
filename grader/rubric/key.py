"""The answer key: every part's expected answer as LaTeX and, for numbers, as decimals."""

from __future__ import annotations

import json
from typing import Any

import sympy

from grader import budget
from grader.errors import BudgetExceeded
from grader.latex.parsed import Expression, MatrixValue, Parsed
from grader.rubric.model import Part, Rubric


def _decimal(parsed: Parsed | None) -> str | None:
    """The decimal of a numeric expected answer, computed under the limits (a rubric's value
    may be large: the key never evaluates it in this process)."""
    if not isinstance(parsed, (Expression, MatrixValue)):
        return None
    try:
        return budget.limited(_decimal_here, parsed.value)
    except BudgetExceeded:
        return None


def _decimal_here(value: Any) -> str | None:
    try:
        if isinstance(value, sympy.MatrixBase):
            if value.free_symbols:
                return None
            return sympy.latex(sympy.N(value, 8))
        if getattr(value, "free_symbols", None) or not getattr(value, "is_number", False):
            return None
        if value.is_Integer:
            return None
        return str(sympy.N(value, 10))
    except (TypeError, ValueError):
        return None


def key_rows(rubric: Rubric) -> list[dict[str, Any]]:
    rows = []
    for part in rubric.parts:
        rows.append({
            "id": part.id, "title": part.title, "points": part.points, "kind": part.kind,
            "expected": _latex(part), "decimal": _decimal(part.expected), "derived_from": part.derived_from,
            "model_answer": part.model_answer, "key_ideas": list(part.key_ideas),
        })
    return rows


def _latex(part: Part) -> str | None:
    if part.kind == "prose":
        return None
    if part.derived_from and isinstance(part.expected, (Expression, MatrixValue)):
        return sympy.latex(part.expected.value)
    return part.expected_latex


def render_key(rubric: Rubric, fmt: str = "markdown") -> str:
    rows = key_rows(rubric)
    if fmt == "json":
        return json.dumps({"rubric": rubric.id, "title": rubric.title, "version": rubric.version, "parts": rows}, indent=2) + "\n"
    if fmt == "latex":
        out = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\begin{document}", rf"\section*{{Answer key: {_tex_escape(rubric.title)}}}", r"\begin{description}"]
        for r in rows:
            body = f"${r['expected']}$" if r["expected"] else _tex_escape(r["model_answer"] or "(prose, graded by a person)")
            if r["decimal"]:
                body += rf" \quad ($\approx {r['decimal']}$)"
            out.append(rf"\item[{_tex_escape(r['id'])} ({r['points']:g} pts)] {_tex_escape(r['title'])}: {body}")
        out += [r"\end{description}", r"\end{document}", ""]
        return "\n".join(out)
    if fmt != "markdown":
        raise ValueError(f"unknown key format {fmt!r} (markdown, latex, json)")
    out = [f"# Answer key: {rubric.title}", "", f"Rubric `{rubric.id}` version {rubric.version}, {rubric.max_score:g} points.", "",
           "| part | points | expected | decimal |", "|---|---|---|---|"]
    for r in rows:
        expected = f"${r['expected']}$" if r["expected"] else f"*prose:* {r['model_answer'] or ''}"
        out.append(f"| {r['id']} {r['title']} | {r['points']:g} | {expected.replace('|', chr(92) + 'vert ')} | {r['decimal'] or ''} |")
    return "\n".join(out) + "\n"


def _tex_escape(text: str) -> str:
    return "".join({"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}"}.get(ch, ch) for ch in text)
