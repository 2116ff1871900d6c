"""An upload with ventricular flutter: a major finding to review, urgent in the report."""

from django.urls import reverse

from analysis.report import EXPLANATIONS
from mlcore.findings import MAJOR
from tests.platform.helpers import analysed_upload, wfdb_slice


def test_ventricular_flutter_is_found_and_not_called_noise(alice_client, mitdb, tmp_path):
    # DS1 record 207: ventricular flutter from 41 to 61 s
    analysis = analysed_upload(alice_client, wfdb_slice(mitdb, "207", 90, tmp_path))
    [vf] = analysis.events.filter(type="vf")
    assert vf.severity == MAJOR and 38 <= vf.start_s < vf.end_s <= 64
    assert not analysis.events.filter(type="unreadable", start_s__lt=vf.end_s, end_s__gt=vf.start_s)
    assert analysis.flagged  # (the queue puts such cases first: test_review_queue.py)
    html = alice_client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert "Ventricular flutter/fibrillation (possible)" in html
    assert EXPLANATIONS["vf"].split(",")[0] in html
    assert "have a doctor look at these strips today" in html
    # The history and the recording page mark it urgent, not just flagged like any other.
    dashboard = alice_client.get(reverse("dashboard")).text
    assert ">urgent</span>" in dashboard and ">flagged</span>" not in dashboard
    page = alice_client.get(reverse("recording_detail", args=[analysis.recording_id])).text
    assert "urgent: possible ventricular flutter/fibrillation" in page
