"""Property-based tests: every format round-trips, and no bad bytes escape as a non-SignalError."""

import tempfile
from pathlib import Path

import numpy as np
import pyedflib
import wfdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcore.errors import SignalError
from mlcore.readers import iter_chunks, read_record, read_ucr, validate
from mlcore.signal import ECGSignal

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BITS = {"80": 8, "212": 12, "16": 16, "508": 8, "516": 16}


@st.composite
def recordings(draw, max_leads=3):
    """(fs, samples (leads, n)): a random walk plus a sine, so no lead is flat."""
    fs = draw(st.sampled_from([100.0, 128.0, 250.0, 360.0, 500.0]))
    n_leads = draw(st.integers(1, max_leads))
    n = draw(st.integers(int(2 * fs), int(2 * fs) + 400))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.sampled_from([0.01, 1.0, 5.0]))
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(size=(n_leads, n)), axis=1) / np.sqrt(n)
    x = scale * (walk + np.sin(np.arange(n) / 7 + np.arange(n_leads)[:, None]))
    return fs, x


def _tmp():
    return tempfile.TemporaryDirectory()


@SETTINGS
@given(rec=recordings(), fmt=st.sampled_from(sorted(BITS)))
def test_wfdb_round_trip(rec, fmt):
    fs, x = rec
    gain = (2 ** (BITS[fmt] - 1) - 2) / np.abs(x).max()
    with _tmp() as d:
        wfdb.wrsamp(
            "r",
            fs=fs,
            units=["mV"] * len(x),
            sig_name=[f"L{i}" for i in range(len(x))],
            p_signal=x.T,
            fmt=[fmt] * len(x),
            adc_gain=[gain] * len(x),
            baseline=[0] * len(x),
            write_dir=d,
        )
        sig = read_record(Path(d) / "r.hea")
    assert sig.fs == fs
    np.testing.assert_allclose(sig.samples, x, atol=0.5 / gain + 1e-6 * np.abs(x).max())


@SETTINGS
@given(
    rec=recordings(),
    header=st.booleans(),
    time_col=st.sampled_from([None, "time", "ms"]),
    delimiter=st.sampled_from([",", ";", "\t", " "]),
)
def test_csv_round_trip(rec, header, time_col, delimiter):
    fs, x = rec
    columns = list(x)
    names = [f"L{i}" for i in range(len(x))]
    if time_col:
        scale = 1000.0 if time_col == "ms" else 1.0
        columns.insert(0, np.arange(x.shape[1]) / fs * scale)
        names.insert(0, time_col)
    with _tmp() as d:
        path = Path(d) / "a.csv"
        text = delimiter.join(names) + "\n" if header or time_col == "ms" else ""
        rows = np.column_stack(columns)
        text += "\n".join(delimiter.join(f"{v:.9g}" for v in row) for row in rows) + "\n"
        path.write_text(text)
        sig = read_record(path, fs=None if time_col else fs)
    assert sig.fs == fs
    assert sig.n_leads == len(x)
    np.testing.assert_allclose(sig.samples, x, rtol=1e-6, atol=1e-6 * np.abs(x).max())


@SETTINGS
@given(rec=recordings(), plus=st.booleans())
def test_edf_round_trip(rec, plus):
    fs, x = rec
    n = int(x.shape[1] // fs * fs)  # whole data records of 1 s
    x = x[:, :n]
    hi = np.ceil(np.abs(x).max() * 1100) / 1000  # EDF headers keep 8 characters of a limit
    lo = -hi
    headers = [
        pyedflib.highlevel.make_signal_header(
            f"ECG {i}", dimension="mV", sample_frequency=fs, physical_min=lo, physical_max=hi
        )
        for i in range(len(x))
    ]
    with _tmp() as d:
        path = Path(d) / "a.edf"
        file_type = pyedflib.FILETYPE_EDFPLUS if plus else pyedflib.FILETYPE_EDF
        pyedflib.highlevel.write_edf(str(path), x, headers, file_type=file_type)
        sig = read_record(path)
    assert sig.fs == fs
    np.testing.assert_allclose(sig.samples, x, atol=(hi - lo) / 65535 * 1.01)


@SETTINGS
@given(rec=recordings(), transpose=st.booleans())
def test_npy_round_trip_and_chunks(rec, transpose):
    fs, x = rec
    with _tmp() as d:
        path = Path(d) / "a.npy"
        np.save(path, x.T if transpose else x)
        sig = read_record(path, fs=fs)
        chunks = list(iter_chunks(path, chunk_s=0.7, overlap_s=0.2, fs=fs))
    np.testing.assert_allclose(sig.samples, x, rtol=1e-6, atol=1e-6 * np.abs(x).max())
    for c in chunks:
        span = sig.samples[:, c.start : c.start + c.signal.n_samples]
        np.testing.assert_array_equal(c.signal.samples, span)


@SETTINGS
@given(
    n=st.integers(1, 20),
    length=st.integers(9, 60),
    seed=st.integers(0, 2**32 - 1),
    delimiter=st.sampled_from(["\t", ",", " "]),
)
def test_ucr_round_trip(n, length, seed, delimiter):
    rng = np.random.default_rng(seed)
    beats = rng.normal(size=(n, length)).astype(np.float32)
    labels = rng.integers(-1, 6, size=n)
    with _tmp() as d:
        path = Path(d) / "a.tsv"
        np.savetxt(path, np.column_stack([labels, beats]), delimiter=delimiter, fmt="%.9g")
        table = read_ucr(path)
    assert table.labels.tolist() == labels.tolist()
    np.testing.assert_array_equal(table.beats, beats)


SUFFIXES = [".hea", ".csv", ".txt", ".edf", ".bdf", ".npy", ".dat", ".tsv", ""]
PREFIXES = [b"", b"0       ", b"\x93NUMPY\x01\x00v\x00", b"\xffBIOSEMI", b"r 2 360 1000\n"]


@settings(max_examples=150, deadline=None)
@given(
    data=st.binary(max_size=3000),
    prefix=st.sampled_from(PREFIXES),
    suffix=st.sampled_from(SUFFIXES),
)
def test_arbitrary_bytes_raise_only_signal_error(data, prefix, suffix):
    with _tmp() as d:
        path = Path(d) / f"x{suffix}"
        path.write_bytes(prefix + data)
        _read_or_signal_error(path)


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(alphabet="0123456789.,;-+eE \t\nnaNinf#x\"'", max_size=4000),
    suffix=st.sampled_from([".csv", ".txt", ".tsv"]),
)
def test_arbitrary_text_raises_only_signal_error(text, suffix):
    with _tmp() as d:
        path = Path(d) / f"x{suffix}"
        path.write_text(text)
        _read_or_signal_error(path)


