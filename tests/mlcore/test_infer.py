import numpy as np
import pytest

from mlcore.checkpoint import load_artefact
from mlcore.datasets import ecg5000 as load_ecg5000
from mlcore.datasets import model_input, reference_beats
from mlcore.errors import SignalError
from mlcore.infer import (
    anomaly_scores,
    classify_beats,
    load_default_models,
    relative_to_recording,
)
from mlcore.paths import MODELS_DIR
from mlcore.readers import read_record
from mlcore.segment import AAMI_CLASSES, beat_windows
from mlcore.tables import table_beatset
from tests.mlcore.helpers import write_slice


def annotated_slice(mitdb, folder, record: str, seconds: float):
    """The first ``seconds`` of a MIT-BIH record, through the real pipeline: beats and labels."""
    write_slice(mitdb, folder, record, seconds)
    signal = read_record(folder / f"{record}.hea")
    x, fs = model_input(signal)
    pos, labels = reference_beats(signal, fs, x.shape[1])
    beats = beat_windows(x, pos, fs)
    return beats, labels[beats.kept]


@pytest.fixture(scope="module")
def record_119(mitdb, tmp_path_factory):
    """The first 3 minutes of record 119 (normal beats and many PVCs)."""
    return annotated_slice(mitdb, tmp_path_factory.mktemp("rec119"), "119", 180)


def test_default_models_load_once():
    models = load_default_models()
    assert models is load_default_models()
    assert models.classifier.classes == AAMI_CLASSES
    assert models.autoencoder.threshold is not None and models.autoencoder.threshold > 0


def test_classify_beats_gives_probabilities_that_find_pvcs(record_119):
    beats, labels = record_119
    probs = classify_beats(load_default_models().classifier, beats)
    assert probs.shape == (len(beats), 5)
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    pred = probs.argmax(axis=1)
    v = AAMI_CLASSES.index("V")
    assert (labels == v).sum() > 10
    assert (pred[labels == v] == v).mean() > 0.8
    assert (pred[labels == 0] == 0).mean() > 0.8


def test_anomaly_scores_are_higher_for_pvcs(record_119):
    beats, labels = record_119
    ae = load_default_models().autoencoder
    scores = anomaly_scores(ae, beats)
    assert scores.shape == (len(beats),)
    assert np.all(np.isfinite(scores)) and np.all(scores >= 0)
    assert np.median(scores[labels == 2]) > np.median(scores[labels == 0])


def test_relative_scores_ignore_the_recordings_scale():
    errors = np.array([0.01, 0.02, 0.02, 0.03, 0.5], np.float32)
    relative = relative_to_recording(errors)
    assert relative[1] == 1.0 and relative[-1] == 25.0 and relative.dtype == np.float32
    assert np.allclose(relative_to_recording(errors * 40), relative)
    assert relative_to_recording(np.zeros(0, np.float32)).shape == (0,)


def test_pvcs_as_tall_as_the_normal_beats_are_anomalous(mitdb, tmp_path):
    """Record 208's PVCs are no taller than its normal beats, so their raw reconstruction error is
    below the errors of noisy patients' normal beats; against the recording's own beats they stand
    out (the default autoencoder's scores are relative, docs/models.md)."""
    beats, labels = annotated_slice(mitdb, tmp_path, "208", 300)
    ae = load_default_models().autoencoder
    anomalous = anomaly_scores(ae, beats) > ae.threshold
    v = AAMI_CLASSES.index("V")
    assert ae.relative_scores and (labels == v).sum() > 50
    assert anomalous[labels == v].mean() > 0.5
    assert anomalous[labels == 0].mean() < 0.05


def test_empty_and_malformed_beats(record_119):
    beats, _ = record_119
    clf = load_default_models().classifier
    assert classify_beats(clf, beats.subset(np.zeros(0, dtype=np.int64))).shape == (0, 5)
    short = beat_windows(np.zeros((2, 5000), np.float32), np.array([1000, 2000]), 180.0)
    with pytest.raises(SignalError, match="shape"):
        classify_beats(clf, short)


@pytest.mark.parametrize("folder", sorted(p.name for p in MODELS_DIR.iterdir() if p.is_dir()))
def test_every_committed_artefact_loads_and_runs(folder, record_119, ecg5000):
    model = load_artefact(MODELS_DIR / folder)
    if model.config["dataset"] == "mitdb":
        beats = record_119[0].subset(np.arange(40))
    else:
        beats = table_beatset(load_ecg5000(ecg5000)[0].windows[:40, 0])
    if model.name == "ae":
        assert anomaly_scores(model, beats).shape == (40,)
    else:
        probs = classify_beats(model, beats)
        assert probs.shape == (40, len(model.classes))
        assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert (MODELS_DIR / folder / "MODEL_CARD.md").read_text().count("mlcore.train") >= 1
