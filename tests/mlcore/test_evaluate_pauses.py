"""``evaluate pauses`` runs the platform's path on a record and checks its pause findings against
the reference beats."""

import json

from mlcore.evaluate.__main__ import main
from tests.mlcore.helpers import write_slice


def test_pauses_of_232_against_its_reference_beats(mitdb, tmp_path, capsys):
    write_slice(mitdb, tmp_path, "232", 250)  # sinus bradycardia with pauses, one at 239.5 s
    out = tmp_path / "pauses.json"
    argv = ["pauses", "--data-dir", str(tmp_path), "--records", "232", "--json", str(out)]
    assert main(argv) == 0
    (result,) = json.loads(out.read_text())["records"]
    assert result["reference"] >= 1 and result["reference_found"] == result["reference"]
    assert result["found"] >= result["reference_found"] and result["false"] == 0
    assert "reference pauses" in capsys.readouterr().out
