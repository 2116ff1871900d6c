"""WFDB reading: MIT-BIH record 100, every wfdb format, multi-segment, broken records."""

import shutil

import numpy as np
import pytest
import wfdb

from mlcore.errors import CorruptRecordError, SignalError
from mlcore.readers import describe, detect_format, read_record

BITS = {"80": 8, "212": 12, "16": 16, "508": 8, "516": 16}


def _write(tmp_path, name, x, fmt, fs=250.0):
    """Write x (n, leads) with the largest gain the format allows; return (hea path, step)."""
    gain = (2 ** (BITS[fmt] - 1) - 2) / np.abs(x).max()
    n_leads = x.shape[1]
    wfdb.wrsamp(
        name,
        fs=fs,
        units=["mV"] * n_leads,
        sig_name=[f"L{i}" for i in range(n_leads)],
        p_signal=x,
        fmt=[fmt] * n_leads,
        adc_gain=[gain] * n_leads,
        baseline=[0] * n_leads,
        write_dir=str(tmp_path),
    )
    return tmp_path / f"{name}.hea", 1 / gain


def _ecg_like(n, n_leads=2, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 250
    return np.stack(
        [np.sin(2 * np.pi * 1.2 * t + i) + 0.1 * rng.normal(size=n) for i in range(n_leads)], 1
    )


def test_mitdb_100_reads_with_header_metadata_and_annotations(mitdb):
    sig = read_record(mitdb / "100.hea")
    assert sig.lead_names == ("MLII", "V5")
    assert sig.fs == 360
    assert sig.samples.shape == (2, 650000)
    assert sig.samples.dtype == np.float32
    assert sig.units == ("mV", "mV")
    assert len(sig.annotations.samples) == 2274
    assert np.sum(sig.annotations.symbols != "+") == 2273
    ref = wfdb.rdrecord(str(mitdb / "100"), sampfrom=1000, sampto=1500)
    np.testing.assert_allclose(sig.samples[:, 1000:1500], ref.p_signal.T, atol=1e-6)
    assert np.all(np.diff(sig.annotations.samples) >= 0)


def test_describe_mitdb_100_from_header(mitdb):
    info = describe(mitdb / "100.hea")
    assert (info.format, info.fs, info.n_samples, info.n_leads) == ("wfdb", 360, 650000, 2)
    assert info.lead_names == ("MLII", "V5")
    assert info.has_annotations
    assert info.duration_s == pytest.approx(650000 / 360)


@pytest.mark.parametrize("fmt", sorted(BITS))
def test_each_format_round_trips_within_quantisation(tmp_path, fmt):
    x = _ecg_like(1000, 3)
    hea, step = _write(tmp_path, f"r{fmt}", x, fmt)
    sig = read_record(hea)
    assert sig.fs == 250
    assert sig.lead_names == ("L0", "L1", "L2")
    np.testing.assert_allclose(sig.samples, x.T, atol=step * 0.5 + 1e-6)


def test_dat_path_is_accepted_for_its_record(tmp_path):
    hea, _ = _write(tmp_path, "r", _ecg_like(1000), "16")
    assert detect_format(hea.with_suffix(".dat")) == "wfdb"
    assert read_record(hea.with_suffix(".dat")).n_samples == 1000


def test_multi_segment_record_concatenates_segments(tmp_path):
    x = _ecg_like(1000)
    _write(tmp_path, "ms_0", x[:600], "16")
    gain = 200.0
    wfdb.wrsamp(
        "ms_1",
        fs=250,
        units=["mV", "mV"],
        sig_name=["L0", "L1"],
        p_signal=x[600:],
        fmt=["212", "212"],
        adc_gain=[gain, gain],
        baseline=[0, 0],
        write_dir=str(tmp_path),
    )
    master = wfdb.MultiRecord(
        record_name="ms",
        n_sig=2,
        fs=250,
        sig_len=1000,
        seg_name=["ms_0", "ms_1"],
        seg_len=[600, 400],
    )
    master.n_seg = 2  # wrheader needs it and the constructor does not take it
    master.wrheader(write_dir=str(tmp_path))
    sig = read_record(tmp_path / "ms.hea")
    assert sig.n_samples == 1000
    assert sig.lead_names == ("L0", "L1")
    np.testing.assert_allclose(sig.samples, x.T, atol=0.5 / gain + 1e-6)
    (tmp_path / "ms_1.dat").unlink()
    with pytest.raises(CorruptRecordError, match="ms_1.dat, which is missing"):
        read_record(tmp_path / "ms.hea")


def test_truncated_dat_is_reported_with_both_lengths(tmp_path, mitdb):
    for ext in ("hea", "dat"):
        shutil.copy(mitdb / f"100.{ext}", tmp_path / f"100.{ext}")
    data = (tmp_path / "100.dat").read_bytes()
    (tmp_path / "100.dat").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptRecordError, match=r"100.dat is truncated.*650000.*325000"):
        read_record(tmp_path / "100.hea")