@SETTINGS
@given(
    which=st.sampled_from(["hea", "dat", "atr"]),
    cut=st.floats(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=5),
)
def test_damaged_mitdb_files_raise_only_signal_error(mitdb, which, cut, flips):
    with _tmp() as d:
        for ext in ("hea", "dat", "atr"):
            data = (mitdb / f"100.{ext}").read_bytes()
            if ext == "dat":
                data = data[:36000]  # 100 s, keeps the example fast
            if ext == "hea":
                data = data.replace(b"650000", b"12000")
            if ext == which:
                data = bytearray(data[: int(len(data) * cut)] if cut < 1 else data)
                for pos, value in flips:
                    if data:
                        data[int(pos * (len(data) - 1))] = value
            (Path(d) / f"100.{ext}").write_bytes(bytes(data))
        _read_or_signal_error(Path(d) / "100.hea")


@SETTINGS
@given(rec=recordings(), bad=st.sampled_from([np.nan, np.inf, "flat"]), where=st.floats(0, 1))
def test_validate_rejects_nan_inf_and_flat_leads(rec, bad, where):
    fs, x = rec
    lead = int(where * (len(x) - 1))
    if bad == "flat":
        x[lead] = 1.5
    else:
        x[lead, int(where * (x.shape[1] - 1))] = bad
    sig = ECGSignal(
        x.astype(np.float32), fs, tuple(f"L{i}" for i in range(len(x))), ("mV",) * len(x)
    )
    try:
        validate(sig)
    except SignalError as exc:
        assert f"L{lead}" in str(exc)
    else:
        raise AssertionError("validate accepted a bad signal")


def _read_or_signal_error(path: Path) -> None:
    """Reading either succeeds with a valid signal or raises SignalError; nothing else."""
    try:
        sig = read_record(path, fs=250.0)
    except SignalError as exc:
        assert str(exc)
    else:
        assert validate(sig) is sig
    try:
        table = read_ucr(path)
    except SignalError as exc:
        assert str(exc)
    else:
        assert table.beats.shape[0] == table.labels.shape[0]


def _valid_file(fmt: str, d: Path) -> Path:
    """A small valid recording of each format (10 s, 2 leads, 250 Hz)."""
    x = np.sin(np.arange(2500) / 20 + np.arange(2)[:, None])
    if fmt == "csv":
        path = d / "a.csv"
        t = np.arange(2500) / 250
        np.savetxt(path, np.column_stack([t, *x]), delimiter=",", fmt="%.5f", header="time,I,II")
    elif fmt == "edf":
        path = d / "a.edf"
        headers = [
            pyedflib.highlevel.make_signal_header(f"ECG {i}", sample_frequency=250) for i in (1, 2)
        ]
        pyedflib.highlevel.write_edf(str(path), x, headers)
    elif fmt == "npy":
        path = d / "a.npy"
        np.save(path, x)
    else:
        path = d / "a.hea"
        wfdb.wrsamp(
            "a",
            fs=250,
            units=["mV"] * 2,
            sig_name=["I", "II"],
            p_signal=x.T,
            fmt=[fmt] * 2,
            write_dir=str(d),
        )
        path = d / "a.dat"  # damage the data; the header is covered by the MIT-BIH test
    return path


@settings(max_examples=60, deadline=None)
@given(
    fmt=st.sampled_from(["csv", "edf", "npy", "212", "516"]),
    cut=st.floats(0, 1),
    edits=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=3)), max_size=4),
)
def test_damaged_files_raise_only_signal_error(fmt, cut, edits):
    with _tmp() as d:
        path = _valid_file(fmt, Path(d))
        data = bytearray(path.read_bytes())
        data = data[: max(1, int(len(data) * cut))] if cut < 0.9 else data
        for pos, new in edits:
            i = int(pos * (len(data) - 1))
            data[i : i + len(new)] = new
        path.write_bytes(bytes(data))
        _read_or_signal_error(path.with_suffix(".hea") if fmt in ("212", "516") else path)
