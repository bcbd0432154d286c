"""Finding submissions and students: the identity rule, manifests, hostile folders and zips."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest
from conftest import write_files

from grader.batch import sources
from grader.batch.sources import collect, decode_text, student_id
from grader.errors import InputError

IDENTITIES = (
    ("alice.tex", "alice"),
    ("alice", "alice"),
    ("Bob Smith.md", "Bob Smith"),
    ("smithjohn_12345_67890_hw1.tex", "12345"),
    ("smithjohn_LATE_12345_67890_hw1.tex", "12345"),
    ("smithjohn_12345_67890.tex", "12345"),
    ("Alice Smith_123456_assignsubmission_file_", "123456"),
    ("Alice Smith_123456_assignsubmission_onlinetext_", "123456"),
    ("hw_1.tex", "hw_1"),
    ("report.v2.txt", "report.v2"),
)


@pytest.mark.parametrize(("name", "student"), IDENTITIES, ids=[n for n, _ in IDENTITIES])
def test_student_identity(name: str, student: str) -> None:
    assert student_id(name) == student


def by_student(root: Path, **kw: object) -> dict[str, sources.Submission]:
    return {s.student: s for s in collect(root, **kw).submissions}  # type: ignore[arg-type]


def test_folder_per_student_concatenates_in_name_order(tmp_path: Path) -> None:
    write_files(tmp_path / "c", {"alice/b.tex": "b: y-t", "alice/a.tex": "a: 2x",
                                 "alice/fig.png": b"\x89PNG\x00", "bob/notes.pdf": b"%PDF"})
    subs = by_student(tmp_path / "c")
    assert subs["alice"].status == "ok"
    assert subs["alice"].files == ["alice/a.tex", "alice/b.tex"]
    assert subs["alice"].text.index("a: 2x") < subs["alice"].text.index("b: y-t")
    assert "% --- file: alice/a.tex ---" in subs["alice"].text
    assert subs["bob"].status == "error" and "not a submission type" in subs["bob"].message


def test_manifest_maps_files_and_reports_missing(tmp_path: Path) -> None:
    write_files(tmp_path / "c", {"x1.tex": "a: 2x", "folder/y.tex": "a: x/2", "stray.tex": "a: 1"})
    manifest = tmp_path / "m.csv"
    manifest.write_text("student,file,name,email,sis_id,section\n"
                        "s1,x1.tex,Ann One,ann@u.edu,S001,A\n"
                        "s2,folder,Ben Two,ben@u.edu,S002,B\n"
                        "s3,gone.tex,Cy Three,,,\n")
    got = collect(tmp_path / "c", manifest=manifest)
    subs = {s.student: s for s in got.submissions}
    assert subs["s1"].text == "a: 2x" and subs["s2"].text == "a: x/2"
    assert subs["s3"].status == "error" and "file not found" in subs["s3"].message
    assert got.students["s2"].email == "ben@u.edu"
    assert any("not in the manifest" in p for p in got.problems)


def test_bad_manifest_is_an_input_error(tmp_path: Path) -> None:
    write_files(tmp_path / "c", {"a.tex": "x"})
    (tmp_path / "m.csv").write_text("who,what\n1,2\n")
    with pytest.raises(InputError, match="student"):
        collect(tmp_path / "c", manifest=tmp_path / "m.csv")


HOSTILE_FILES: tuple[tuple[str, bytes, str, str], ...] = (
    ("empty.tex", b"", "empty", "empty"),
    ("blank.tex", b"  \n\t\n", "empty", "empty"),
    ("binary.tex", b"\x00\x01\x02garbage", "error", "binary"),
    ("image.png", b"\x89PNG\r\n", "error", "not a submission type"),
)


@pytest.mark.parametrize(("name", "data", "status", "message"), HOSTILE_FILES,
                         ids=[h[0] for h in HOSTILE_FILES])
def test_bad_files_become_rows(tmp_path: Path, name: str, data: bytes, status: str,
                               message: str) -> None:
    write_files(tmp_path / "c", {name: data})
    (sub,) = collect(tmp_path / "c").submissions
    assert sub.status == status and message in sub.message


def test_fifty_megabyte_file_is_refused_without_reading(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    with open(tmp_path / "c" / "huge.tex", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (sub,) = collect(tmp_path / "c").submissions
    assert sub.status == "error" and "too large" in sub.message


def test_non_utf8_is_read_with_a_warning(tmp_path: Path) -> None:
    write_files(tmp_path / "c", {"zoe.tex": "a: 2x % r\xe9sum\xe9".encode("latin-1")})
    (sub,) = collect(tmp_path / "c").submissions
    assert sub.status == "ok" and "résumé" in sub.text
    assert any("not UTF-8" in w for w in sub.warnings)
    assert decode_text("\ufeffa: 1".encode()) == ("a: 1", [])


def test_empty_folder_and_missing_source(tmp_path: Path) -> None:
    (tmp_path / "none").mkdir()
    got = collect(tmp_path / "none")
    assert got.submissions == [] and "no submissions found" in got.problems[0]
    with pytest.raises(InputError, match="no such"):
        collect(tmp_path / "nowhere")
    (tmp_path / "notzip.zip").write_text("hello")
    with pytest.raises(InputError, match="zip"):
        collect(tmp_path / "notzip.zip")


def test_symlinks_in_a_folder_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("a: secret")
    write_files(tmp_path / "c", {"alice.tex": "a: 2x"})
    (tmp_path / "c" / "mallory.tex").symlink_to(secret)
    (tmp_path / "c" / "trudy").symlink_to(tmp_path)
    got = collect(tmp_path / "c")
    assert [s.student for s in got.submissions] == ["alice"]
    assert sum("symbolic link" in p for p in got.problems) == 2


def _zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def test_zip_with_traversal_absolute_and_symlink_members(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("linky.tex")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    z = _zip(tmp_path / "class.zip", [
        ("alice.tex", b"a: 2x"), ("../../evil.tex", b"a: evil"), ("/etc/evil2.tex", b"a: evil"),
        ("ok/../../evil3.tex", b"a: x"), (link, b"/etc/passwd"), ("__MACOSX/._alice.tex", b"junk"),
    ])
    got = collect(z)
    assert [s.student for s in got.submissions] == ["alice"]
    assert sorted(p.split(" (")[1] for p in got.problems) == [
        "absolute path in the zip)", "path with '..' in the zip)", "path with '..' in the zip)",
        "symbolic link in the zip)"]
    assert not (tmp_path.parent / "evil.tex").exists()


def test_zip_bomb_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    z = _zip(tmp_path / "bomb.zip", [("big.tex", b"0" * (sources.MAX_FILE_BYTES + 10)),
                                     ("small.tex", b"a: 2x")])
    assert z.stat().st_size < 100_000
    subs = by_student(z)
    assert subs["big"].status == "error" and "too large" in subs["big"].message
    assert subs["small"].status == "ok"
    monkeypatch.setattr(sources, "MAX_MEMBERS", 3)
    many = _zip(tmp_path / "many.zip", [(f"s{i}.tex", b"a: 1") for i in range(10)])
    got = collect(many)
    assert len(got.submissions) == 3 and "over the limit" in got.problems[0]


def test_total_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_TOTAL_BYTES", 25)
    write_files(tmp_path / "c", {f"s{i}.tex": "a: 2x 0123456789" for i in range(3)})
    subs = by_student(tmp_path / "c")
    assert [s.status for s in subs.values()] == ["ok", "error", "error"]
    assert "total limit" in subs["s2"].message


def test_bytes_actually_read_are_capped_whatever_the_declared_size(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100)
    p = tmp_path / "liar.tex"
    p.write_bytes(b"x" * 1000)
    with pytest.raises(InputError, match="when read"):
        sources._read_capped(sources._Entry(rel="liar.tex", size=10, path=p), None)
