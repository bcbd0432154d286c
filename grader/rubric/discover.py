"""Pick the rubric a submission belongs to, from the words each rubric says identify it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from grader.errors import InputError, RubricError
from grader.rubric.loader import load_rubric
from grader.rubric.model import Rubric


def rubric_files(folder: str | Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def _identify(path: Path) -> tuple[str, tuple[str, ...]] | None:
    """The assignment id and identifying words of a rubric file, without loading it whole."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        a = data["assignment"]
        return str(a["id"]), tuple(str(w) for w in (a.get("identify") or ()))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError, AttributeError):
        return None


def _score(identify: tuple[str, ...], text: str) -> int:
    lowered = re.sub(r"\s+", " ", text.lower())
    score = 0
    for phrase in identify:
        if re.sub(r"\s+", " ", phrase.lower()) in lowered:
            score += 2 if " " in phrase else 1
    return score


def pick_rubric(text: str, folder: str | Path) -> tuple[Rubric, list[tuple[str, int]]]:
    """The best-matching rubric in ``folder`` and every candidate's score; InputError when none
    or several tie (the message lists the candidates)."""
    files = rubric_files(folder)
    if not files:
        raise InputError(f"no rubrics (*.yaml) in {folder}; pass --rubric")
    scored: list[tuple[int, str, Path]] = []
    for f in files:
        head = _identify(f)
        if head is not None:
            scored.append((_score(head[1], text), head[0], f))
    scored.sort(key=lambda sr: (-sr[0], sr[1]))
    table = [(rid, s) for s, rid, _ in scored]
    listing = ", ".join(f"{rid} ({s})" for rid, s in table) or "none valid"
    if not scored or scored[0][0] == 0:
        raise InputError(f"no rubric in {folder} matches this submission; candidates: {listing}; pass --rubric")
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        raise InputError(f"several rubrics match this submission equally: {listing}; pass --rubric")
    try:
        return load_rubric(scored[0][2]), table
    except RubricError:
        raise
