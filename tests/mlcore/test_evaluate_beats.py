import json

from mlcore.evaluate.__main__ import main
from mlcore.paths import MODELS_DIR
from tests.mlcore.helpers import write_slice


def test_evaluate_beats_on_a_short_slice(mitdb, tmp_path, capsys):
    for record in ("119", "209"):
        write_slice(mitdb, tmp_path, record, 60)
    out = tmp_path / "report" / "cnn.json"
    argv = ["beats", "--model", str(MODELS_DIR / "cnn-mitdb"), "--data-dir", str(tmp_path)]
    assert main([*argv, "--records", "119,209", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "accuracy" in printed and "confusion" in printed
    report = json.loads(out.read_text())
    assert report["records"] == ["119", "209"]
    assert set(report["per_class"]) == {"N", "S", "V", "F", "Q"}
    assert report["per_class"]["V"]["support"] > 0
    assert sum(map(sum, report["confusion"])) == report["n"] > 100
    assert (tmp_path / "report" / "cnn-confusion.png").stat().st_size > 1000


def test_evaluate_beats_with_the_autoencoder(mitdb, tmp_path, capsys):
    write_slice(mitdb, tmp_path, "119", 60)
    out = tmp_path / "ae.json"
    argv = ["beats", "--model", str(MODELS_DIR / "ae-mitdb"), "--data-dir", str(tmp_path)]
    assert main([*argv, "--records", "119", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert 0.5 < report["roc_auc_normal_vs_abnormal"] <= 1.0
    assert (tmp_path / "ae-roc.png").exists() and (tmp_path / "ae-recon.png").exists()
    assert "roc_auc" in capsys.readouterr().out
