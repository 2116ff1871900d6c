"""Turn an upload (several files or one .zip) into a stored, validated Recording.

Everything is staged and parsed in a temporary folder first: a Recording row and its files are only
created once mlcore has read the signal, so a bad upload stores nothing and loses nothing.
"""

from __future__ import annotations

import math
import re
import tempfile
import unicodedata
import zipfile
import zlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import get_valid_filename

from mlcore.errors import SignalError
from mlcore.readers import detect_format, read_record, read_ucr
from mlcore.tables import check_table
from recordings.models import Recording, RecordingFile, signal_facts

RECORD_SUFFIXES = {".hea", ".csv", ".txt", ".edf", ".bdf", ".npy"}
IGNORED_NAMES = {".DS_Store", "Thumbs.db"}
MAX_NAME_BYTES = 255  # the longest file name most filesystems store, in UTF-8 bytes
# wfdb finds a record's header and annotations by the record name and these lowercase suffixes
LOWERCASE_SUFFIXES = {".hea", ".atr"}
WFDB_COMPANIONS = {".dat", ".atr"}  # parts of a WFDB record that are useless without its .hea
KNOWN_SUFFIXES = RECORD_SUFFIXES | WFDB_COMPANIONS | {".tsv", ".zip"}
FS_TOLERANCE = 0.01  # a given sampling rate within 1% of the file's own is the same rate


class UploadError(Exception):
    """The upload cannot become a recording; the message is shown to the user as is."""


def ingest(owner, name: str, uploads: list[UploadedFile], fs: float | None = None) -> Recording:
    """Validate and parse the uploaded files, then store them as a new Recording of ``owner``."""
    if not uploads:
        raise UploadError("Choose at least one file to upload.")
    with tempfile.TemporaryDirectory(prefix="beatline-upload-") as tmp:
        folder = Path(tmp)
        originals: dict[str, str] = {}
        paths = stage(uploads, folder, originals)
        main = main_file(paths)
        try:
            fmt = detect_format(main)
            facts = table_facts(main) if fmt == Recording.Format.UCR else upload_facts(main, fs)
        except SignalError as exc:
            raise UploadError(user_message(str(exc), folder, originals)) from exc
        return store(owner, plain_name(name) or main.stem, fmt, main, paths, facts)


def user_message(message: str, folder: Path, originals: dict[str, str]) -> str:
    """A reader's message as the user should read it: no server paths, their own file names."""
    message = message.replace(f"{folder}/", "").replace(str(folder), "the upload")
    for staged in sorted(originals, key=len, reverse=True):
        if originals[staged] != staged:
            pattern = rf"(?<![\w.-]){re.escape(staged)}(?![\w-]|\.\w)"
            message = re.sub(pattern, lambda _, name=originals[staged]: name, message)
    return message


def staged_name(name: str) -> str:
    """A plain, safe file name for the uploaded ``name``: no folders, at most MAX_NAME_BYTES in
    UTF-8 (shortened before its extension), and a WFDB header or annotation suffix in lowercase."""
    try:
        filename = get_valid_filename(Path(name.replace("\\", "/")).name)
    except SuspiciousFileOperation:
        raise UploadError(f"{name!r} is not a usable file name; rename the file.") from None
    before, dot, extension = filename.rpartition(".")
    if dot and not before.strip(". ") and f".{extension.lower()}" in KNOWN_SUFFIXES:
        raise UploadError(
            f"{Path(name).name} has no name before its extension; rename the file, e.g. to "
            f"recording.{extension}."
        )
    stem, suffix = Path(filename).stem, Path(filename).suffix
    if suffix.lower() in LOWERCASE_SUFFIXES:
        suffix = suffix.lower()
        filename = stem + suffix
    if len(filename.encode()) <= MAX_NAME_BYTES:
        return filename
    if len(suffix.encode()) > 16:  # not an extension: shorten the whole name
        stem, suffix = filename, ""
    room = MAX_NAME_BYTES - len(suffix.encode())
    return stem.encode()[:room].decode("utf-8", errors="ignore") + suffix


