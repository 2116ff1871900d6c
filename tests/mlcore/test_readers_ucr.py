"""UCR/ECG5000 beat tables."""

import numpy as np
import pytest

from mlcore.errors import CorruptRecordError, InvalidSignalError, UnsupportedFormatError
from mlcore.readers import detect_format, read_record, read_ucr, read_ucr_row


def test_ecg5000_train(ecg5000):
    path = ecg5000 / "ECG5000_TRAIN.tsv"
    table = read_ucr(path)
    assert table.beats.shape == (500, 140)
    assert table.beats.dtype == np.float32
    assert table.labels.dtype == np.int64
    assert np.bincount(table.labels).tolist() == [0, 292, 177, 10, 19, 2]
    assert detect_format(path) == "ucr"
    with pytest.raises(UnsupportedFormatError, match="separate labelled beats"):
        read_record(path)


@pytest.mark.parametrize("delimiter", ["\t", ",", " "])
def test_ucr_round_trip(tmp_path, delimiter):
    rng = np.random.default_rng(0)
    beats = rng.normal(size=(7, 30)).astype(np.float32)
    labels = rng.integers(0, 5, size=7)
    path = tmp_path / "x.txt"
    np.savetxt(path, np.column_stack([labels, beats]), delimiter=delimiter, fmt="%.9g")
    table = read_ucr(path)
    assert table.labels.tolist() == labels.tolist()
    np.testing.assert_array_equal(table.beats, beats)


def test_ucr_bad_rows(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("1\t" + "\t".join(["0.5"] * 20) + "\n2\t" + "\t".join(["0.5"] * 19) + "\n")
    with pytest.raises(CorruptRecordError, match="Row 2 of x.tsv has 20 values, the others 21"):
        read_ucr(path)
    path.write_text("1.5\t" + "\t".join(["0.5"] * 20) + "\n")
    with pytest.raises(InvalidSignalError, match="labels must be whole numbers"):
        read_ucr(path)
    path.write_text("1\t" + "\t".join(["nan"] * 20) + "\n")
    with pytest.raises(InvalidSignalError, match="Row 1 .*NaN"):
        read_ucr(path)
    path.write_text("")
    with pytest.raises(InvalidSignalError, match="empty"):
        read_ucr(path)


def test_one_row_reads_as_the_whole_table_does(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(
        "# a comment\n1,0.5,0.25,"
        + ",".join(["1"] * 20)
        + "\n\n3,-1,2,"
        + ",".join(["0"] * 20)
        + "\n"
    )
    table = read_ucr(path)
    for row in (1, 2):
        assert np.array_equal(read_ucr_row(path, row), table.beats[row - 1])
    with pytest.raises(InvalidSignalError, match="has 2 rows"):
        read_ucr_row(path, 3)
