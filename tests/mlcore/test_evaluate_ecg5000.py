import json

from mlcore.evaluate.__main__ import main
from mlcore.paths import MODELS_DIR


def test_evaluate_ecg5000_classifier(ecg5000, tmp_path, capsys):
    out = tmp_path / "cnn.json"
    argv = ["ecg5000", "--model", str(MODELS_DIR / "cnn-ecg5000"), "--data-dir", str(ecg5000)]
    assert main([*argv, "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["n"] == 4500
    assert report["accuracy"] > 0.9
    assert 0 < report["macro_f1"] <= 1
    assert "macro-F1" in capsys.readouterr().out
    assert (tmp_path / "cnn-confusion.png").exists() and (tmp_path / "cnn-roc.png").exists()


def test_evaluate_ecg5000_autoencoder(ecg5000, tmp_path):
    out = tmp_path / "ae.json"
    argv = ["ecg5000", "--model", str(MODELS_DIR / "ae-ecg5000"), "--data-dir", str(ecg5000)]
    assert main([*argv, "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["roc_auc_normal_vs_abnormal"] > 0.9
    assert 0 <= report["flagged_normal_fraction"] < 0.2
    assert (tmp_path / "ae-recon.png").exists()
