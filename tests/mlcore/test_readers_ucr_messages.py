"""A faulty beat table (UCR/ECG5000 rows) is detected as one and told what is wrong with it,
not given a signal CSV's message."""

import numpy as np
import pytest

from mlcore.errors import SignalError
from mlcore.readers import detect_format, read_ucr


def rows(n: int = 10, length: int = 140, label="1", sep: str = "\t") -> list[str]:
    rng = np.random.default_rng(0)
    return [
        sep.join([str(label), *(f"{v:.4f}" for v in rng.normal(size=length))]) for _ in range(n)
    ]


def table_error(path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n")
    assert detect_format(path) == "ucr"
    with pytest.raises(SignalError) as caught:
        read_ucr(path)
    return str(caught.value)


def test_constant_rows(tmp_path):
    lines = ["1\t" + "\t".join(["0"] * 140)] * 10
    assert "Every row of flat.tsv is flat" in table_error(tmp_path / "flat.tsv", lines)


@pytest.mark.parametrize(("name", "sep"), [("x.tsv", "\t"), ("x.csv", ","), ("x.txt", " ")])
def test_a_row_of_another_length(tmp_path, name, sep):
    lines = rows(sep=sep)
    lines[6] = rows(1, 99, sep=sep)[0]
    message = table_error(tmp_path / name, lines)
    assert message.startswith(f"Row 7 of {name} has 100 values, the others 141"), message


def test_a_value_that_is_not_a_number(tmp_path):
    lines = rows()
    lines[2] = lines[2].replace(lines[2].split("\t")[5], "nan", 1)
    assert "Row 3 of x.tsv has a value that is not a number" in table_error(
        tmp_path / "x.tsv", lines
    )
    lines[2] = lines[2].replace("nan", "oops", 1)
    assert "Row 3 of x.tsv has a value that is not a number ('oops' in column 6)" in table_error(
        tmp_path / "x.tsv", lines
    )


def test_text_labels(tmp_path):
    lines = [*rows(1, label="abnormal"), *rows(5, label="normal")]
    message = table_error(tmp_path / "x.tsv", lines)
    assert "Row 1 of x.tsv has the label 'abnormal'; labels must be whole numbers" in message


def test_fractional_labels_of_a_tsv(tmp_path):
    assert "labels must be whole numbers" in table_error(tmp_path / "x.tsv", rows(label="1.5"))


def test_labels_too_long_to_keep_as_written(tmp_path):
    message = table_error(tmp_path / "x.tsv", rows(label="99999999999999999999999"))
    assert "has label 1e+23; labels must be whole numbers of at most 15 digits" in message
    ok = tmp_path / "ok.tsv"
    ok.write_text("\n".join(rows(label="999999999999999")) + "\n")
    assert read_ucr(ok).labels[0] == 999999999999999