def check_shortened(paths: list[Path], originals: dict[str, str]) -> None:
    """A WFDB header names its signal files, so a record's names cannot be shortened safely."""
    shortened = [
        originals[p.name] for p in paths if len(originals[p.name].encode()) > MAX_NAME_BYTES
    ]
    if shortened and any(p.suffix == ".hea" for p in paths):
        raise UploadError(
            f"The file name {shortened[0]} is longer than {MAX_NAME_BYTES} bytes. A WFDB header "
            "names its signal files, so rename the record's files (and the names in its .hea) "
            "to something shorter and upload them again."
        )


def upload_facts(main: Path, fs: float | None) -> dict:
    """The stored facts of an uploaded signal, read and validated whole."""
    signal = read_record(main, fs=fs)
    check_given_rate(main, signal.fs, fs)
    return signal_facts(signal)


def check_given_rate(main: Path, file_fs: float, given: float | None) -> None:
    """A WFDB or EDF file, or a CSV with a time column, carries its own sampling rate, which the
    reader uses; a different rate given with the upload is a mistake in one of them."""
    if given is None or math.isclose(file_fs, given, rel_tol=FS_TOLERANCE):
        return
    raise SignalError(
        f"{main.name} says its sampling rate is {file_fs:g} Hz, but you gave {given:g} Hz. "
        "Leave the sampling rate empty to use the file's rate, or correct the file."
    )


def table_facts(main: Path) -> dict:
    """A beat table has no sampling rate, leads or duration: just rows of one beat each."""
    table = read_ucr(main)
    check_table(table)
    return {
        "sampling_rate": None,
        "lead_names": [],
        "n_samples": table.n_beats * table.length,
        "duration_s": 0.0,
    }


def stage(
    uploads: list[UploadedFile], folder: Path, originals: dict[str, str] | None = None
) -> list[Path]:
    """Write the uploads (zips extracted) into ``folder``; enforce the size limit.

    ``originals`` is filled with each staged file name's name as uploaded.
    """
    originals = {} if originals is None else originals
    limit = settings.UPLOAD_MAX_BYTES
    if sum(upload.size for upload in uploads) > limit:
        raise UploadError(f"The upload is larger than the {limit // 2**20} MB limit.")
    paths: list[Path] = []
    for upload in uploads:
        original = Path(upload.name).name
        if upload.size == 0:
            raise UploadError(f"{original} is empty.")
        if original.lower().endswith(".zip"):
            paths += extract_zip(upload, folder, limit, originals)
            continue
        path = folder / staged_name(upload.name)
        originals.setdefault(path.name, original)
        with open(path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        paths.append(path)
    names = [p.name for p in paths]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UploadError(f"The same file name was uploaded twice: {', '.join(duplicates)}.")
    check_shortened(paths, originals)
    return match_header_names(paths, originals)


def match_header_names(paths: list[Path], originals: dict[str, str]) -> list[Path]:
    """Rename an uploaded 100.DAT to the 100.dat its header names (wfdb opens the exact name), as
    ``staged_name`` lowercases .HEA: only when a single uploaded file matches without case."""
    for header in [p for p in paths if p.suffix == ".hea"]:
        for name in signal_file_names(header):
            if any(p.name == name for p in paths):
                continue
            matches = [p for p in paths if p.name.lower() == name.lower()]
            if len(matches) != 1:
                continue
            old = matches[0]
            new = old.rename(old.with_name(name))
            originals[new.name] = originals.get(old.name, old.name)
            paths = [new if p == old else p for p in paths]
    return paths


def signal_file_names(header: Path) -> list[str]:
    """The signal files a single-segment WFDB header names (the first word of its signal lines)."""
    lines = [x.strip() for x in header.read_text(encoding="latin-1").splitlines()]
    lines = [x for x in lines if x and not x.startswith("#")]
    if not lines or "/" in lines[0].split()[0]:  # none, or a multi-segment master header
        return []
    names = {x.split()[0] for x in lines[1:]}
    return sorted(n for n in names if n != "~" and "/" not in n and "\\" not in n)


def extract_zip(
    upload: UploadedFile, folder: Path, limit: int, originals: dict[str, str]
) -> list[Path]:
    """Extract the zip's files (flattened, no folders, no path tricks) within the size limit."""
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UploadError(f"{upload.name} is not a valid zip archive.") from exc
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and not m.filename.startswith("__MACOSX/")
            and Path(m.filename).name not in IGNORED_NAMES
        ]
        if not members:
            raise UploadError(f"{upload.name} contains no files.")
        if len(members) > settings.DATA_UPLOAD_MAX_NUMBER_FILES:  # each one is stored
            raise UploadError(
                f"{upload.name} holds {len(members)} files; a recording has at most "
                f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES} (a WFDB record's header, signal and "
                "annotation files, or one CSV, EDF or .npy file)."
            )
        if sum(m.file_size for m in members) > limit:
            raise UploadError(f"{upload.name} unpacks to more than the {limit // 2**20} MB limit.")
        paths = []
        for member in members:
            path = folder / staged_name(member.filename)
            originals.setdefault(path.name, Path(member.filename).name)
            try:
                with archive.open(member) as src:
                    data = src.read(limit + 1)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise UploadError(f"{upload.name}: {member.filename} is corrupt.") from exc
            except (RuntimeError, NotImplementedError) as exc:  # encrypted, unknown compression
                raise UploadError(
                    f"{upload.name}: {member.filename} is encrypted or compressed in a way that "
                    "is not supported; zip it again without a password."
                ) from exc
            path.write_bytes(data)
            if path.stat().st_size == 0:
                raise UploadError(f"{member.filename} in {upload.name} is empty.")
            paths.append(path)
    return paths


