import re

import numpy as np
import pytest

from mlcore.evaluate.__main__ import main
from mlcore.evaluate.beats import annotated_beats
from mlcore.segment import AAMI_CLASSES
from tests.mlcore.helpers import write_slice

N, S = AAMI_CLASSES.index("N"), AAMI_CLASSES.index("S")


def save_predictions(folder, labels: np.ndarray, called: np.ndarray) -> None:
    log_probs = np.log(np.full((len(called), 5), 0.01))
    log_probs[np.arange(len(called)), called] = np.log(0.96)
    np.savez(folder / "crossval-predictions.npz", log_probs=log_probs, labels=labels)


def mean_f1(line: str) -> float:
    return float(re.search(r"mean F1 \(N, S, V\) ([0-9.]+)", line).group(1))


def test_the_rule_undoes_s_called_in_atrial_fibrillation(mitdb, tmp_path, capsys):
    records = ("209", "203")  # DS1: atrial premature beats; atrial fibrillation
    labels = []
    for record in records:
        write_slice(mitdb, tmp_path, record, 120)
        labels.append(annotated_beats(tmp_path / record, 1)[0])
    called = [labels[0], np.where(labels[1] == N, S, labels[1])]  # every N beat in AF called S
    save_predictions(tmp_path, np.concatenate(labels), np.concatenate(called))
    argv = ["crossval", "--predictions", str(tmp_path), "--data-dir", str(tmp_path)]
    assert main([*argv, "--records", ",".join(records)]) == 0
    alone, ruled = capsys.readouterr().out.splitlines()
    assert alone.startswith("classifier alone") and ruled.startswith("with the rhythm rule")
    assert mean_f1(ruled) > mean_f1(alone) + 0.2


def test_predictions_that_do_not_line_up_with_the_records_are_refused(mitdb, tmp_path):
    write_slice(mitdb, tmp_path, "209", 60)
    labels = annotated_beats(tmp_path / "209", 1)[0]
    save_predictions(tmp_path, labels[1:], labels[1:])  # one beat short, shifted
    argv = ["crossval", "--predictions", str(tmp_path), "--data-dir", str(tmp_path)]
    with pytest.raises(SystemExit, match="do not line up with record 209"):
        main([*argv, "--records", "209"])


def test_a_folder_without_predictions_says_how_to_make_them(tmp_path):
    argv = ["crossval", "--predictions", str(tmp_path), "--data-dir", str(tmp_path)]
    with pytest.raises(SystemExit, match="--cross-validate first"):
        main(argv)
