"""Reports for one graded submission: text for a terminal, the contract JSON, markdown for a
feedback file, and a self-contained HTML page.

Every renderer takes a ``grader.model.Report`` and returns a string (ending in a newline); none
of them reads files, the clock or the environment, so the same report always renders the same.
This package imports only ``grader.model``.
"""

from __future__ import annotations

import json

from grader.model import Report
from grader.report.htmlpage import render_html
from grader.report.markdown import render_markdown
from grader.report.text import render_text

#: The formats ``render`` knows, in the order the CLI lists them.
FORMATS = ("text", "json", "markdown", "html")


def render_json(report: Report) -> str:
    """The contract JSON (CONTRACT.md, ``grade --format json``), pretty-printed."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """``report`` in format ``fmt`` (one of FORMATS); ``color`` applies to ``text`` only.

    Raises ValueError for an unknown format.
    """
    if fmt == "text":
        return render_text(report, color=color)
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "render", "render_html", "render_json", "render_markdown", "render_text"]
