"""Where the shared datasets and committed model artefacts live."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The committed artefacts; BEATLINE_MODELS_DIR points a deployment at other trained models.
MODELS_DIR = Path(os.environ.get("BEATLINE_MODELS_DIR", REPO_ROOT / "models"))
# The folders under MODELS_DIR the platform runs (``mlcore.infer.load_default_models``, ...).
DEFAULT_CLASSIFIER = "cnn-mitdb"
DEFAULT_AUTOENCODER = "ae-mitdb"
TABLE_CLASSIFIER = "cnn-ecg5000"  # beat tables (UCR/ECG5000 rows, mlcore.tables)
TABLE_AUTOENCODER = "ae-ecg5000"


def data_dir() -> Path:
    """The shared public datasets: ``$BEATLINE_DATA_DIR``, default ``../shared/data`` beside the repo."""
    return Path(os.environ.get("BEATLINE_DATA_DIR", REPO_ROOT.parent / "shared" / "data")).resolve()


def mitdb_dir() -> Path:
    return data_dir() / "mitdb"


def ecg5000_dir() -> Path:
    return data_dir() / "ecg5000"
