"""ECG5000-like beat tables in another layout (no labels, a header row, the label last) saved
as .csv are not read as a recording of 140 leads: the message explains the layout Beatline reads."""

import numpy as np
import pytest

from mlcore.errors import InvalidSignalError
from mlcore.readers import detect_format, read_record, read_ucr


@pytest.fixture(scope="module")
def beats(ecg5000) -> tuple[np.ndarray, np.ndarray]:
    table = np.loadtxt(ecg5000 / "ECG5000_TRAIN.tsv", max_rows=200)
    return table[:, 0].astype(int), table[:, 1:]


def refusal(path, **kwargs) -> str:
    assert detect_format(path) == "csv"
    with pytest.raises(InvalidSignalError) as caught:
        read_record(path, **kwargs)
    return str(caught.value)


def assert_explains_the_layout(message: str, n_cols: int) -> None:
    assert f"has {n_cols} columns, too many to be the leads of one recording" in message
    assert "looks like a table of beats" in message
    assert "class label (a whole number) first, then the beat's samples; no header line" in message
    assert "sampling rate" not in message


def rows(table: np.ndarray) -> str:
    return "\n".join(",".join(f"{v:.6g}" for v in row) for row in table) + "\n"


def test_beats_without_labels_are_not_140_leads(tmp_path, beats):
    path = tmp_path / "beats.csv"
    path.write_text(rows(beats[1]))
    assert_explains_the_layout(refusal(path, fs=140), 140)


def test_a_header_row_over_the_beats(tmp_path, beats):
    labels, samples = beats
    path = tmp_path / "beats.csv"
    header = ",".join(["label", *(f"t{i}" for i in range(140))])
    path.write_text(header + "\n" + rows(np.column_stack([labels, samples])))
    assert_explains_the_layout(refusal(path), 141)


def test_the_label_last_as_in_kaggles_ecg_csv(tmp_path, beats):
    labels, samples = beats
    path = tmp_path / "ecg.csv"
    path.write_text(rows(np.column_stack([samples, labels == 1])))
    assert_explains_the_layout(refusal(path), 141)


def test_the_layout_the_message_describes_is_read(tmp_path, beats):
    labels, samples = beats
    path = tmp_path / "beats.tsv"
    path.write_text(
        "\n".join(
            "\t".join([str(a), *(f"{v:.6g}" for v in b)]) for a, b in zip(*beats, strict=True)
        )
    )
    assert read_ucr(path).beats.shape == samples.shape
    assert read_ucr(path).labels.tolist() == labels.tolist()


def test_64_leads_are_still_a_recording(tmp_path):
    x = np.sin(np.arange(1000)[:, None] / 10 + np.arange(64))
    path = tmp_path / "many.csv"
    path.write_text(rows(x))
    assert read_record(path, fs=250).n_leads == 64
