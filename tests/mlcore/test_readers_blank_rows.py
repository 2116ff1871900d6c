"""Lines of only spaces, tabs or delimiters (a text editor's or Excel's trailing rows) hold no
data: CSV recordings and UCR beat tables are read without them."""

import numpy as np
import pytest

from mlcore.readers import detect_format, read_record, read_ucr, read_ucr_row

FS = 360.0


def data_lines(n: int = 3600, sep: str = ",") -> list[str]:
    x = np.sin(np.arange(n) / 9)
    return [f"{i / FS:.6f}{sep}{v:.5f}" for i, v in enumerate(x)]


@pytest.mark.parametrize("tail", ["\n  \n", "\n\t\n", "\n \r\n", "\n,\n,\n"])
def test_csv_whitespace_only_trailing_lines_are_skipped(tmp_path, tail):
    path = tmp_path / "a.csv"
    path.write_text("time,MLII\n" + "\n".join(data_lines()) + tail)
    sig = read_record(path)
    assert sig.n_samples == 3600
    assert sig.fs == FS


def test_excel_rows_of_only_delimiters_are_skipped(tmp_path):
    path = tmp_path / "a.csv"
    lines = ["time;MLII;V5"]
    lines += [f"{line};{i % 7}".replace(".", ",") for i, line in enumerate(data_lines(sep=";"))]
    path.write_text("\r\n".join([*lines, ";;", ";;", " ; ; "]) + "\r\n")
    sig = read_record(path)
    assert sig.n_samples == 3600


def beat_rows(n: int = 10, end: str = "") -> list[str]:
    rng = np.random.default_rng(0)
    return ["\t".join(["1", *(f"{v:.4f}" for v in rng.normal(size=140))]) + end for _ in range(n)]


@pytest.mark.parametrize("tail", ["\n  \n", "\n\t\n", "\n\t\t\n"])
def test_tsv_beat_table_with_a_whitespace_trailing_line(tmp_path, tail):
    path = tmp_path / "beats.tsv"
    path.write_text("\n".join(beat_rows()) + tail)
    assert detect_format(path) == "ucr"
    table = read_ucr(path)
    assert table.beats.shape == (10, 140)


@pytest.mark.parametrize("end", ["\t", ","])
def test_beat_rows_ending_with_a_delimiter(tmp_path, end):
    path = tmp_path / "beats.tsv"
    rows = [row.replace("\t", end) + end for row in beat_rows()]
    path.write_text("\n".join(rows) + "\n")
    table = read_ucr(path)
    assert table.beats.shape == (10, 140)
    np.testing.assert_array_equal(read_ucr_row(path, 3), table.beats[2])
