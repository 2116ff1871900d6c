"""Leads recorded in V, µV or nV are read in mV (the analysis assumes mV), in every format and
every way of reading (whole, chunks, spans); channels in other units are not ECG."""

import numpy as np
import pyedflib
import pytest
import wfdb

from mlcore.errors import InvalidSignalError
from mlcore.readers import describe, iter_chunks, read_record, read_span
from tests.mlcore.helpers import synthetic_ecg

FS = 360.0


def csv_text(header: str, columns: list[np.ndarray], units_row: str | None = None) -> str:
    lines = [header] + ([units_row] if units_row else [])
    lines += [",".join(f"{v:.9g}" for v in row) for row in np.column_stack(columns)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("unit", "per_mv"),
    [("uV", 1e3), ("µV", 1e3), ("μV", 1e3), ("V", 1e-3), ("nV", 1e6), ("mV", 1.0), ("MV", 1.0)],
)
def test_csv_units_row_is_applied(tmp_path, unit, per_mv):
    x = synthetic_ecg()
    t = np.arange(x.size) / FS
    path = tmp_path / "a.csv"
    path.write_text(csv_text("time,MLII", [t, x * per_mv], units_row=f"s,{unit}"))
    sig = read_record(path)
    assert sig.units == ("mV",)
    assert describe(path).units == ("mV",)
    np.testing.assert_allclose(sig.samples[0], x, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["ECG (µV)", "ECG (μV)", "ECG [uV]", "ECG_uV", "ECG uV", "ECG-µV"])
def test_csv_unit_in_the_column_name_is_applied(tmp_path, name):
    x = synthetic_ecg()
    path = tmp_path / "a.csv"
    path.write_text(csv_text(name, [x * 1000]), encoding="utf-8")
    sig = read_record(path, fs=FS)
    assert sig.lead_names == ("ECG",)
    np.testing.assert_allclose(sig.samples[0], x, atol=1e-5)


@pytest.mark.parametrize(("name", "lead"), [("II_mV", "II"), ("lead_V", "lead_V"), ("V5", "V5")])
def test_a_name_ending_in_a_lead_is_not_read_as_a_unit(tmp_path, name, lead):
    x = synthetic_ecg()
    path = tmp_path / "a.csv"
    path.write_text(csv_text(name, [x]))
    sig = read_record(path, fs=FS)
    assert sig.lead_names == (lead,)
    np.testing.assert_allclose(sig.samples[0], x, atol=1e-5)


def test_latin1_micro_sign_is_applied(tmp_path):
    x = synthetic_ecg()
    path = tmp_path / "a.csv"
    path.write_bytes(csv_text("I,II (µV)", [x, x * 1000]).encode("latin-1"))
    sig = read_record(path, fs=FS)
    np.testing.assert_allclose(sig.samples, [x, x], atol=1e-5)


def test_wfdb_microvolts_are_read_in_mv_whole_in_chunks_and_spans(tmp_path):
    x = synthetic_ecg()
    wfdb.wrsamp(
        "r",
        fs=FS,
        units=["uV", "mV"],
        sig_name=["MLII", "V5"],
        p_signal=np.column_stack([x * 1000, x]),
        fmt=["16", "16"],
        adc_gain=[10.0, 10000.0],
        baseline=[0, 0],
        write_dir=str(tmp_path),
    )
    hea = tmp_path / "r.hea"
    sig = read_record(hea)
    assert sig.units == ("mV", "mV")
    np.testing.assert_allclose(sig.samples, [x, x], atol=1e-3)
    chunk = next(iter_chunks(hea, chunk_s=2.0))
    np.testing.assert_allclose(chunk.signal.samples, sig.samples[:, :720])
    span = read_span(hea, 100, 900)
    assert span.units == ("mV", "mV")
    np.testing.assert_allclose(span.samples, sig.samples[:, 100:900])


@pytest.mark.parametrize(
    ("suffix", "file_type"), [(".edf", pyedflib.FILETYPE_EDF), (".bdf", pyedflib.FILETYPE_BDF)]
)
def test_edf_and_bdf_microvolts_are_read_in_mv(tmp_path, suffix, file_type):
    x = synthetic_ecg(8)[: 8 * 256]  # one 256 Hz second per data record
    header = pyedflib.highlevel.make_signal_header(
        "ECG II", dimension="uV", sample_frequency=256, physical_min=-5000, physical_max=5000
    )
    if file_type == pyedflib.FILETYPE_BDF:
        header.update(digital_min=-(2**23), digital_max=2**23 - 1)
    path = tmp_path / f"a{suffix}"
    pyedflib.highlevel.write_edf(str(path), [x * 1000], [header], file_type=file_type)
    sig = read_record(path)
    assert sig.units == ("mV",)
    np.testing.assert_allclose(sig.samples[0], x, atol=0.2e-3)


def test_raw_counts_without_units_are_left_as_they_are(tmp_path):
    counts = (synthetic_ecg() * 200).round() + 1024
    path = tmp_path / "a.csv"
    path.write_text(csv_text("I", [counts]))
    np.testing.assert_array_equal(read_record(path, fs=FS).samples[0], counts)


@pytest.mark.parametrize("unit", ["mmHg", "%", "bpm", "NU"])
def test_a_lead_in_another_unit_is_not_ecg(tmp_path, unit):
    x = synthetic_ecg()
    path = tmp_path / "a.csv"
    path.write_text(csv_text("I,II", [x, x * 50 + 80], units_row=f"mV,{unit}"))
    sig = read_record(path, fs=FS)
    assert sig.lead_names == ("I",)
    path.write_text(csv_text("II", [x * 50 + 80], units_row=unit))
    with pytest.raises(InvalidSignalError, match=r"No ECG channel found in a.csv \(channels: II "):
        read_record(path, fs=FS)