def main_file(paths: list[Path]) -> Path:
    """The file a reader opens: the WFDB header, or the single data file."""
    headers = [p for p in paths if p.suffix.lower() == ".hea"]
    if len(headers) > 1:
        # A multi-segment record uploads a master header ("NAME/NSEG ...") with its segment headers.
        masters = [p for p in headers if "/" in first_header_line(p).split(" ")[0]]
        if len(masters) != 1:
            raise UploadError("Upload one WFDB record at a time (several .hea headers were given).")
        return masters[0]
    if headers:
        check_record_files(headers, paths)
        return headers[0]
    records = [p for p in paths if p.suffix.lower() in RECORD_SUFFIXES | {".tsv"}]
    companions = sorted(p for p in paths if p.suffix.lower() in WFDB_COMPANIONS)
    if not records and companions:
        # a .dat or .atr without its header: the reader says which header is missing
        return next((p for p in companions if p.suffix.lower() == ".dat"), companions[0])
    if not records:
        names = ", ".join(p.name for p in paths)
        raise UploadError(
            f"Unknown file type ({names}). Upload a WFDB record (.hea with its .dat, optional .atr), "
            "a CSV, an EDF or a .npy file, or a UCR beat table (.tsv)."
        )
    if len(paths) > 1:
        raise UploadError("Upload one recording at a time: several data files were given.")
    return records[0]


def check_record_files(headers: list[Path], paths: list[Path]) -> None:
    """Refuse files that are not part of the WFDB record: a file belongs if it is a header, a
    signal file a header names, or shares a header's record name (100.atr, 100.qrs)."""
    named = {name for header in headers for name in signal_file_names(header)}
    records = {header.stem for header in headers}
    strays = [
        p.name
        for p in paths
        if p.suffix != ".hea" and p.name not in named and p.name.rsplit(".", 1)[0] not in records
    ]
    if strays:
        record = " ".join(sorted(records))
        raise UploadError(
            f"{', '.join(sorted(strays))} {'is' if len(strays) == 1 else 'are'} not part of the "
            f"WFDB record {record} (its header names {', '.join(sorted(named)) or 'no files'}); "
            "upload other files on their own."
        )


def first_header_line(path: Path) -> str:
    with open(path, encoding="latin-1") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                return line.strip()
    return ""


def plain_name(name: str) -> str:
    """The recording's name on one line: line breaks, tabs and other control or format characters
    become single spaces (a name goes into page titles, file names and email subjects), at most
    200 characters."""
    printable = "".join(" " if unicodedata.category(c).startswith("C") else c for c in name)
    return " ".join(printable.split())[:200]


def store(owner, name: str, fmt: str, main: Path, paths: list[Path], facts: dict) -> Recording:
    with transaction.atomic():
        recording = Recording.objects.create(
            owner=owner, name=name[:200], format=fmt, main_file=main.name, **facts
        )
        for path in paths:
            with open(path, "rb") as fh:
                sha256 = RecordingFile.digest(fh)
                fh.seek(0)
                recording.files.create(
                    name=path.name, size=path.stat().st_size, sha256=sha256, file=File(fh)
                )
    return recording
