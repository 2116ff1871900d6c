"""Reviewed labels: which beats a review labels, the export format, and reading it back to train."""

import csv

import numpy as np
import pytest
import wfdb

from mlcore import datasets, labels
from mlcore.readers import read_record
from mlcore.segment import AAMI_CLASSES, aami_class
from mlcore.signal import ECGSignal

V, N = AAMI_CLASSES.index("V"), AAMI_CLASSES.index("N")


def test_flagged_beats_are_the_event_class_beats_of_its_span():
    times = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    classes = np.array([N, V, N, V, N, V, N])
    assert labels.flagged_beats("pvc", 2.0, 2.0, times, classes).tolist() == [1]
    assert labels.flagged_beats("bigeminy", 2.0, 6.0, times, classes).tolist() == [1, 3, 5]
    assert labels.flagged_beats("anomaly", 3.0, 5.0, times, classes).tolist() == [2, 3, 4]
    assert labels.flagged_beats("pac", 2.0, 6.0, times, classes).tolist() == []
    assert labels.flagged_beats("af", 2.0, 6.0, times, classes).tolist() == [2, 4]


@pytest.mark.parametrize(
    "event_type, decision, new_type, new_class, expected",
    [
        ("pvc", "confirm", "", "", "V"),
        ("s_run", "confirm", "", "", "S"),
        ("pause", "confirm", "", "", ""),
        ("pvc", "reject", "", "", ""),
        ("pvc", "relabel", "", "N", "N"),
        ("pvc", "relabel", "pac", "", "S"),
        ("pvc", "relabel", "pac", "F", "F"),
        ("anomaly", "relabel", "bradycardia", "", ""),
        ("af", "confirm", "", "", "N"),  # AAMI labels the beats of atrial fibrillation N
        ("s_run", "relabel", "af", "", "N"),
    ],
)
def test_reviewed_class(event_type, decision, new_type, new_class, expected):
    assert labels.reviewed_class(event_type, decision, new_type, new_class) == expected


@pytest.fixture(scope="module")
def export(mitdb, tmp_path_factory):
    """An export of the first 60 s of record 119 in which the reviewer relabelled two V beats N."""
    folder = tmp_path_factory.mktemp("export")
    full = read_record(mitdb / "119.hea")
    n = 60 * 360
    signal = ECGSignal(full.samples[:, :n], full.fs, full.lead_names, full.units)
    ann = full.annotations
    beat = np.array([aami_class(s) is not None for s in ann.symbols]) & (ann.samples < n)
    times = ann.samples[beat] / full.fs
    classes = np.array([AAMI_CLASSES.index(aami_class(s)) for s in ann.symbols[beat]])
    v_beats = np.flatnonzero(classes == V)
    labelled = {int(v_beats[0]): "N", int(v_beats[1]): "N", int(v_beats[2]): "V", 5: "N"}
    labels.write_record(folder, "a7", signal, times, labelled)
    with open(folder / "labels.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=labels.CSV_COLUMNS)
        writer.writeheader()
        writer.writerow(
            dict(
                record="a7",
                analysis=7,
                recording="119",
                event=1,
                start_s=times[v_beats[0]],
                end_s=times[v_beats[0]],
                event_type="pvc",
                decision="relabel",
                label_type="pvc",
                aami_class="N",
                beats_labelled=1,
                reviewer="rita",
                reviewed_at="2026-11-23T14:00:00",
            )
        )
    return folder, times, labelled


def test_read_labels_gives_typed_columns(export):
    folder, times, _ = export
    table = labels.read_labels(folder / "labels.csv")
    assert table["record"].tolist() == ["a7"] and table["aami_class"].tolist() == ["N"]
    assert table["analysis"].dtype.kind == "i" and table["start_s"].dtype.kind == "f"
    (folder / "bad.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a review label export"):
        labels.read_labels(folder / "bad.csv")


def test_export_record_keeps_all_beats_in_qrs_and_reviewed_ones_in_atr(export):
    folder, times, labelled = export
    qrs = wfdb.rdann(str(folder / "a7"), "qrs")
    atr = wfdb.rdann(str(folder / "a7"), "atr")
    assert len(qrs.sample) == len(times)
    assert len(atr.sample) == len(labelled)
    expected = sorted((round(times[i] * 360), labels.SYMBOL[c]) for i, c in labelled.items())
    assert list(zip(atr.sample.tolist(), atr.symbol, strict=True)) == expected


def test_reviewed_beats_append_to_the_training_beats(export, mitdb, tmp_path):
    folder, times, labelled = export
    reviewed = labels.reviewed_beats(folder, leads=2)
    assert len(reviewed) == len(labelled)
    order = sorted(labelled)  # beat indices in time order = the dataset's order
    assert [AAMI_CLASSES[k] for k in reviewed.labels] == [labelled[i] for i in order]
    assert set(reviewed.groups) == {"review:a7"}
    assert sum(reviewed.labels == N) == 3  # the reviewer's labels, not the reference's: 2 V -> N

    # Cut like the training beats: same shapes, and the same windows as the reference protocol
    # gives for these beats (the .qrs holds every reference beat, so RR and scaling agree).
    wfdb.wrsamp(
        "119",
        fs=360,
        units=["mV", "mV"],
        sig_name=["MLII", "V1"],
        p_signal=read_record(folder / "a7.hea").samples.T.astype(np.float64),
        fmt=["16", "16"],
        write_dir=str(tmp_path),
    )
    qrs = wfdb.rdann(str(folder / "a7"), "qrs")
    wfdb.wrann("119", "atr", qrs.sample, ["N"] * len(qrs.sample), write_dir=str(tmp_path))
    reference = datasets.mitdb_beats(["119"], data_dir=tmp_path, leads=2, cache=False)
    train = datasets.concat([reference, reviewed])
    assert train.windows.shape[1:] == reviewed.windows.shape[1:] == (2, 252)
    assert reviewed.rr.shape[1] == reference.rr.shape[1]
    positions = np.round(np.array([times[i] for i in order]) * 360).astype(int)
    ref_index = np.searchsorted(np.round(times * 360).astype(int), positions)
    np.testing.assert_allclose(reviewed.windows, reference.windows[ref_index], atol=1e-4)
    np.testing.assert_allclose(reviewed.rr, reference.rr[ref_index], atol=1e-4)


def test_nothing_to_add_is_none(tmp_path):
    assert labels.reviewed_beats(tmp_path) is None


def test_append_reviewed_adds_the_reviewed_beats_to_a_training_set(export, tmp_path):
    folder, _, labelled = export
    train = labels.reviewed_beats(folder, leads=1)  # stands in for the MIT-BIH training beats
    more, added = labels.append_reviewed(train, folder, leads=1)
    assert added == len(labelled) and len(more) == 2 * len(train)
    assert labels.append_reviewed(train, None, leads=1) == (train, 0)
    assert labels.append_reviewed(train, tmp_path, leads=1) == (train, 0)
    with pytest.raises(FileNotFoundError):
        labels.append_reviewed(train, tmp_path / "missing", leads=1)
