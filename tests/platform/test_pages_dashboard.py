"""Dashboard: the user's recordings with status, progress and flags; filters by date and status."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from analysis.models import Analysis
from recordings.models import Recording
from tests.platform.helpers import make_csv, upload_file


def upload(client, tmp_path, name: str) -> Recording:
    path = make_csv(tmp_path / f"{name}.csv", seconds=12)
    client.post(
        reverse("upload"), {"name": name, "files": [upload_file(path)], "sampling_rate": 250}
    )
    return Recording.objects.get(name=name)


def names(client, **params) -> list[str]:
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return [r.name for r in response.context["recordings"]]


def test_dashboard_filters_by_status_date_and_flag(alice_client, bob_client, tmp_path):
    done, running, old = (upload(alice_client, tmp_path, n) for n in ("done", "running", "old"))
    Analysis.objects.filter(recording=done).update(status="succeeded", progress=100, flagged=True)
    Analysis.objects.filter(recording=running).update(status="running", progress=30)
    Analysis.objects.filter(recording=old).update(status="failed", error="bad signal")
    Recording.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=40))
    bob_only = upload(bob_client, tmp_path, "bobs")

    assert set(names(alice_client)) == {"done", "running", "old"}
    assert names(alice_client, status="succeeded") == ["done"]
    assert names(alice_client, status="running") == ["running"]
    assert names(alice_client, status="flagged") == ["done"]
    assert names(alice_client, status="queued") == []
    since = (timezone.now() - timedelta(days=7)).date().isoformat()
    assert set(names(alice_client, **{"from": since})) == {"done", "running"}
    assert names(alice_client, to=since) == ["old"]
    # Nonsense filters are ignored rather than failing.
    assert len(names(alice_client, **{"from": "yesterday", "status": "zzz"})) == 3
    html = alice_client.get(reverse("dashboard"), {"status": "queued"}).content.decode()
    assert "No recordings match these filters" in html
    assert bob_only.name not in alice_client.get(reverse("dashboard")).content.decode()


def test_rerun_shows_in_the_history(alice_client, tmp_path):
    recording = upload(alice_client, tmp_path, "twice")
    Analysis.objects.filter(recording=recording).update(status="failed", error="worker lost")
    alice_client.post(reverse("recording_rerun", args=[recording.pk]))
    html = alice_client.get(reverse("recording_detail", args=[recording.pk])).content.decode()
    assert html.count('<tr class="analysis"') == 2
    assert "worker lost" in html
    row = alice_client.get(reverse("dashboard")).content.decode()
    assert 'data-status="queued"' in row
