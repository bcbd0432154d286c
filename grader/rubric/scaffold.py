"""``grade rubric new``: a rubric skeleton that loads and checks as written."""

from __future__ import annotations

import yaml


def scaffold_rubric(*, assignment_id: str, title: str, course: str = "", problems: int = 1, parts: int = 1, points: float = 5) -> str:
    """YAML text for a new rubric with ``problems`` x ``parts`` parts, each with a sample."""
    doc = {
        "rubric": 1,
        "assignment": {"id": assignment_id, "title": title, "course": course, "version": "1", "identify": [title]},
        "context": {"functions": ["sigma"], "definitions": {"\\sigma(x)": "\\frac{1}{1+e^{-x}}"}},
        "problems": [
            {
                "id": str(i),
                "title": f"Problem {i}",
                "section": [str(i)],
                "parts": [
                    {
                        "id": f"{i}.{j}",
                        "title": f"Part {i}.{j}",
                        "points": points,
                        "kind": "expression",
                        "target": ["\\frac{\\partial y}{\\partial x}"],
                        "expected": {"latex": "\\sigma(x)(1-\\sigma(x))"},
                        "credit": {"diagnosis": {"SIGN": 0.5}},
                        "samples": [
                            {"answer": "\\sigma(x) - \\sigma(x)^2", "verdict": "correct", "points": points},
                            {"answer": "\\sigma(x)(\\sigma(x)-1)", "verdict": "partial", "points": points * 0.5},
                        ],
                    }
                    for j in range(1, parts + 1)
                ],
            }
            for i in range(1, problems + 1)
        ],
    }
    header = "# Rubric scaffold: replace the targets, expected answers and samples, then run\n#   grade rubric check THIS_FILE\n"
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
