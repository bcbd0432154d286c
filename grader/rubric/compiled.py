"""The compiled-rubric cache: a loaded rubric (derivations run, expected answers, responses and
samples parsed, typed keys checked against their derivations) kept on disk, so the next ``grade``
with the same rubric skips all of that.

The key is the rubric's text, its path and the engine's version (a digest of the grader's own
source), so an edit to either compiles again. Entries live in ``$GRADER_CACHE_DIR`` or
``~/.cache/ml-homework-grader`` (``GRADER_CACHE_DIR=off`` disables the cache), written
atomically with owner-only permissions, and hold values pickled inert (``budget.inert_dumps``):
loading one rebuilds SymPy nodes without evaluating anything. An entry that does not load is
ignored and replaced.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from grader import budget
from grader.rubric.model import Rubric

_FORMAT = "1"


@functools.lru_cache(maxsize=1)
def engine_version() -> str:
    """A digest of the grader package's source: compiled rubrics of another engine are not used."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(_FORMAT.encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path | None:
    """Where compiled rubrics are kept (None when the cache is off)."""
    setting = os.environ.get("GRADER_CACHE_DIR")
    if setting is not None and setting.strip().lower() in ("", "0", "off", "no", "none"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ml-homework-grader"


def entry_for(text: str, path: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = hashlib.sha256(f"{engine_version()}\0{path}\0{text}".encode()).hexdigest()[:32]
    return folder / "rubrics" / f"{key}.pickle"


def load_compiled(text: str, path: str) -> Rubric | None:
    """The compiled rubric for this text, or None when there is none (or it cannot be read)."""
    entry = entry_for(text, path)
    if entry is None or not entry.is_file():
        return None
    try:
        rubric = pickle.loads(entry.read_bytes())
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is compiled again
        return None
    return rubric if isinstance(rubric, Rubric) and rubric.path == path else None


def store_compiled(text: str, rubric: Rubric) -> None:
    """Keep ``rubric`` for the next load of the same text (best effort: a read-only disk is fine)."""
    entry = entry_for(text, rubric.path)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = budget.inert_dumps(rubric)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, entry)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
