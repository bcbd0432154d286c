"""The HTML report: one self-contained page (inline CSS, no scripts, fonts or other fetches).

LaTeX is typeset as MathML (``grader.report.mathml``: converted here, laid out by the browser,
nothing fetched), with the source beside it in ``<code>``; what does not convert is shown as
source only. Every string that comes from a submission or rubric is HTML-escaped, and a
Content-Security-Policy forbids scripts and remote loads in case something slips through.
``show_expected=False`` leaves the expected answers out (a student view before the deadline).
Parts waiting for a person (``needs_review``) show no points, and the score says how many
points are still to be graded.
"""

from __future__ import annotations

import re
from html import escape

from grader.model import PartResult, Report
from grader.report._common import (
    caret,
    fmt_number,
    fmt_points,
    fmt_total,
    group_parts,
    needs_detail,
    pending_parts,
    percent,
    strip_controls,
)
from grader.report.mathml import MathRenderer

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; margin-top: 1.5rem; }
.meta { color: #555; margin: 0; }
.score { font-size: 1.2rem; font-weight: 600; margin: .5rem 0 1rem; }
table { border-collapse: collapse; margin: .5rem 0; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #f5f5f7; }
td.num { text-align: right; white-space: nowrap; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
       white-space: pre-wrap; overflow-wrap: anywhere; background: #f5f5f7; padding: 0 .2rem; }
.none { color: #888; font-style: italic; }
.verdict { font-weight: 600; }
.v-correct { color: #1a7f37; }
.v-partial { color: #9a6700; }
.v-incorrect, .v-missing { color: #cf222e; }
.v-unparsed { color: #8250df; }
.v-needs_review { color: #0969da; }
.warnings { background: #fff8c5; padding: .5rem 1rem; border-radius: 4px; }
math { font-size: 1.15em; }
.math math[display="block"] { margin: .25rem 0; }
code.src { display: block; margin-top: .25rem; font-size: .8em; color: #555; }
.pending { color: #0969da; }
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(s: str) -> str:
    return escape(strip_controls(s), quote=True)


def _class(verdict: str) -> str:
    return "verdict v-" + re.sub(r"[^a-z_]+", "-", verdict.lower())


def _verdict(part: PartResult) -> str:
    text = _e(part.verdict)
    if part.diagnosis:
        text += f" ({_e(part.diagnosis)})"
    return f'<span class="{_class(part.verdict)}">{text}</span>'


def _code(s: str | None, missing: str = "none found") -> str:
    return f"<code>{_e(s)}</code>" if s and s.strip() else f'<span class="none">({missing})</span>'


def _shown(m: MathRenderer, s: str | None, missing: str = "none found",
           display: bool = True) -> str:
    """Typeset math with its source below; the source alone when it does not typeset."""
    if not s or not s.strip():
        return _code(s, missing)
    typeset = m.auto(strip_controls(s), display)
    if typeset.startswith('<code class="tex">'):
        return _code(s, missing)
    return f"{typeset}<code class=\"src\">{_e(s)}</code>"


def _points(part: PartResult) -> str:
    if part.verdict == "needs_review":
        return f'<span class="pending">&ndash; / {fmt_number(part.max_points)} (pending)</span>'
    return fmt_points(part.points, part.max_points)


def _waiting(report: Report) -> str:
    waiting = pending_parts(report)
    if not waiting:
        return ""
    pts = fmt_number(sum(p.max_points for p in waiting))
    n = len(waiting)
    return (f' <span class="pending">&middot; {pts} points in {n} part{"s" if n != 1 else ""} '
            "still to be graded by a person</span>")


def _anchor(part_id: str) -> str:
    return "part-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", part_id).strip("-") or "x")


def _summary_table(parts: tuple[PartResult, ...]) -> list[str]:
    rows = [
        "<table>",
        '<colgroup><col style="width:12%"><col><col style="width:12%">'
        '<col style="width:16%"><col style="width:8%"></colgroup>',
        "<thead><tr><th>Part</th><th>Title</th><th>Points</th><th>Verdict</th><th>Line</th>"
        "</tr></thead>",
        "<tbody>",
    ]
    for p in parts:
        line = str(p.location.line) if p.location.line is not None else "&ndash;"
        rows.append(
            f'<tr><td><a href="#{_anchor(p.id)}">{_e(p.id)}</a></td><td>{_e(p.title)}</td>'
            f'<td class="num">{_points(p)}</td>'
            f"<td>{_verdict(p)}</td><td class=\"num\">{line}</td></tr>"
        )
    rows += ["</tbody>", "</table>"]
    return rows


def _section(part: PartResult, m: MathRenderer, show_expected: bool) -> list[str]:
    title = _e(part.id) + (f": {_e(part.title)}" if part.title.strip() else "")
    where = f", line {part.location.line}" if part.location.line is not None else ""
    if part.location.section:
        where += f" ({_e(part.location.section)})"
    out = [
        f'<section id="{_anchor(part.id)}">',
        f"<h3>{title}</h3>",
        f"<p>{_verdict(part)}: {_points(part)} points{where}</p>",
    ]
    if (needs_detail(part) or part.answer is None) and show_expected:
        out += [
            "<table>",
            "<thead><tr><th>Your answer</th><th>Expected</th></tr></thead>",
            f"<tbody><tr><td>{_shown(m, part.answer)}</td>"
            f"<td>{_shown(m, part.expected, 'not given')}</td></tr></tbody>",
            "</table>",
        ]
    else:
        out.append(f"<div>Your answer: {_shown(m, part.answer)}</div>")
    pointed = caret(part)
    if pointed is not None:
        out.append(f'<pre class="caret">{_e(pointed[0])}\n{_e(pointed[1])}</pre>')
    if part.feedback:
        out.append(f'<p class="feedback"><strong>Feedback:</strong> {_e(part.feedback)}</p>')
    if part.alternatives:
        out.append("<p>Other answers found in your submission:</p>")
        out.append("<ul>" + "".join(f"<li>{_shown(m, a, 'empty', False)}</li>"
                                    for a in part.alternatives) + "</ul>")
    if part.steps:
        out.append("<p>Steps:</p>")
        out.append("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in part.steps) + "</ul>")
    out.append("</section>")
    return out


def _prepare(m: MathRenderer, report: Report, show_expected: bool) -> None:
    """Typeset everything the page shows in one call to the limited worker."""
    texts: list[tuple[str | None, bool]] = []
    for p in report.parts:
        texts.append((strip_controls(p.answer or ""), True))
        if show_expected:
            texts.append((strip_controls(p.expected or ""), True))
        texts += [(strip_controls(a), False) for a in p.alternatives]
    m.prepare(texts)


def render_html(report: Report, *, student: str = "", show_expected: bool = True) -> str:
    """The report as a self-contained HTML page; ``student`` goes in the title when given."""
    name = report.title or report.rubric
    heading = _e(name) + (f": feedback for {_e(student)}" if student else "")
    version = f" (version {_e(report.rubric_version)})" if report.rubric_version else ""
    body = [
        f"<h1>{heading}</h1>",
        f'<p class="meta">Submission <code>{_e(report.submission)}</code> &middot; rubric '
        f"<code>{_e(report.rubric)}</code>{version}</p>",
        f'<p class="score" data-percent="{percent(report.score, report.max_score) or ""}">'
        f"Score: {fmt_total(report.score, report.max_score)}{_waiting(report)}</p>",
    ]
    m = MathRenderer()
    _prepare(m, report, show_expected)
    groups = group_parts(report)
    if not groups:
        body.append("<p>No parts were graded.</p>")
    for group in groups:
        body.append(f"<h2>{_e(group.label)} "
                    f"<small>({fmt_total(group.score, group.max_score)})</small></h2>")
        body += _summary_table(group.parts)
        for part in group.parts:
            body += _section(part, m, show_expected)
    if report.warnings:
        body.append('<div class="warnings"><h2>Notes</h2><ul>'
                    + "".join(f"<li>{_e(w)}</li>" for w in report.warnings) + "</ul></div>")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{heading}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        *body,
        "</main>",
        "</body>",
        "</html>",
    ]) + "\n"
