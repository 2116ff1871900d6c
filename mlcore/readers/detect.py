"""Tell the format of a file from its suffix and a peek at its first bytes."""

from __future__ import annotations

from pathlib import Path

from mlcore.errors import SignalError, UnsupportedFormatError
from mlcore.readers.ucr_io import looks_like_ucr

PEEK_BYTES = 1 << 16

_TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
_EDF_SUFFIXES = {".edf", ".bdf", ".rec"}
_WFDB_COMPANIONS = {".dat", ".atr"}

# what an unsupported file probably is, to tell the user
_MAGIC = [
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"fLaC", "a FLAC stream (upload it with its WFDB .hea header)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x89HDF", "an HDF5 file"),
]

SUPPORTED = (
    "WFDB (.hea with its .dat), EDF/BDF (.edf, .bdf), CSV/text (.csv, .txt), "
    "NumPy (.npy), UCR beat tables (.tsv)"
)


def detect_format(path: str | Path) -> str:
    """Return one of ``FORMATS`` for ``path``, or raise a SignalError saying why not."""
    path = Path(path)
    if not path.exists():
        raise SignalError(f"{path.name} does not exist.")
    if not path.is_file():
        raise SignalError(f"{path.name} is not a file.")
    head = _peek(path)
    if not head:
        raise UnsupportedFormatError(f"{path.name} is empty.")
    suffix = path.suffix.lower()
    if suffix == ".hea":
        if b"\x00" in head:
            raise UnsupportedFormatError(f"{path.name} is not a WFDB header (it is binary).")
        return "wfdb"
    if suffix in _WFDB_COMPANIONS and path.with_suffix(".hea").is_file():
        return "wfdb"
    if suffix in _EDF_SUFFIXES:
        if not _is_edf(head):
            raise UnsupportedFormatError(f"{path.name} is not an EDF/BDF file{_looks_like(head)}.")
        return "edf"
    if suffix == ".npy":
        if not head.startswith(b"\x93NUMPY"):
            raise UnsupportedFormatError(
                f"{path.name} is not a NumPy .npy file{_looks_like(head)}."
            )
        return "npy"
    if _is_edf(head):
        return "edf"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if suffix in _TEXT_SUFFIXES or (suffix in ("", ".dat") and _is_text(head)):
        if not _is_text(head):
            raise UnsupportedFormatError(f"{path.name} is not a text file{_looks_like(head)}.")
        lines = head.decode("utf-8-sig", errors="replace").splitlines()
        if len(head) == PEEK_BYTES:
            lines = lines[:-1]  # the last line may be cut
        return "ucr" if looks_like_ucr(lines[:20], tsv=suffix == ".tsv") else "csv"
    if suffix in _WFDB_COMPANIONS:
        raise UnsupportedFormatError(
            f"{path.name} is part of a WFDB record but its header "
            f"{path.with_suffix('.hea').name} is missing; upload the .hea file with it."
        )
    raise UnsupportedFormatError(
        f"{path.name} is of an unknown type{_looks_like(head)}; supported are {SUPPORTED}."
    )


def _peek(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(PEEK_BYTES)
    except OSError as exc:
        raise SignalError(f"{path.name} cannot be opened: {exc.strerror}") from exc


def _is_edf(head: bytes) -> bool:
    return head.startswith(b"0       ") or head.startswith(b"\xffBIOSEMI")


# control bytes that text never has (a file of binary samples almost always does)
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"


def _is_text(head: bytes) -> bool:
    """UTF-8 text, or text in a single-byte encoding (Latin-1, Windows-1252: the CSV reader's
    fallback), such as ``ECG \xb5V``: no control bytes besides tab, newlines and form feed."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a multi-byte character cut by the peek
            return True
        return len(head.translate(None, _BINARY_BYTES)) == len(head)
    return True


def _looks_like(head: bytes) -> str:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f" (it looks like {what})"
    return ""
