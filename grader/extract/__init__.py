"""From a free-form submission (LaTeX or OCR'd Markdown) to candidate answers per rubric part.

``read_submission`` reads and checks a file, ``parse_document`` finds its sections and math,
``split_equations``/``document_chains`` cut the math into chains of relations, and ``locate``
picks the answer to one ``PartQuery``. Standard library only; no SymPy here (a semantic
``same_target`` matcher can be injected into ``locate``).
"""

from __future__ import annotations

from grader.extract.chains import (
    Chain,
    Step,
    block_chains,
    document_chains,
    last_result,
    split_equations,
    split_relation_chain,
    split_rows,
    split_system,
)
from grader.extract.document import Answer, Document, MathBlock, Section, parse_document
from grader.extract.locate import Candidate, Found, PartQuery, locate
from grader.extract.macros import Macro, expand_macros
from grader.extract.normalize import same_key, target_key
from grader.extract.read import SubmissionText, read_submission


def load_document(path: str, *, kind: str | None = None) -> Document:
    """Read and parse a submission file; reading warnings come first in ``warnings``."""
    sub = read_submission(path)
    doc = parse_document(sub.text, kind=kind or sub.kind)
    if sub.warnings:
        from dataclasses import replace

        doc = replace(doc, warnings=sub.warnings + doc.warnings)
    return doc


__all__ = [
    "Answer", "Candidate", "Chain", "Document", "Found", "Macro", "MathBlock", "PartQuery", "Section", "Step",
    "SubmissionText", "block_chains", "document_chains", "expand_macros", "last_result",
    "load_document", "locate", "parse_document", "read_submission", "same_key", "split_equations",
    "split_relation_chain", "split_rows", "split_system", "target_key",
]
