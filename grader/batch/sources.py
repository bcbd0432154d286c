"""Finding a class's submissions in a folder or a zip, and who each one belongs to.

Student identity (first rule that matches wins):

1. A manifest (``--manifest FILE``, CSV with a header) names the files: columns ``student`` and
   ``file`` (path relative to PATH, a file or a folder) are required; ``name``, ``email``,
   ``sis_id`` and ``section`` are optional and feed the LMS layouts of the CSV export. Files not
   in the manifest are left out (and counted); a manifest file that does not exist gets a row.
2. The top-level entry's name, without its extension:
   - Canvas downloads ``lastname_12345_67890_hw.tex`` or ``lastname_LATE_12345_67890_hw.tex``:
     the student is ``12345`` (the Canvas user id; 67890 is the submission id).
   - Moodle downloads, one folder per student, ``Alice Smith_123456_assignsubmission_file_/``:
     the student is ``123456`` (the participant id).
   - Otherwise the name itself: ``alice.tex`` -> ``alice``; ``alice/hw.tex`` -> ``alice``.

One folder per student: every submission-type file (``.tex``, ``.md``, ``.txt``) under the
folder is used, concatenated in path order (``a.tex`` before ``b/c.tex``), each preceded by a
``% --- file: NAME ---`` line, so that answers split over several files are all seen. Other files
in the folder (figures, PDFs) are ignored; a folder with none gets a row saying so. Two top-level
files for the same student (``alice.tex``, ``alice.md``) are concatenated the same way. A
top-level file of another type gets a row that says it is not a submission.

Hostile input never writes anything: zip members are read in memory, never extracted. Members
with absolute paths, ``..`` components or symlink modes, and symlinks in folders, are not read
and are reported. Limits (checked on the declared size and again on the bytes actually read):
``MAX_FILE_BYTES`` per file, ``MAX_TOTAL_BYTES`` for the batch, ``MAX_MEMBERS`` entries.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.errors import InputError
from grader.extract.read import decode_submission

SUBMISSION_SUFFIXES = (".tex", ".md", ".txt")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_MEMBERS = 10_000
_SKIP_NAMES = {"__MACOSX", "Thumbs.db", "desktop.ini"}

_CANVAS = re.compile(r"^[^_]+?(?:_late)?_(\d+)_(\d+)(?:_.*)?$", re.IGNORECASE)
_MOODLE = re.compile(r"^.+?_(\d+)_assignsubmission_[a-z]+_?$", re.IGNORECASE)


@dataclass(frozen=True)
class StudentInfo:
    """What a manifest says about a student (for the LMS CSV layouts)."""

    student: str
    name: str = ""
    email: str = ""
    sis_id: str = ""
    section: str = ""


@dataclass
class Submission:
    """One student's text (or why there is none), ready to be graded."""

    student: str
    files: list[str] = field(default_factory=list)
    text: str = ""
    sha256: str = ""
    status: str = "ok"  # ok | empty | error before grading
    message: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Collected:
    """Everything found in a batch source."""

    submissions: list[Submission]
    problems: list[str]
    students: dict[str, StudentInfo]


