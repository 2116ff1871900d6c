"""An analysis names the model versions it ran: the weights and the threshold both count."""

from __future__ import annotations

from analysis.storage import model_version


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
