"""Fixtures shared by every test folder."""

from pathlib import Path

import pytest

from mlcore.paths import ecg5000_dir, mitdb_dir


@pytest.fixture(scope="session")
def mitdb() -> Path:
    """The MIT-BIH Arrhythmia Database folder; the suite needs it (see README)."""
    path = mitdb_dir()
    assert (path / "100.hea").exists(), f"MIT-BIH data not found at {path}; set BEATLINE_DATA_DIR"
    return path


@pytest.fixture(scope="session")
def ecg5000() -> Path:
    path = ecg5000_dir()
    assert (path / "ECG5000_TRAIN.tsv").exists(), (
        f"ECG5000 not found at {path}; set BEATLINE_DATA_DIR"
    )
    return path
