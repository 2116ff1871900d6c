"""Record 100 through the web form, analysed by a real Celery worker on the configured broker.

In CI the broker is Redis and the database PostgreSQL (see .ci/run); with no environment it is the
filesystem broker and SQLite, the same code path.
"""

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from analysis.models import Analysis
from ecgsite.celery import app
from tests.platform.helpers import wait_until_done

REFERENCE_BEATS_100 = 2273


@pytest.mark.slow
def test_record_100_uploaded_and_analysed_by_a_worker(transactional_db, alice_client, record_100):
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        response = alice_client.post(
            reverse("upload"), {"name": "MIT-BIH 100", "files": record_100}
        )
        assert response.status_code == 302
        analysis = wait_until_done(Analysis.objects.get())
    assert analysis.status == "succeeded", analysis.error
    beats = analysis.summary["beats"]
    assert abs(beats - REFERENCE_BEATS_100) <= 0.005 * REFERENCE_BEATS_100
    assert 60 < analysis.summary["hr_mean_bpm"] < 90
    assert analysis.events.exists()
    envelope = alice_client.get(reverse("analysis_envelope", args=[analysis.pk]), {"points": 1000})
    assert envelope.status_code == 200
    assert 0 < len(envelope.json()["min"][0]) <= 1000
    page = alice_client.get(response.url).content.decode()
    assert f'<td class="beats">{beats}</td>' in page
