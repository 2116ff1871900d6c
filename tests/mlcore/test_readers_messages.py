"""Reader messages name the real problem, show the user's file names exactly, and no folders."""

import numpy as np
import pytest

from mlcore.errors import SignalError
from mlcore.readers import read_record
from mlcore.readers.source import reason


def write_record(folder, header_first_line: str, name: str = "X") -> None:
    rng = np.random.default_rng(0)
    (rng.normal(size=(86400, 2)) * 100).astype("<i2").tofile(folder / f"{name}.dat")
    signals = "".join(f"{name}.dat 16 200 16 0 0 0 0 {lead}\n" for lead in ("I", "II"))
    (folder / f"{name}.hea").write_text(header_first_line + "\n" + signals)


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("1e12", "sampling rate of X.hea is 1e+12 Hz, outside"),
        ("abc", "sampling rate of X.hea is not a number ('abc')"),
        ("nan", "sampling rate of X.hea is nan; it must be a positive number"),
        ("-5", "sampling rate of X.hea is -5.0; it must be a positive number"),
    ],
)
def test_wfdb_header_with_an_absurd_sampling_rate(tmp_path, rate, message):
    write_record(tmp_path, f"X 2 {rate} 86400")
    with pytest.raises(SignalError) as caught:
        read_record(tmp_path / "X.hea")
    assert message in str(caught.value)
    assert "number of samples" not in str(caught.value)


def test_plain_sampling_rates_still_read(tmp_path):
    write_record(tmp_path, "X 2 360/1000 86400")
    assert read_record(tmp_path / "X.hea").fs == 360


def test_uppercase_header_suffix_is_named_without_a_path(tmp_path):
    write_record(tmp_path, "X 2 360 86400")
    (tmp_path / "X.hea").rename(tmp_path / "X.HEA")
    with pytest.raises(SignalError) as caught:
        read_record(tmp_path / "X.HEA")
    assert "X.HEA must be named X.hea" in str(caught.value)
    assert str(tmp_path) not in str(caught.value)


def test_file_errors_name_the_file_without_its_folder():
    error = FileNotFoundError(2, "No such file or directory", "/tmp/beatline-upload-x/REC.hea")
    assert reason(error) == "No such file or directory (REC.hea)"
    assert reason(ValueError("bad\nmore")) == "bad"


@pytest.mark.parametrize("name", ["ten.csv", "mixedCase.csv"])
def test_file_names_are_not_capitalised(tmp_path, name):
    path = tmp_path / name
    path.write_text("I,II\n" + "0.1,0.2\n0.3,0.1\n" * 4)
    with pytest.raises(SignalError, match=rf"^{name} is 0\.03 s long"):
        read_record(path, fs=250)
    path.write_text("I,II\n" + "0.1,0.2\n" * 3 + "0.3\n" + "0.3,0.1\n" * 1000)
    with pytest.raises(SignalError, match=rf"^Line 5 of {name} has 1 values"):
        read_record(path, fs=250)
