"""A one-lead CSV written with decimal commas ("0,5123") is one lead, not two; where the lines
alone cannot tell a decimal comma from a separator, the file is refused with the reason."""

import numpy as np
import pytest

from mlcore.errors import CorruptRecordError
from mlcore.readers import read_record
from tests.mlcore.helpers import synthetic_ecg

FS = 360.0


def comma_lines(x: np.ndarray) -> list[str]:
    return [f"{v:.4f}".replace(".", ",") for v in x]


def test_one_column_with_decimal_commas_is_one_lead(tmp_path):
    x = synthetic_ecg()
    path = tmp_path / "a.csv"
    path.write_text("\n".join(comma_lines(x)))
    sig = read_record(path, fs=FS)
    assert sig.n_leads == 1
    np.testing.assert_allclose(sig.samples[0], x, atol=1e-4)


@pytest.mark.parametrize("header", ["ECG", "ECG\nmV", '"MLII"'])
def test_a_header_naming_one_column_means_decimal_commas(tmp_path, header):
    x = np.abs(synthetic_ecg()) + 0.5  # no "-0," or "0,0..." that would tell without the header
    path = tmp_path / "a.csv"
    path.write_text(header + "\n" + "\n".join(comma_lines(x)) + "\n")
    sig = read_record(path, fs=FS)
    assert sig.n_leads == 1
    assert sig.lead_names == (header.split("\n")[0].strip('"'),)
    np.testing.assert_allclose(sig.samples[0], x, atol=1e-4)


def test_two_integer_columns_with_a_header_stay_two_leads(tmp_path):
    rng = np.random.default_rng(1)
    counts = rng.integers(900, 1100, size=(3600, 2))
    path = tmp_path / "a.csv"
    path.write_text("I,II\n" + "\n".join(f"{a},{b}" for a, b in counts))
    sig = read_record(path, fs=FS)
    assert sig.lead_names == ("I", "II")
    np.testing.assert_array_equal(sig.samples, counts.T)


def test_a_sample_counter_beside_integer_values_stays_a_column(tmp_path):
    rng = np.random.default_rng(1)
    path = tmp_path / "a.csv"
    path.write_text("\n".join(f"{i},{v}" for i, v in enumerate(rng.integers(900, 1100, 3600))))
    sig = read_record(path, fs=FS)  # the counter is dropped, the values are one lead
    assert sig.n_leads == 1


def test_two_whole_numbers_without_a_header_are_refused_as_ambiguous(tmp_path):
    rng = np.random.default_rng(1)
    counts = rng.integers(900, 1100, size=(3600, 2))
    path = tmp_path / "a.csv"
    path.write_text("\n".join(f"{a},{b}" for a, b in counts))
    with pytest.raises(CorruptRecordError) as caught:
        read_record(path, fs=FS)
    message = str(caught.value)
    assert "two leads, or one lead written with a decimal comma" in message
    assert "Add a header line" in message
