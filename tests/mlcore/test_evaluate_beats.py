import json

import numpy as np
import pytest

from mlcore.agreement import NO_BEAT, detection_report
from mlcore.evaluate.__main__ import main
from mlcore.paths import MODELS_DIR
from mlcore.segment import AAMI_CLASSES
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


def test_evaluate_beats_applies_the_af_rule_unless_told_not_to(mitdb, tmp_path):
    write_slice(mitdb, tmp_path, "203", 120)  # DS1: atrial fibrillation
    argv = ["beats", "--model", str(MODELS_DIR / "cnn-mitdb"), "--data-dir", str(tmp_path)]
    reports = {}
    for name, extra in (("rule", []), ("alone", ["--no-af-rule"])):
        out = tmp_path / f"{name}.json"
        assert main([*argv, "--records", "203", "--json", str(out), *extra]) == 0
        reports[name] = json.loads(out.read_text())
    assert reports["rule"]["af_rule"] and not reports["alone"]["af_rule"]
    assert "--no-af-rule" in reports["alone"]["command"]
    called_s = [sum(row[1] for row in r["confusion"]) for r in (reports["rule"], reports["alone"])]
    assert called_s[0] < called_s[1]  # the classifier alone calls some AF beats S
    called_v = [[row[2] for row in r["confusion"]] for r in (reports["rule"], reports["alone"])]
    # The rule never makes a beat V; step 5 turns beats called V that have the sinus QRS into N.
    assert all(a <= b for a, b in zip(*called_v, strict=True))


def test_a_missing_record_is_named_without_a_traceback(tmp_path, capsys):
    argv = ["beats", "--model", str(MODELS_DIR / "cnn-mitdb"), "--data-dir", str(tmp_path)]
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--records", "nope"])
    assert stopped.value.code == 2
    assert "error: nope.hea does not exist" in capsys.readouterr().err


def test_evaluate_beats_on_the_beats_the_detector_finds(mitdb, tmp_path, capsys):
    write_slice(mitdb, tmp_path, "119", 120)  # DS1: sinus rhythm with bigeminy
    out = tmp_path / "detected.json"
    argv = ["beats", "--model", str(MODELS_DIR / "cnn-mitdb"), "--data-dir", str(tmp_path)]
    assert main([*argv, "--records", "119", "--beats", "detected", "--json", str(out)]) == 0
    assert "missed beats" in capsys.readouterr().out
    report = json.loads(out.read_text())
    assert report["beats"] == "detected" and "--beats detected" in report["command"]
    confusion = report["confusion"]
    assert len(confusion) == 6  # N S V F Q none
    assert set(report["per_class"]) == {"N", "S", "V", "F", "Q"}
    assert report["missed_beats"] == sum(row[5] for row in confusion) < 5
    assert report["false_detections"] == sum(confusion[5]) < 5
    assert report["per_class"]["V"]["se"] > 0.9 and report["per_class"]["N"]["se"] > 0.9


def test_a_missed_beat_and_a_false_detection_count_against_their_classes():
    n, s, v, none = 0, 1, 2, NO_BEAT
    labels = np.array([n, n, v, v, none])  # the last detection matches no annotated beat
    predicted = np.array([n, n, v, none, v])  # the second V was not detected
    report = detection_report(labels, predicted, AAMI_CLASSES)
    assert report["per_class"]["V"]["se"] == 0.5  # one of two V beats found
    assert report["per_class"]["V"]["ppv"] == 0.5  # one of two V calls is a beat
    assert report["per_class"]["N"]["se"] == report["per_class"]["N"]["ppv"] == 1.0
    assert report["missed_beats"] == report["false_detections"] == 1
    assert "none" not in report["per_class"] and s not in labels


def test_the_autoencoder_is_not_scored_on_detected_beats(mitdb, tmp_path):
    write_slice(mitdb, tmp_path, "119", 30)
    argv = ["beats", "--model", str(MODELS_DIR / "ae-mitdb"), "--data-dir", str(tmp_path)]
    with pytest.raises(SystemExit, match="AAMI beat classifiers only"):
        main([*argv, "--records", "119", "--beats", "detected"])
