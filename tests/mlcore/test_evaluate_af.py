"""``evaluate af`` runs the platform's path on a record and scores its atrial fibrillation findings
against the rhythm annotations."""

import json

from mlcore.evaluate.__main__ import main
from tests.mlcore.helpers import write_slice


def test_af_findings_of_201_and_100_against_their_rhythm_notes(mitdb, tmp_path, capsys):
    write_slice(mitdb, tmp_path, "201", 120)  # atrial fibrillation from 0.2 s to 378 s
    write_slice(mitdb, tmp_path, "100", 120)  # sinus rhythm
    out = tmp_path / "af.json"
    argv = ["af", "--data-dir", str(tmp_path), "--records", "201,100", "--json", str(out)]
    assert main(argv) == 0
    results = {r["record"]: r for r in json.loads(out.read_text())["records"]}
    af = results["201"]
    assert af["episodes"] == 1 and af["reference_s"] > 119
    assert af["episodes_found"] == 1 and af["found_s"] > 0.8 * af["reference_s"]
    assert results["100"]["reference_s"] == 0 and results["100"]["false_s"] == 0
    totals = json.loads(out.read_text())["totals"]
    assert set(totals) == {"all", "DS1", "DS2"}  # 201 is DS1, 100 DS2
    assert "duration Se" in capsys.readouterr().out
