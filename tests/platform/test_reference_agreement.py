"""A WFDB record uploaded with its reference annotations (.atr): the analysis scores its beats
against them, shown on the recording page and given in the summary (API, results.json)."""

from __future__ import annotations

import json

from django.urls import reverse

from tests.platform.helpers import analysed_upload, wfdb_slice


def test_beats_are_scored_against_the_files_annotations(alice_client, mitdb, tmp_path):
    analysis = analysed_upload(
        alice_client, wfdb_slice(mitdb, "208", 120, tmp_path, annotations=True)
    )
    agreement = analysis.summary["reference_agreement"]
    # 208's first two minutes: about 190 beats, a third of them PVCs.
    assert 150 < agreement["annotated_beats"] < 260
    assert agreement["per_class"]["V"]["annotated"] > 30
    assert agreement["per_class"]["V"]["se"] > 0.8 and agreement["per_class"]["V"]["ppv"] > 0.8
    assert agreement["missed_beats"] <= 3 and agreement["extra_beats"] <= 3
    rows = agreement["confusion"]
    assert sum(map(sum, rows)) == agreement["found_beats"] + agreement["missed_beats"]

    page = alice_client.get(reverse("recording_detail", args=[analysis.recording_id])).text
    assert "Against the file's beat annotations" in page
    assert f"{agreement['annotated_beats']} beats where a beat can be classified" in page
    # Tables in class order, whatever order the database gives the stored object's keys.
    table = page[page.index('class="list agreement"') :]
    assert table.index("<td>N</td>") < table.index("<td>S</td>") < table.index("<td>V</td>")
    v_row = f"<td>V</td><td>{agreement['per_class']['V']['annotated']}</td>"
    assert v_row in table
    results = alice_client.get(reverse("analysis_results_json", args=[analysis.pk])).content
    assert json.loads(results)["summary"]["reference_agreement"] == agreement


def test_a_record_without_annotations_has_none(alice_client, mitdb, tmp_path):
    analysis = analysed_upload(alice_client, wfdb_slice(mitdb, "208", 30, tmp_path))
    assert analysis.summary["reference_agreement"] is None
    page = alice_client.get(reverse("recording_detail", args=[analysis.recording_id])).text
    assert "beat annotations</h2>" not in page
