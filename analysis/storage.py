"""Result files of analyses in the default storage, and the model versions that made them."""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

import numpy as np
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage

import mlcore

# The files of an artefact folder that decide its output (not its card, metrics or plots).
ARTEFACT_FILES = ("*.pt", "threshold.json", "normalisation.json", "config.json")
# The parts of mlcore that an analysis never runs: commands for training and evaluation.
NOT_RUN = ("benchmark", "evaluate", "train")


def model_version(folder: Path) -> str:
    """Artefact folder name plus a short hash of the files that decide its output (weights,
    threshold, normalisation, config), e.g. ``cnn-mitdb@3f2a9c1b04de``."""
    return folder_version(folder, [p for pattern in ARTEFACT_FILES for p in folder.glob(pattern)])


@cache
def code_version(package: Path = Path(mlcore.__file__).parent) -> str:
    """``mlcore@`` plus a short hash of the mlcore source an analysis runs: a change to the
    detector or to a rule (rhythm, findings) changes the results with the same weights."""
    run = [p for p in package.rglob("*.py") if p.relative_to(package).parts[0] not in NOT_RUN]
    return folder_version(package, run)


def folder_version(folder: Path, files: list[Path]) -> str:
    """``folder.name@`` plus the first 12 hex digits of a SHA-256 over the files' paths (relative
    to ``folder``) and contents, in path order."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return f"{folder.name}@{digest.hexdigest()[:12]}"


def save_arrays(name: str, **arrays: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return save_file(name, ContentFile(buffer.getvalue()))


def save_file(name: str, content: File) -> str:
    """Save under exactly ``name`` when it is free (a crashed attempt may have left a file there)."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, content)