def student_id(name: str) -> str:
    """The student a top-level file or folder name belongs to (rule 2 above)."""
    stem = name
    for suffix in SUBMISSION_SUFFIXES + (".pdf", ".zip", ".docx"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    else:
        if "." in stem and not stem.startswith("."):
            stem = stem.rsplit(".", 1)[0]
    stem = stem.strip()
    if m := _MOODLE.match(stem):
        return m.group(1)
    if m := _CANVAS.match(stem):
        return m.group(1)
    return stem


@dataclass
class _Entry:
    """A file found in the source: where it is and how to read it."""

    rel: str  # posix path relative to the source root
    size: int
    zinfo: zipfile.ZipInfo | None = None
    path: Path | None = None


def _unsafe_member(info: zipfile.ZipInfo) -> str | None:
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if ".." in PurePosixPath(name).parts:
        return "path with '..'"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "symbolic link"
    return None


def _skipped(rel: str) -> bool:
    return any(p.startswith(".") or p in _SKIP_NAMES for p in PurePosixPath(rel).parts)


def _zip_entries(path: Path, problems: list[str]) -> tuple[zipfile.ZipFile, list[_Entry]]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path}: not a readable zip file ({exc})") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        problems.append(f"{path}: {len(infos)} members, over the limit of {MAX_MEMBERS}; "
                        f"only the first {MAX_MEMBERS} are read")
        infos = infos[:MAX_MEMBERS]
    entries = []
    for info in infos:
        if info.is_dir():
            continue
        why = _unsafe_member(info)
        if why:
            problems.append(f"{info.filename}: not read ({why} in the zip)")
            continue
        rel = info.filename.replace("\\", "/").lstrip("./")
        if not _skipped(rel):
            entries.append(_Entry(rel=rel, size=info.file_size, zinfo=info))
    return zf, entries


def _folder_entries(root: Path, problems: list[str]) -> list[_Entry]:
    entries: list[_Entry] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        for d in list(dirnames):
            if (base / d).is_symlink():
                problems.append(f"{(base / d).relative_to(root)}: not read (symbolic link)")
                dirnames.remove(d)
        dirnames.sort()
        for name in sorted(filenames):
            p = base / name
            rel = p.relative_to(root).as_posix()
            if _skipped(rel):
                continue
            if p.is_symlink():
                problems.append(f"{rel}: not read (symbolic link)")
                continue
            if len(entries) >= MAX_MEMBERS:
                problems.append(f"{root}: more than {MAX_MEMBERS} files; the rest are not read")
                return entries
            try:
                entries.append(_Entry(rel=rel, size=p.stat().st_size, path=p))
            except OSError as exc:
                problems.append(f"{rel}: not read ({exc.strerror})")
    return entries


def _read_capped(entry: _Entry, zf: zipfile.ZipFile | None) -> bytes:
    """The entry's bytes, refusing more than MAX_FILE_BYTES whatever the header declares."""
    if entry.size > MAX_FILE_BYTES:
        raise InputError(f"too large ({entry.size / 1e6:.1f} MB; limit {MAX_FILE_BYTES / 1e6:g} MB)")
    if zf is not None and entry.zinfo is not None:
        fh = zf.open(entry.zinfo)
    else:
        assert entry.path is not None
        fh = open(entry.path, "rb")  # noqa: SIM115 - closed below
    with fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"too large (more than {MAX_FILE_BYTES / 1e6:g} MB when read)")
    return data


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Bytes of a submission as text, by the same rules as a single ``grade`` run
    (``grader.extract.decode_submission``); an empty file is text here, reported as empty later."""
    if not data.strip():
        return "", []
    text, _, warnings = decode_submission(data, "file")
    return text, [w.removeprefix("file: ") for w in warnings]


def load_manifest(path: str | Path) -> tuple[dict[str, str], dict[str, StudentInfo]]:
    """``{file: student}`` and ``{student: StudentInfo}`` from a manifest CSV."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read the manifest ({exc})") from None
    if not rows or not {"student", "file"} <= set(rows[0]):
        raise InputError(f"{path}: a manifest needs a header with 'student' and 'file' columns")
    files: dict[str, str] = {}
    infos: dict[str, StudentInfo] = {}
    for row in rows:
        sid, f = (row.get("student") or "").strip(), (row.get("file") or "").strip()
        if not sid or not f:
            continue
        files[PurePosixPath(f.replace("\\", "/")).as_posix().strip("/")] = sid
        infos[sid] = StudentInfo(sid, *((row.get(k) or "").strip()
                                        for k in ("name", "email", "sis_id", "section")))
    return files, infos


