import json

import numpy as np
import pytest
import torch

from mlcore.checkpoint import load_artefact
from mlcore.datasets import DS1, DS1_FOLDS
from mlcore.models import Ensemble, build_model
from mlcore.train.cli import main
from mlcore.train.folds import (
    cross_validate,
    fit_fold_ensemble,
    fit_head,
    group_folds,
    out_of_fold_log_probs,
    stratified_folds,
)
from mlcore.train.loop import Arrays, Settings, fit_classifier, predict_logits


def _accuracy(y_true, logits):
    return float((logits.argmax(1) == y_true).mean())


def test_ds1_folds_hold_every_ds1_record_once():
    records = [r for fold in DS1_FOLDS for r in fold]
    assert sorted(records) == sorted(DS1)


def test_group_folds_keep_records_together_and_mark_the_rest():
    groups = np.array(["101", "101", "106", "review:x", "108"])
    folds = group_folds(groups, (("101", "106"), ("108",)))
    assert folds.tolist() == [0, 0, 0, -1, 1]


def test_stratified_folds_spread_every_class():
    y = np.array([0] * 50 + [1] * 10 + [2] * 3)
    folds = stratified_folds(y, 5, seed=0)
    for k in range(5):
        assert (y[folds == k] == 0).sum() == 10
        assert (y[folds == k] == 1).sum() == 2
    assert len(set(folds[y == 2].tolist())) == 3


def test_ensemble_averages_its_members_probabilities():
    members = [build_model("cnn", n_leads=1, length=64, n_rr=2, n_classes=3).eval() for _ in "ab"]
    ensemble = Ensemble(members).eval()
    x, rr = torch.randn(4, 1, 64), torch.randn(4, 2)
    with torch.inference_mode():
        mean = (torch.softmax(members[0](x, rr), 1) + torch.softmax(members[1](x, rr), 1)) / 2
        assert torch.allclose(torch.softmax(ensemble(x, rr), 1), mean, atol=1e-6)


def test_fold_ensemble_predicts_each_fold_with_the_member_that_never_trained_on_it():
    rng = np.random.default_rng(0)
    y = np.arange(30) % 3
    x = (rng.normal(size=(30, 1, 64)) + y[:, None, None]).astype(np.float32)
    data = Arrays(x, np.zeros((30, 0), np.float32), y.astype(np.int64))
    folds = np.arange(30) % 3
    folds[:3] = -1  # always trained on

    ensemble, histories, oof = fit_fold_ensemble(
        lambda: build_model("cnn", n_leads=1, length=64, n_rr=0, n_classes=3, width=8),
        data,
        folds,
        3,
        Settings(epochs=2, patience=2, batch_size=8, augment=False),
        _accuracy,
    )
    assert len(ensemble.members) == 3 and len(histories) == 3
    assert np.all(oof[:3] == 0) and np.all(oof[3:] != 0)
    member = ensemble.members[1]
    with torch.inference_mode():
        expected = member(torch.from_numpy(x[folds == 1]), torch.zeros(10, 0))
    assert np.allclose(oof[folds == 1], expected.numpy(), atol=1e-5)


def test_train_command_with_folds_writes_a_loadable_ensemble(ecg5000, tmp_path):
    out = tmp_path / "cnn-folds"
    argv = ["--model", "cnn", "--dataset", "ecg5000", "--data-dir", str(ecg5000), "--folds", "3"]
    argv += ["--out", str(out), "--epochs", "1", "--width", "8"]
    assert main(argv) == 0
    artefact = load_artefact(out)
    assert artefact.name == "ensemble"
    assert len(artefact.model.members) == 3
    assert artefact.config["training"]["epochs_run"] == [1, 1, 1]
    assert "out of fold" in (out / "MODEL_CARD.md").read_text()


def test_folds_are_refused_for_the_autoencoder(ecg5000, tmp_path):
    argv = ["--model", "ae", "--dataset", "ecg5000", "--data-dir", str(ecg5000), "--folds", "3"]
    with pytest.raises(SystemExit, match="classifiers only"):
        main([*argv, "--out", str(tmp_path / "ae")])


def test_out_of_fold_log_probs_come_from_the_member_that_held_the_fold_out():
    members = [build_model("cnn", n_leads=1, length=64, n_rr=0, n_classes=3).eval() for _ in "abc"]
    x, rr = torch.randn(6, 1, 64), torch.zeros(6, 0)
    folds = np.array([2, 0, 2, 1, 0, 2])
    out = out_of_fold_log_probs(Ensemble(members), x.numpy(), rr.numpy(), folds, 3)
    with torch.inference_mode():
        expected = torch.log_softmax(members[2](x[folds == 2], rr[folds == 2]), dim=1)
    assert np.allclose(out[folds == 2], expected.numpy(), atol=1e-5)
    with pytest.raises(ValueError, match="held out"):
        out_of_fold_log_probs(Ensemble(members), x.numpy(), rr.numpy(), folds - 1, 3)


def test_fit_head_learns_a_linear_rule_from_fixed_features():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    features = rng.normal(size=(300, 4)).astype(np.float32)
    features[:, 3] += 5.0 * y  # only the last feature tells the classes apart
    head = torch.nn.Linear(4, 3)
    history = fit_head(head, features, y, weight_power=0.5)
    assert history[-1]["train_loss"] < 0.5 * history[0]["train_loss"]
    with torch.inference_mode():
        predicted = head(torch.from_numpy(features)).argmax(1).numpy()
    assert (predicted == y).mean() > 0.9


def test_nested_cross_validation_never_predicts_a_fold_it_trained_on():
    # Random labels on noise: a model can memorise them, but not predict unseen examples. So
    # nested cross-validation must land near chance, where a leak of the test fold would not.
    rng = np.random.default_rng(0)
    n = 48
    x = rng.normal(size=(n, 1, 64)).astype(np.float32)
    y = rng.integers(0, 2, n).astype(np.int64)
    data = Arrays(x, np.zeros((n, 0), np.float32), y)
    folds = np.arange(n) % 4
    folds[:4] = -1  # always trained on, never predicted
    settings = Settings(epochs=40, patience=40, batch_size=8, augment=False, lr=5e-3)

    def build():
        return build_model("cnn", n_leads=1, length=64, n_rr=0, n_classes=2, width=8)

    memorised = build()
    fit_classifier(memorised, data, data, 2, settings, _accuracy)
    assert _accuracy(y, predict_logits(memorised, x, data.rr)) > 0.9  # it can memorise them

    logits = cross_validate(build, data, folds, 2, settings, _accuracy)
    assert np.all(logits[:4] == 0) and np.all(logits[4:] != 0)
    assert _accuracy(y[4:], logits[4:]) < 0.75


def test_cross_validate_command_writes_a_report_and_no_artefact(ecg5000, tmp_path):
    out = tmp_path / "cv"
    argv = ["--model", "cnn", "--dataset", "ecg5000", "--data-dir", str(ecg5000), "--folds", "3"]
    argv += ["--out", str(out), "--epochs", "1", "--width", "8", "--cross-validate"]
    assert main(argv) == 0
    report = json.loads((out / "crossval.json").read_text())
    assert report["split"] == "nested cross-validation over 3 folds"
    assert sum(m["support"] for m in report["per_class"].values()) == 500
    assert not (out / "weights.pt").exists()


def test_cross_validate_needs_folds(ecg5000, tmp_path):
    argv = ["--model", "cnn", "--dataset", "ecg5000", "--data-dir", str(ecg5000)]
    with pytest.raises(SystemExit, match="needs --folds"):
        main([*argv, "--out", str(tmp_path / "cv"), "--cross-validate"])
