from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from analysis.models import Analysis
from analysis.pipeline import recover_stuck
from tests.platform.helpers import upload_file


def make_stale(analysis: Analysis, attempts: int) -> None:
    old = timezone.now() - timedelta(hours=2)
    Analysis.objects.filter(pk=analysis.pk).update(status="running", updated=old, attempts=attempts)


def test_stuck_analysis_is_requeued_then_given_up(alice_client, alice, ecg_csv, settings):
    settings.ANALYSIS_MAX_ATTEMPTS = 2
    alice_client.post(reverse("upload"), {"files": [upload_file(ecg_csv)], "sampling_rate": "250"})
    analysis = Analysis.objects.get()
    assert recover_stuck() == []  # fresh: left alone

    make_stale(analysis, attempts=1)
    assert recover_stuck() == [(analysis.pk, "requeued")]
    analysis.refresh_from_db()
    assert analysis.status == "queued"

    make_stale(analysis, attempts=2)
    call_command("recover_analyses")
    analysis.refresh_from_db()
    assert analysis.status == "failed"
    assert "stopped responding 2 times" in analysis.error