def _group(entries: list[_Entry], manifest: dict[str, str] | None,
           problems: list[str]) -> Iterator[tuple[str, list[_Entry], list[str]]]:
    """(student, submission-type entries, names of other files) per student, in student order."""
    groups: dict[str, tuple[list[_Entry], list[str]]] = {}
    unlisted = 0
    for e in entries:
        if manifest is not None:
            keys = (e.rel, *(p.as_posix() for p in PurePosixPath(e.rel).parents))
            owner = next((manifest[k] for k in keys if k in manifest), None)
            if owner is None:
                unlisted += 1
                continue
        else:
            owner = student_id(PurePosixPath(e.rel).parts[0])
        subs, others = groups.setdefault(owner, ([], []))
        if e.rel.lower().endswith(SUBMISSION_SUFFIXES):
            subs.append(e)
        else:
            others.append(e.rel)
    if unlisted:
        problems.append(f"{unlisted} file(s) not in the manifest were left out")
    if manifest is not None:
        for f, sid in manifest.items():
            if sid not in groups:
                groups[sid] = ([], [f"(missing) {f}"])
    for sid in sorted(groups):
        subs, others = groups[sid]
        yield sid, sorted(subs, key=lambda e: e.rel), others


def collect(source: str | Path, *, manifest: str | Path | None = None) -> Collected:
    """Read every submission in ``source`` (a folder or a .zip) into memory, with their rows."""
    root = Path(source)
    problems: list[str] = []
    if not root.exists():
        raise InputError(f"{root}: no such file or folder")
    zf: zipfile.ZipFile | None = None
    if root.is_dir():
        entries = _folder_entries(root, problems)
    elif root.suffix.lower() == ".zip" or zipfile.is_zipfile(root):
        zf, entries = _zip_entries(root, problems)
    else:
        raise InputError(f"{root}: a batch is a folder or a .zip of submissions")
    files_map, infos = load_manifest(manifest) if manifest else (None, {})
    out: list[Submission] = []
    total = 0
    try:
        for sid, subs, others in _group(entries, files_map, problems):
            sub = Submission(student=sid, files=[e.rel for e in subs])
            if not subs:
                missing = [o for o in others if o.startswith("(missing) ")]
                if missing:
                    sub.status, sub.message = "error", f"{missing[0][10:]}: file not found"
                    sub.files = [missing[0][10:]]
                elif others:
                    sub.status = "error"
                    sub.files = others
                    sub.message = (f"not a submission type ({', '.join(others[:3])}): "
                                   f"expected {', '.join(SUBMISSION_SUFFIXES)}")
                else:
                    sub.status, sub.message = "empty", "no files"
                out.append(sub)
                continue
            parts: list[str] = []
            for e in subs:
                try:
                    if total + e.size > MAX_TOTAL_BYTES:
                        raise InputError(f"batch over the total limit of {MAX_TOTAL_BYTES / 1e6:g} MB")
                    data = _read_capped(e, zf)
                    total += len(data)
                    text, warns = decode_text(data)
                except InputError as exc:
                    sub.status, sub.message = "error", f"{e.rel}: {exc}"
                    break
                except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, NotImplementedError, zlib.error) as exc:
                    sub.status, sub.message = "error", f"{e.rel}: cannot read ({exc})"
                    break
                sub.warnings += [f"{e.rel}: {w}" for w in warns]
                parts.append(text if len(subs) == 1 else f"% --- file: {e.rel} ---\n{text}")
            if sub.status == "ok":
                sub.text = "\n".join(parts)
                sub.sha256 = hashlib.sha256(sub.text.encode("utf-8", "surrogatepass")).hexdigest()
                if not sub.text.strip():
                    sub.status, sub.message = "empty", "the submission is empty"
            out.append(sub)
    finally:
        if zf is not None:
            zf.close()
    if not out:
        problems.append(f"{root}: no submissions found")
    return Collected(submissions=out, problems=problems, students=infos)
