"""Reading submission files: refusals are one-line SubmissionErrors, odd encodings warn."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.errors import SubmissionError
from grader.extract import read_submission

REFUSED = (
    pytest.param(b"", "empty", id="empty"),
    pytest.param(b"  \n\n\t", "empty", id="whitespace-only"),
    pytest.param(b"%PDF-1.4\x00\x01\x02binary", "binary", id="nul-bytes"),
    pytest.param(bytes(range(1, 32)) * 50, "binary", id="control-chars"),
)


@pytest.mark.parametrize(("data", "word"), REFUSED)
def test_refused_content(tmp_path: Path, data: bytes, word: str) -> None:
    f = tmp_path / "sub.tex"
    f.write_bytes(data)
    with pytest.raises(SubmissionError, match=word) as info:
        read_submission(f)
    assert "\n" not in str(info.value)


def test_too_large(tmp_path: Path) -> None:
    f = tmp_path / "big.md"
    f.write_bytes(b"x" * 2048)
    with pytest.raises(SubmissionError, match="too large"):
        read_submission(f, max_bytes=1024)


def test_default_limit_is_two_megabytes(tmp_path: Path) -> None:
    f = tmp_path / "big.md"
    f.write_bytes(b"a" * (2 * 1024 * 1024 + 1))
    with pytest.raises(SubmissionError, match="too large"):
        read_submission(f)


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(SubmissionError, match="no such file"):
        read_submission(tmp_path / "nope.tex")
    with pytest.raises(SubmissionError, match="directory"):
        read_submission(tmp_path)


DECODED = (
    pytest.param(b"ok $x$\n", "ok $x$\n", "utf-8", False, id="utf8"),
    pytest.param(b"\xef\xbb\xbfbom $x$", "bom $x$", "utf-8", False, id="utf8-bom"),
    pytest.param(b"a\r\nb\rc", "a\nb\nc", "utf-8", False, id="crlf-cr"),
    pytest.param("caf\u00e9 \u2013 $x$".encode("cp1252"), "caf\u00e9 \u2013 $x$", "cp1252", True, id="cp1252"),
    pytest.param(b"\x81\x8d\xe9 $x$", "\x81\x8d\u00e9 $x$", "latin-1", True, id="latin1"),
    pytest.param("\ufeffwide $x$".encode("utf-16-le").join([b"\xff\xfe", b""]), "wide $x$", "utf-16", False, id="utf16-bom"),
)


@pytest.mark.parametrize(("data", "text", "encoding", "warned"), DECODED)
def test_decoding(tmp_path: Path, data: bytes, text: str, encoding: str, warned: bool) -> None:
    f = tmp_path / "sub.txt"
    f.write_bytes(data)
    sub = read_submission(f)
    assert sub.text == text
    assert sub.encoding == encoding
    assert bool(sub.warnings) == warned


@pytest.mark.parametrize(("suffix", "kind"), [(".tex", "tex"), (".md", "md"), (".txt", "auto"), (".TEX", "tex")])
def test_kind_from_suffix(tmp_path: Path, suffix: str, kind: str) -> None:
    f = tmp_path / f"sub{suffix}"
    f.write_text("$x$")
    assert read_submission(f).kind == kind
