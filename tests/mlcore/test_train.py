import json

import numpy as np
import pytest
import torch

from mlcore.checkpoint import load_artefact, save_artefact
from mlcore.errors import SignalError
from mlcore.models import build_model
from mlcore.train.cli import main
from mlcore.train.loop import (
    Arrays,
    Settings,
    class_weights,
    fit_autoencoder,
    fit_classifier,
    stretch,
)
from mlcore.train.metrics import classification_report, confusion, roc_auc
from tests.mlcore.helpers import write_slice


def handful_of_beats(n: int = 12) -> Arrays:
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 64, dtype=np.float32)
    y = np.arange(n) % 3
    x = np.stack([np.sin((2 + 3 * c) * np.pi * t) for c in y])[:, None, :]
    x = (x + 0.3 * rng.normal(size=x.shape)).astype(np.float32)
    rr = rng.normal(size=(n, 2)).astype(np.float32)
    return Arrays(x, rr, y.astype(np.int64))


def test_tiny_training_run_overfits_a_handful_of_beats():
    torch.manual_seed(0)
    data = handful_of_beats()
    model = build_model("cnn", n_leads=1, length=64, n_rr=2, n_classes=3, dropout=0.0)
    settings = Settings(epochs=60, patience=60, batch_size=12, lr=1e-2, augment=False)

    def accuracy(y, logits):
        return float((logits.argmax(1) == y).mean())

    history = fit_classifier(model, data, data, 3, settings, accuracy)
    assert max(h["val_score"] for h in history) == 1.0
    assert history[-1]["train_loss"] < history[0]["train_loss"]


def test_autoencoder_training_lowers_reconstruction_error():
    data = handful_of_beats()
    model = build_model("ae", n_leads=1, length=64)
    settings = Settings(epochs=40, patience=40, batch_size=12, lr=5e-3, augment=False)
    history = fit_autoencoder(model, data.x, data.x, settings)
    assert -history[-1]["val_score"] < 0.5 * -history[0]["val_score"]


def test_class_weights_follow_rarity_up_to_the_cap():
    y = np.repeat([0, 1, 2, 3], [1000, 100, 10, 0])  # the fourth class is absent
    plain = class_weights(y, 4, power=1.0).numpy()
    np.testing.assert_allclose(plain / plain[0], [1, 10, 100, 0])
    capped = class_weights(y, 4, power=1.0, max_weight=20).numpy()
    np.testing.assert_allclose(capped / capped[0], [1, 10, 20, 0])
    assert capped[:3].mean() == pytest.approx(1.0)


def test_stretch_widens_and_narrows_waves_about_the_r_peak():
    x = torch.zeros(400, 2, 252)
    x[:, :, 80:101] = 1.0  # a 21-sample wave centred on sample 90, the same on both leads
    out = stretch(x, 0.2, 90, torch.Generator().manual_seed(0))
    widths = (out[:, 0] > 0.5).sum(dim=1)
    assert torch.all(out[:, :, 90] == 1.0) and torch.equal(out[:, 0], out[:, 1])
    assert 17 <= widths.min() < 21 < widths.max() <= 27
    assert torch.allclose(stretch(x, 1e-9, 90, torch.Generator()), x)


def test_metrics_on_a_known_confusion():
    y_true = np.array([0, 0, 0, 1, 1, 2])
    y_pred = np.array([0, 0, 1, 1, 0, 2])
    cm = confusion(y_true, y_pred, 3)
    assert cm.tolist() == [[2, 1, 0], [1, 1, 0], [0, 0, 1]]
    report = classification_report(y_true, y_pred, ("a", "b", "c"))
    assert report["per_class"]["a"]["se"] == 2 / 3
    assert report["per_class"]["b"]["ppv"] == 1 / 2
    assert report["accuracy"] == 4 / 6
    assert roc_auc(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8])) == 0.75


def test_train_command_writes_a_loadable_artefact(ecg5000, tmp_path):
    out = tmp_path / "cnn"
    argv = ["--model", "cnn", "--dataset", "ecg5000", "--data-dir", str(ecg5000)]
    argv += ["--out", str(out), "--epochs", "2", "--width", "8", "--threads", "1"]
    assert main(argv) == 0
    for name in (
        "weights.pt",
        "config.json",
        "normalisation.json",
        "metrics.json",
        "MODEL_CARD.md",
    ):
        assert (out / name).exists(), name
    config = json.loads((out / "config.json").read_text())
    assert config["command"].startswith("python -m mlcore.train --model cnn")
    assert len(config["history"]) == 2
    artefact = load_artefact(out)
    assert artefact.classes == ("normal", "R-on-T", "PVC", "SP-EB", "UB")
    assert "--epochs 2" in (out / "MODEL_CARD.md").read_text()


def test_autoencoder_command_stores_its_threshold(ecg5000, tmp_path):
    out = tmp_path / "ae"
    argv = ["--model", "ae", "--dataset", "ecg5000", "--data-dir", str(ecg5000)]
    argv += ["--out", str(out), "--epochs", "2", "--threads", "1"]
    assert main(argv) == 0
    threshold = json.loads((out / "threshold.json").read_text())
    assert threshold["threshold"] > 0
    assert "percentile" in threshold["rule"]
    assert load_artefact(out).threshold == threshold["threshold"]
    assert not threshold["relative"] and not load_artefact(out).relative_scores


def test_relative_threshold_is_learned_on_each_held_out_record_against_itself(mitdb, tmp_path):
    for record in ("101", "119"):
        write_slice(mitdb, tmp_path, record, 120)
    out = tmp_path / "ae"
    argv = ["--model", "ae", "--dataset", "mitdb", "--data-dir", str(tmp_path), "--leads", "1"]
    argv += ["--limit-records", "1", "--val-records", "119", "--relative-score"]
    assert main([*argv, "--epochs", "1", "--threads", "1", "--out", str(out)]) == 0
    threshold = json.loads((out / "threshold.json").read_text())
    assert threshold["relative"] and "median error of the record" in threshold["rule"]
    assert threshold["threshold"] > 1.0  # the 99th percentile of scores whose median is about 1
    assert load_artefact(out).relative_scores
    with pytest.raises(SystemExit, match="rows are not recordings"):
        main(["--model", "ae", "--dataset", "ecg5000", "--relative-score", "--out", str(out)])


def test_an_artefact_trained_on_other_rr_features_is_refused(tmp_path):
    model = build_model("cnn", n_leads=1, length=64, n_rr=2, n_classes=3)
    config = {"model": "cnn", "params": {"n_leads": 1, "length": 64, "n_rr": 2, "n_classes": 3}}
    config |= {"dataset": "mitdb", "classes": ["a", "b", "c"], "rr_features": ["pre", "post"]}
    save_artefact(tmp_path, model, config, np.zeros(2, np.float32), np.ones(2, np.float32), {})
    with pytest.raises(SignalError, match="other RR features"):
        load_artefact(tmp_path)


def test_missing_data_is_named_without_a_traceback(tmp_path):
    argv = ["--model", "cnn", "--dataset", "ecg5000", "--data-dir", str(tmp_path)]
    with pytest.raises(SystemExit, match="error: ECG5000_TRAIN.tsv cannot be opened"):
        main([*argv, "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()


def test_validation_records_must_come_from_ds1(tmp_path):
    """A DS2 record held out for early stopping would be tuning on the test set."""
    argv = ["--model", "cnn", "--dataset", "mitdb", "--val-records", "118,232"]
    with pytest.raises(SystemExit, match="--val-records must be DS1 records, not 232"):
        main([*argv, "--out", str(tmp_path / "out")])
    assert not (tmp_path / "out").exists()
