"""Beat tables (UCR/ECG5000 rows) through the ECG5000 models: mlcore.tables, mlcore.infer."""

import numpy as np
import pytest

from mlcore.errors import InvalidSignalError
from mlcore.infer import analyse_table, load_table_models
from mlcore.readers import read_ucr
from mlcore.readers.records import BeatTable
from mlcore.tables import check_table, normalise_rows, summarise_table


@pytest.fixture(scope="module")
def test_rows(ecg5000) -> BeatTable:
    table = read_ucr(ecg5000 / "ECG5000_TEST.tsv")
    return BeatTable(table.labels[:400], table.beats[:400])


def test_ecg5000_rows_are_left_as_they_are(test_rows):
    assert np.allclose(normalise_rows(test_rows.beats), test_rows.beats, atol=1e-5)


def test_a_table_in_other_units_gets_the_same_classes(test_rows):
    models = load_table_models()
    scaled = BeatTable(test_rows.labels, test_rows.beats * 2.5 + 1.0)
    original, rescaled = analyse_table(test_rows, models), analyse_table(scaled, models)
    assert np.array_equal(original.classes, rescaled.classes)
    assert np.allclose(original.scores, rescaled.scores, rtol=1e-3, atol=1e-6)


def test_summary_counts_rows_and_agrees_with_the_labels(test_rows):
    result = analyse_table(test_rows, load_table_models())
    summary = summarise_table(test_rows, result)
    assert summary["rows"] == 400 and summary["beat_length"] == 140
    assert sum(summary["classes"].values()) == 400
    assert summary["anomalous_rows"] == int((result.scores > result.threshold).sum())
    confusion = np.array(summary["agreement"]["confusion"])
    assert confusion.sum() == 400
    assert np.array_equal(confusion.sum(axis=0), list(summary["classes"].values()))
    assert np.array_equal(confusion.sum(axis=1), np.bincount(test_rows.labels - 1, minlength=5))
    assert summary["agreement"]["accuracy"] > 0.9  # 94.6% on the whole test set
    assert ((result.confidence > 0) & (result.confidence <= 1)).all()


def test_labels_outside_ecg5000s_classes_give_no_agreement(test_rows):
    unlabelled = BeatTable(np.zeros(400, dtype=np.int64), test_rows.beats)
    summary = summarise_table(unlabelled, analyse_table(unlabelled, load_table_models()))
    assert summary["agreement"] is None
    assert sum(summary["classes"].values()) == 400


def test_rows_of_another_length_are_refused():
    with pytest.raises(InvalidSignalError, match="140 samples"):
        check_table(BeatTable(np.ones(3, dtype=np.int64), np.zeros((3, 96), np.float32)))
    with pytest.raises(InvalidSignalError, match="no rows"):
        check_table(BeatTable(np.ones(0, dtype=np.int64), np.zeros((0, 140), np.float32)))
