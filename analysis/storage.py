"""Result files of analyses in the default storage, and the model versions that made them."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage


def model_version(folder: Path) -> str:
    """Artefact folder name plus a short hash of its weights and threshold (what decides its
    output), e.g. ``cnn-mitdb@3f2a9c1b04de``."""
    digest = hashlib.sha256()
    for path in sorted([*folder.glob("*.pt"), *folder.glob("threshold.json")]):
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
