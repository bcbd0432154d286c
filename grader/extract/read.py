"""Reading a submission file: size and content checks, decoding, newline normalisation.

A file that cannot be a submission (missing, a directory, empty, larger than the limit,
binary) raises ``SubmissionError`` with a one-line message. Text that is not UTF-8 is decoded
as cp1252, else latin-1, and says so in ``warnings`` rather than failing.

Invisible characters (zero-width spaces and joiners, soft hyphens, byte-order marks inside the
text, direction marks and overrides, invisible math operators) are removed, with a warning: a
U+200B inside "Problem 2" would otherwise make it another heading and move answers between
sections. Unicode spaces become plain spaces. Line numbers are unchanged (no newline is touched).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from grader.errors import SubmissionError

#: Default size limit of a submission file in bytes.
MAX_BYTES = 2 * 1024 * 1024
#: Characters that show nothing: removed in reading (see the module docstring).
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
#: Unicode spaces read as a plain space.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DROP = {ord(c): None for c in INVISIBLE} | {ord(c): " " for c in _SPACES}
_KINDS = {".tex": "tex", ".ltx": "tex", ".md": "md", ".markdown": "md", ".txt": "auto"}


@dataclass(frozen=True)
class SubmissionText:
    """A submission's text (BOM stripped, newlines ``\\n``) and how it was read."""

    text: str
    path: str = ""
    encoding: str = "utf-8"
    kind: str = "auto"
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.text


def read_submission(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> SubmissionText:
    """Read a ``.tex``/``.md``/``.txt`` submission; raise ``SubmissionError`` when unusable."""
    p = Path(path)
    name = str(path)
    try:
        if p.is_dir():
            raise SubmissionError(f"{name}: is a directory, not a submission file")
        size = p.stat().st_size
        if size > max_bytes:
            raise SubmissionError(f"{name}: file too large ({size} bytes; the limit is {max_bytes})")
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise SubmissionError(f"{name}: no such file") from None
    except PermissionError:
        raise SubmissionError(f"{name}: permission denied") from None
    except OSError as exc:
        raise SubmissionError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise SubmissionError(f"{name}: file too large (more than {max_bytes} bytes)")
    text, encoding, warnings = decode_submission(data, name)
    return SubmissionText(text, name, encoding, _KINDS.get(p.suffix.lower(), "auto"), tuple(warnings))


def decode_submission(data: bytes, name: str = "submission") -> tuple[str, str, list[str]]:
    """Bytes to normalised text: (text, encoding, warnings). Raises ``SubmissionError``."""
    warnings: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise SubmissionError(f"{name}: unreadable UTF-16 text") from None
    else:
        if b"\x00" in data:
            raise SubmissionError(f"{name}: binary file (contains NUL bytes), not text")
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as exc:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
            warnings.append(f"{name}: not UTF-8 (byte {exc.start}); read as {encoding}")
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = remove_invisible(text)
    if removed:
        warnings.append(f"{name}: removed {removed} invisible character(s) (zero-width spaces, soft hyphens, direction marks)")
    if not text.strip():
        raise SubmissionError(f"{name}: empty file")
    controls = sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\n\t\f\v")
    if controls > 0.1 * min(len(text), 4096):
        raise SubmissionError(f"{name}: binary file (mostly control characters), not text")
    return text, encoding, warnings


def remove_invisible(text: str) -> tuple[str, int]:
    """``text`` without invisible characters and with unicode spaces as spaces, and how many
    invisible characters were removed."""
    if text.isascii():
        return text, 0
    cleaned = text.translate(_DROP)
    return cleaned, len(text) - len(cleaned)
