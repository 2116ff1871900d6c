"""One analysis of a recording at a time: a re-run while one is queued or running is refused, by
the API (409 ``analysis_running``) as by the page's re-run button."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from analysis.models import ALREADY_RUNNING, Analysis
from tests.api.helpers import API, assert_error


def test_api_refuses_a_second_rerun_while_one_runs(api_alice, alice_client, alices_objects):
    rec = alices_objects.recording
    url = f"{API}/recordings/{rec.pk}/analyses/"
    first = api_alice.post(url)
    assert first.status_code == 202, first.content
    for _ in range(2):
        error = assert_error(api_alice.post(url), 409, "analysis_running")
        assert error["message"] == ALREADY_RUNNING
    assert rec.analyses.count() == 2

    page = alice_client.post(reverse("recording_rerun", args=[rec.pk]))  # the page says the same
    assert page.status_code == 302
    assert [str(m) for m in get_messages(page.wsgi_request)] == [ALREADY_RUNNING]
    assert rec.analyses.count() == 2

    Analysis.objects.filter(pk=first.json()["id"]).update(status=Analysis.Status.FAILED)
    assert api_alice.post(url).status_code == 202
    assert rec.analyses.count() == 3
