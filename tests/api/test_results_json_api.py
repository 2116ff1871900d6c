"""results.json with a token: the recording page's download byte for byte; 404 for another user's
analysis, 409 until it has succeeded."""

from __future__ import annotations

import json

from django.urls import reverse

from analysis.models import Analysis
from tests.api.helpers import API, assert_error


def test_results_json_is_the_pages_file(api_alice, api_bob, alice_client, alices_objects):
    analysis = alices_objects.analysis
    url = f"{API}/analyses/{analysis.pk}/results.json"
    answer = api_alice.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert "attachment" in answer["Content-Disposition"]
    page = alice_client.get(reverse("analysis_results_json", args=[analysis.pk]))
    assert answer.content == page.content
    body = json.loads(answer.content)
    assert body["analysis"]["id"] == analysis.pk
    assert len(body["events"]) == analysis.events.count() > 0
    assert_error(api_bob.get(url), 404, "not_found")

    Analysis.objects.filter(pk=analysis.pk).update(status="running")
    assert_error(api_alice.get(url), 409, "not_ready")
