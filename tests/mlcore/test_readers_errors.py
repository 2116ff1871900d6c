"""Bad input of any kind raises a SignalError whose message names the problem."""

import numpy as np
import pytest

from mlcore.errors import InvalidSignalError, SignalError, UnsupportedFormatError
from mlcore.readers import describe, detect_format, read_record, validate
from mlcore.signal import Annotations, ECGSignal


def _signal(samples, fs=250.0, **kwargs):
    samples = np.asarray(samples, dtype=np.float32)
    n = samples.shape[0] if samples.ndim == 2 else 1
    names = kwargs.pop("lead_names", tuple(f"L{i}" for i in range(n)))
    return ECGSignal(samples, fs, names, ("mV",) * len(names), **kwargs)


def _good(n=1000, n_leads=2):
    return np.sin(np.arange(n) / 20 + np.arange(n_leads)[:, None])


def test_valid_signal_passes_and_becomes_float32():
    sig = validate(_signal(_good()))
    assert sig.samples.dtype == np.float32
    assert sig.samples.shape == (2, 1000)


def test_nan_names_lead_and_time():
    x = _good()
    x[1, 500] = np.nan
    with pytest.raises(InvalidSignalError, match=r"Lead L1 has 1 missing \(NaN\).*2.000 s"):
        validate(_signal(x))


def test_infinite_sample():
    x = _good()
    x[0, 10] = np.inf
    with pytest.raises(InvalidSignalError, match="Lead L0 has 1 infinite"):
        validate(_signal(x))


def test_sample_out_of_range_names_lead_value_and_time():
    x = _good() * 2e9  # 32-bit ADC counts: read
    validate(_signal(x))
    x[1, 750] = -1e36
    with pytest.raises(
        InvalidSignalError,
        match=r"Lead L1 has samples out of range \(up to 1e\+36 mV\), the first at 3.000 s",
    ):
        validate(_signal(x))


def test_constant_lead():
    x = _good()
    x[0] = 3.0
    with pytest.raises(InvalidSignalError, match="Lead L0 is flat.*every sample is 3 mV"):
        validate(_signal(x))


@pytest.mark.parametrize(
    ("fs", "message"),
    [
        (0, "positive"),
        (-360, "positive"),
        (float("nan"), "positive"),
        (1e9, "outside"),
        (5, "outside"),
        ("fast", "not a number"),
    ],
)
def test_absurd_sampling_rates(fs, message):
    with pytest.raises(InvalidSignalError, match=message):
        validate(_signal(_good(), fs=fs))


def test_shorter_than_one_beat():
    with pytest.raises(InvalidSignalError, match=r"0.40 s long.*at least 2 s"):
        validate(_signal(_good(100)))


def test_leads_and_names_of_different_counts():
    with pytest.raises(InvalidSignalError, match="2 leads but 3 lead names"):
        validate(_signal(_good(), lead_names=("a", "b", "c")))


def test_one_dimensional_samples():
    with pytest.raises(InvalidSignalError, match="2-D"):
        validate(_signal(_good()[0]))


def test_annotations_outside_the_record():
    ann = Annotations(np.array([10, 5000]), np.array(["N", "N"]))
    with pytest.raises(InvalidSignalError, match="outside the recording"):
        validate(_signal(_good(), annotations=ann))


def test_empty_file_of_every_suffix(tmp_path):
    for suffix in (".hea", ".csv", ".edf", ".npy", ".txt", ".xyz"):
        path = tmp_path / f"a{suffix}"
        path.write_bytes(b"")
        with pytest.raises(UnsupportedFormatError, match="is empty"):
            read_record(path, fs=250)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.xyz", b"\x01\x02\x03" * 50, "unknown type"),
        ("a.zip", b"PK\x03\x04" + bytes(100), "unknown type.*ZIP"),
        ("a.pdf", b"%PDF-1.4 ...", "PDF"),
        ("a.edf", b"%PDF-1.4 ...", "not an EDF/BDF file.*PDF"),
        ("a.dat", bytes(range(256)), "header a.hea is missing"),
        ("a.hea", b"\x00\x01garbage", "not a WFDB header"),
    ],
)
def test_unknown_and_mislabelled_files(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnsupportedFormatError, match=message):
        detect_format(path)
    with pytest.raises(SignalError, match=message):
        describe(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SignalError, match="does not exist"):
        read_record(tmp_path / "nope.csv")
    with pytest.raises(SignalError, match="not a file"):
        read_record(tmp_path)


def test_random_bytes_never_escape_as_other_exceptions(tmp_path):
    rng = np.random.default_rng(0)
    for suffix in (".hea", ".csv", ".edf", ".npy", ".txt", ".dat", ".bdf"):
        for i, size in enumerate((1, 7, 300, 5000)):
            path = tmp_path / f"r{i}{suffix}"
            data = rng.integers(0, 256, size=size, dtype=np.uint8).tobytes()
            if suffix == ".edf":
                data = b"0       " + data
            elif suffix == ".npy":
                data = b"\x93NUMPY" + data
            path.write_bytes(data)
            with pytest.raises(SignalError):
                read_record(path, fs=250)
