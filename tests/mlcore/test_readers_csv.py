"""CSV/text reading: header, units row, time column (s/ms), fs inference and bad rows."""

import numpy as np
import pytest

from mlcore.errors import (
    CorruptRecordError,
    InvalidSignalError,
    MissingSamplingRateError,
    UnsupportedFormatError,
)
from mlcore.readers import describe, detect_format, read_record

FS = 360.0


def _leads(n=1800, n_leads=2, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FS
    return np.stack([np.sin(2 * np.pi * t + i) + 0.05 * rng.normal(size=n) for i in range(n_leads)])


def _write(path, columns, header=None, delimiter=",", fmt="%.6f"):
    np.savetxt(
        path,
        np.column_stack(columns),
        delimiter=delimiter,
        fmt=fmt,
        header=header or "",
        comments="",
    )
    return path


def test_plain_columns_need_the_sampling_rate(tmp_path):
    x = _leads()
    path = _write(tmp_path / "a.csv", list(x))
    with pytest.raises(MissingSamplingRateError, match="give the sampling rate"):
        read_record(path)
    sig = read_record(path, fs=FS)
    assert sig.fs == FS
    assert sig.lead_names == ("lead1", "lead2")
    np.testing.assert_allclose(sig.samples, x, atol=1e-6)


def test_header_names_leads_and_units(tmp_path):
    x = _leads()
    path = _write(tmp_path / "a.csv", list(x), header="MLII (mV),V5 [uV]")
    sig = read_record(path, fs=FS)
    assert sig.lead_names == ("MLII", "V5")
    assert sig.units == ("mV", "mV")  # read in mV: the analysis assumes mV
    np.testing.assert_allclose(sig.samples, x * [[1], [1e-3]], atol=1e-6)


@pytest.mark.parametrize(
    ("name", "scale"),
    [
        ("time", 1.0),
        ("t", 1.0),
        ("seconds", 1.0),
        ("Time (s)", 1.0),
        ("ms", 1e3),
        ("time_ms", 1e3),
        ("timestamp", 1e3),
        ("timestamp", 1.0),
    ],
)
def test_time_column_gives_the_sampling_rate(tmp_path, name, scale):
    x = _leads()
    t = np.arange(x.shape[1]) / FS * scale + 17.0
    path = _write(tmp_path / "a.csv", [t, *x], header=f"{name},I,II", fmt="%.4f")
    sig = read_record(path, fs=1000.0)  # ignored: the file carries its rate
    assert sig.fs == FS
    assert sig.lead_names == ("I", "II")
    np.testing.assert_allclose(sig.samples, x, atol=1e-4)


def test_headerless_increasing_first_column_is_time(tmp_path):
    x = _leads()
    t = np.arange(x.shape[1]) / FS
    path = _write(tmp_path / "a.csv", [t, *x], fmt="%.3f")  # 1 ms resolution jitters steps
    assert describe(path).fs == FS
    assert read_record(path).n_leads == 2


def test_sample_index_column_is_dropped_and_fs_still_needed(tmp_path):
    x = _leads()
    path = _write(tmp_path / "a.csv", [np.arange(x.shape[1]), *x])
    with pytest.raises(MissingSamplingRateError):
        read_record(path)
    assert read_record(path, fs=FS).n_leads == 2


def test_irregular_time_column_is_rejected(tmp_path):
    x = _leads()
    t = np.arange(x.shape[1]) / FS
    t[900:] += 0.5  # a gap
    path = _write(tmp_path / "a.csv", [t, *x], header="time,I,II")
    with pytest.raises(InvalidSignalError, match="irregularly sampled.*row 901"):
        read_record(path)


def test_time_column_going_backwards_is_rejected(tmp_path):
    x = _leads()
    t = np.arange(x.shape[1]) / FS
    t[[500, 501]] = t[[501, 500]]
    path = _write(tmp_path / "a.csv", [t, *x], header="time,I,II")
    with pytest.raises(InvalidSignalError, match="does not increase"):
        read_record(path)


def test_physionet_style_header_units_row_and_semicolons_with_decimal_comma(tmp_path):
    x = _leads()
    t = np.arange(x.shape[1]) / FS
    lines = ["'Elapsed time';'MLII';'V5'", "'seconds';'mV';'mV'"]
    lines += [f"{a:.6f};{b:.5f};{c:.5f}".replace(".", ",") for a, b, c in zip(t, *x, strict=True)]
    path = tmp_path / "a.txt"
    path.write_text("\n".join(lines) + "\n")
    assert detect_format(path) == "csv"
    sig = read_record(path)
    assert sig.fs == FS
    assert sig.lead_names == ("MLII", "V5")
    assert sig.units == ("mV", "mV")
    np.testing.assert_allclose(sig.samples, x, atol=1e-5)


def test_tab_and_whitespace_separated(tmp_path):
    x = _leads()
    for i, delimiter in enumerate(["\t", " "]):
        path = _write(tmp_path / f"a{i}.txt", list(x), delimiter=delimiter)
        np.testing.assert_allclose(read_record(path, fs=FS).samples, x, atol=1e-6)


def test_text_in_a_numeric_column_names_line_and_column(tmp_path):
    x = _leads()
    path = _write(tmp_path / "a.csv", list(x), header="I,II")
    lines = path.read_text().splitlines()
    lines[1200] = "0.1,abc"
    path.write_text("\n".join(lines))
    with pytest.raises(CorruptRecordError, match="Line 1201.*'abc' in column 2"):
        read_record(path, fs=FS)


def test_missing_value_and_short_row_are_reported(tmp_path):
    x = _leads()
    path = _write(tmp_path / "a.csv", list(x))
    lines = path.read_text().splitlines()
    lines[10] = "0.1,"
    path.write_text("\n".join(lines))
    with pytest.raises(CorruptRecordError, match="Line 11.*empty value in column 2"):
        read_record(path, fs=FS)
    lines[10] = "0.1"
    path.write_text("\n".join(lines))
    with pytest.raises(CorruptRecordError, match="Line 11 .*1 values.*2 columns"):
        read_record(path, fs=FS)


def test_nan_in_csv_names_the_row(tmp_path):
    x = _leads()
    x[1, 700] = np.nan
    path = _write(tmp_path / "a.csv", list(x))
    with pytest.raises(InvalidSignalError, match="NaN.*row 701"):
        read_record(path, fs=FS)


def test_too_short_csv_is_rejected(tmp_path):
    path = _write(tmp_path / "a.csv", list(_leads(100)))
    with pytest.raises(InvalidSignalError, match="at least 2 s"):
        read_record(path, fs=FS)


def test_header_only_and_binary_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("I,II\n")
    with pytest.raises(CorruptRecordError, match="no numeric rows"):
        read_record(path, fs=FS)
    path.write_bytes(b"\x00\x01\x02\xff" * 100)
    with pytest.raises(UnsupportedFormatError, match="not a text file"):
        read_record(path, fs=FS)


def test_crlf_bom_quoted_header_and_trailing_delimiter(tmp_path):
    x = _leads()
    rows = [f"{i / FS:.5f},{a:.5f},{b:.5f}," for i, (a, b) in enumerate(x.T)]
    path = tmp_path / "a.csv"
    path.write_bytes(('\ufeff"Time","ECG1","ECG2",\r\n' + "\r\n".join(rows) + "\r\n").encode())
    sig = read_record(path)
    assert sig.fs == FS
    assert sig.lead_names == ("ECG1", "ECG2")
    np.testing.assert_allclose(sig.samples, x, atol=1e-5)


def test_time_column_of_dates_gets_a_hint(tmp_path):
    lines = ["timestamp,I"] + [f"2024-01-01 00:00:{i / 250:06.3f},{i % 7}" for i in range(600)]
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines))
    with pytest.raises(CorruptRecordError, match="Line 2 .*seconds or milliseconds"):
        read_record(path)


def test_first_lead_rising_at_the_start_is_not_taken_for_time(tmp_path):
    x = _leads()
    x[0, :100] = np.linspace(-1, 1, 100)  # strictly increasing over the sniffed lines
    path = _write(tmp_path / "a.csv", list(x))
    sig = read_record(path, fs=FS)
    assert sig.n_leads == 2
    np.testing.assert_allclose(sig.samples, x, atol=1e-6)


def test_unnamed_increasing_first_column_with_header_is_time(tmp_path):
    x = _leads()
    t = np.arange(x.shape[1]) / FS
    path = _write(tmp_path / "a.csv", [t, *x], header="elapsed,MLII,V5")
    sig = read_record(path)
    assert sig.fs == FS
    assert sig.lead_names == ("MLII", "V5")
