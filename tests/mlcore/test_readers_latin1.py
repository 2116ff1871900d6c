"""A CSV in Latin-1 (or Windows-1252) is text: detected as a CSV and read."""

import numpy as np
import pytest

from mlcore.errors import UnsupportedFormatError
from mlcore.readers import detect_format, read_record


def test_latin1_header_is_detected_and_read(tmp_path):
    t = np.arange(2500) / 250
    rows = "".join(f"{a:.3f},{b:.4f}\n" for a, b in zip(t, np.sin(7 * t), strict=True))
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"zeit,ECG \xb5V\n" + rows.encode())
    assert detect_format(path) == "csv"
    signal = read_record(path)
    assert signal.fs == 250 and signal.n_samples == 2500
    assert signal.lead_names == ("ECG",)  # in µV, read in mV
    np.testing.assert_allclose(signal.samples[0], np.sin(7 * t) / 1000, atol=1e-6)


def test_binary_bytes_are_still_not_text(tmp_path):
    path = tmp_path / "scan.csv"
    path.write_bytes(b"\xb5\x01\x02\x03\xff" * 100)
    with pytest.raises(UnsupportedFormatError, match="scan.csv is not a text file"):
        detect_format(path)
