"""NumPy .npy reading: orientation, fs requirement, bad arrays."""

import numpy as np
import pytest

from mlcore.errors import (
    CorruptRecordError,
    InvalidSignalError,
    MissingSamplingRateError,
    UnsupportedFormatError,
)
from mlcore.readers import describe, read_record


def _x(n=1000, n_leads=3):
    return np.sin(np.arange(n) / 30 + np.arange(n_leads)[:, None])


@pytest.mark.parametrize("transpose", [False, True])
def test_npy_in_either_orientation(tmp_path, transpose):
    x = _x()
    path = tmp_path / "a.npy"
    np.save(path, (x.T if transpose else x).astype(np.float64))
    sig = read_record(path, fs=250)
    assert sig.samples.dtype == np.float32
    np.testing.assert_allclose(sig.samples, x, rtol=1e-6, atol=1e-6)
    assert describe(path, fs=250).n_leads == 3


def test_npy_one_lead_and_integers(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, (_x(n_leads=1)[0] * 1000).astype(np.int16))
    sig = read_record(path, fs=250)
    assert sig.samples.shape == (1, 1000)
    assert sig.samples.max() > 900


def test_npy_needs_fs(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, _x())
    with pytest.raises(MissingSamplingRateError, match="give the sampling rate"):
        read_record(path)


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.zeros((2, 3, 400)), "shape"),
        (np.array(["a", "b"] * 600), "integers or floats"),
        (np.ones((100, 100)), "too many"),
    ],
)
def test_bad_arrays(tmp_path, array, message):
    path = tmp_path / "a.npy"
    np.save(path, array)
    with pytest.raises(InvalidSignalError, match=message):
        read_record(path, fs=250)


def test_pickled_and_truncated_npy(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(CorruptRecordError):
        read_record(path, fs=250)
    np.save(path, _x())
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(CorruptRecordError):
        read_record(path, fs=250)
    path.write_bytes(b"\x1f\x8b" + bytes(100))
    with pytest.raises(UnsupportedFormatError, match="gzip"):
        read_record(path, fs=250)