def test_missing_dat_names_the_file(tmp_path, mitdb):
    shutil.copy(mitdb / "100.hea", tmp_path / "100.hea")
    with pytest.raises(CorruptRecordError, match="100.dat, which is missing"):
        read_record(tmp_path / "100.hea")
    with pytest.raises(CorruptRecordError, match="missing"):
        describe(tmp_path / "100.hea")


def test_annotations_of_another_record_are_rejected(tmp_path, mitdb):
    hea, _ = _write(tmp_path, "100", _ecg_like(1000), "16")
    shutil.copy(mitdb / "100.atr", tmp_path / "100.atr")
    with pytest.raises(CorruptRecordError, match="100.atr.*beyond the end"):
        read_record(hea)


def test_header_pointing_outside_its_folder_is_rejected(tmp_path):
    hea, _ = _write(tmp_path, "r", _ecg_like(1000), "16")
    hea.write_text(hea.read_text().replace("r.dat", "../../etc/passwd"))
    with pytest.raises(CorruptRecordError, match="not a valid WFDB header|plain file names"):
        read_record(hea)


@pytest.mark.parametrize(
    "text",
    ["", "r 2 250 1000\n", "garbage \x01\x02 line\n", "r 1 0 1000\nr.dat 16 200/mV 16 0 0 0 0 I\n"],
)
def test_garbage_headers_raise_signal_error(tmp_path, text):
    hea, _ = _write(tmp_path, "r", _ecg_like(1000, 1), "16")
    hea.write_text(text)
    with pytest.raises(SignalError):
        read_record(hea)


def test_corrupt_flac_data_raises_signal_error(tmp_path):
    hea, _ = _write(tmp_path, "r", _ecg_like(1000), "516")
    dat = hea.with_suffix(".dat")
    dat.write_bytes(dat.read_bytes()[:200])
    with pytest.raises(SignalError):
        read_record(hea)


def _with_first_line(tmp_path, line: str):
    """A two-lead record of 1000 samples whose header's first line is ``line``."""
    hea, _ = _write(tmp_path, "r", _ecg_like(1000), "16")
    lines = hea.read_text().splitlines()
    lines[0] = line
    hea.write_text("\n".join(lines) + "\n")
    return hea


def test_header_without_length_is_reported(tmp_path):
    hea = _with_first_line(tmp_path, "r 2 250")
    with pytest.raises(CorruptRecordError, match="does not declare the number of samples.*1000"):
        read_record(hea)


def test_header_without_signals_says_so(tmp_path):
    hea, _ = _write(tmp_path, "r", _ecg_like(1000), "16")
    hea.write_text("r 0 250 1000\n")
    with pytest.raises(CorruptRecordError, match="r.hea declares no signals"):
        read_record(hea)


def test_unknown_storage_format_is_named(tmp_path):
    hea, _ = _write(tmp_path, "r", _ecg_like(1000), "16")
    lines = hea.read_text().splitlines()
    lines[1:] = [line.replace(" 16 ", " 999 ", 1) for line in lines[1:]]
    hea.write_text("\n".join(lines) + "\n")
    with pytest.raises(CorruptRecordError, match=r"storage format '999', which is not a WFDB"):
        read_record(hea)


def test_impossible_start_time_is_named(tmp_path):
    hea = _with_first_line(tmp_path, "r 2 250 1000 25:00:00")
    with pytest.raises(CorruptRecordError, match="start time or date on the first line"):
        read_record(hea)
