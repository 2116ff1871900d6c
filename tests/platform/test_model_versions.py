"""An analysis names what made its results: each artefact file that decides the output, and the
mlcore code it ran, count."""

from __future__ import annotations

import pytest

from analysis.storage import code_version, model_version


def test_a_new_threshold_is_a_new_version(tmp_path):
    folder = tmp_path / "ae-mitdb"
    folder.mkdir()
    (folder / "weights.pt").write_bytes(b"weights")
    (folder / "threshold.json").write_text('{"threshold": 0.055}')
    before = model_version(folder)
    (folder / "threshold.json").write_text('{"threshold": 5.54, "relative": true}')
    after = model_version(folder)
    assert before.startswith("ae-mitdb@") and after.startswith("ae-mitdb@") and before != after
    (folder / "threshold.json").unlink()
    assert model_version(folder) not in (before, after)


@pytest.mark.parametrize("name", ["normalisation.json", "config.json"])
def test_normalisation_and_config_count_but_the_card_does_not(tmp_path, name):
    folder = tmp_path / "cnn-mitdb"
    folder.mkdir()
    (folder / "weights.pt").write_bytes(b"weights")
    (folder / name).write_text('{"mean": [0.0]}')
    before = model_version(folder)
    (folder / "MODEL_CARD.md").write_text("# card")
    (folder / "metrics.json").write_text("{}")
    assert model_version(folder) == before
    (folder / name).write_text('{"mean": [1.0]}')
    assert model_version(folder) != before


def test_code_version_follows_the_code_an_analysis_runs(tmp_path):
    package = tmp_path / "mlcore"
    (package / "evaluate").mkdir(parents=True)
    (package / "rhythm.py").write_text("AF_THRESHOLD = 0.10\n")
    (package / "evaluate" / "af.py").write_text("print('af')\n")
    before = code_version.__wrapped__(package)
    assert before.startswith("mlcore@")
    (package / "evaluate" / "af.py").write_text("print('af, again')\n")
    assert code_version.__wrapped__(package) == before
    (package / "rhythm.py").write_text("AF_THRESHOLD = 0.12\n")
    assert code_version.__wrapped__(package) != before


def test_the_running_code_has_a_version():
    assert code_version().startswith("mlcore@") and len(code_version()) == len("mlcore@") + 12
