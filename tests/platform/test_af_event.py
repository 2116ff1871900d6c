"""An upload in atrial fibrillation: the rhythm event, its review flag and its place in the report."""

from django.urls import reverse

from analysis.report import EXPLANATIONS
from mlcore.findings import MAJOR
from tests.platform.helpers import analysed_upload, wfdb_slice


def test_atrial_fibrillation_is_an_event_to_review_and_its_beats_are_not_pacs(
    alice_client, mitdb, tmp_path
):
    analysis = analysed_upload(alice_client, wfdb_slice(mitdb, "203", 180, tmp_path))
    af = list(analysis.events.filter(type="af"))
    assert af and all(e.severity == MAJOR and e.end_s - e.start_s >= 30 for e in af)
    assert sum(e.end_s - e.start_s for e in af) > 100  # most of the three minutes
    assert analysis.flagged
    assert not analysis.events.filter(type__in=["pac", "s_couplet", "s_run"]).exists()
    page = alice_client.get(reverse("analysis_report", args=[analysis.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Atrial fibrillation (suspected)" in html
    assert 50 < analysis.summary["af_burden_pct"] <= 100
    assert f"{analysis.summary['af_burden_pct']} % of the recording" in html
    assert EXPLANATIONS["af"].split(",")[0] in html
