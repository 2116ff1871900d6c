"""beats.csv and events.csv with a token: the page's downloads byte for byte, 404 for another user's
analysis, 409 ``not_ready`` / ``analysis_failed`` until it has succeeded; and the API's events
join exactly to its beats."""

import csv
import io

from django.urls import reverse

from analysis.models import Analysis
from tests.api.helpers import API, assert_error


def page_bytes(client, name: str, analysis: Analysis) -> bytes:
    response = client.get(reverse(name, args=[analysis.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def api_bytes(response) -> bytes:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_csvs_are_the_pages_bytes(api_alice, api_bob, alice_client, alices_objects):
    analysis = alices_objects.analysis
    for part, name in (("beats", "analysis_beats_csv"), ("events", "analysis_events_csv")):
        url = f"{API}/analyses/{analysis.pk}/{part}.csv"
        assert api_bytes(api_alice.get(url)) == page_bytes(alice_client, name, analysis)
        assert api_bytes(api_alice.get(url, HTTP_ACCEPT="text/csv")).startswith(b"id,type,") == (
            part == "events"
        )
        assert_error(api_bob.get(url), 404, "not_found")


def test_the_csvs_of_an_unfinished_analysis_are_409(api_alice, alices_objects):
    analysis = alices_objects.analysis
    for state, code in (("running", "not_ready"), ("failed", "analysis_failed")):
        Analysis.objects.filter(pk=analysis.pk).update(status=state, error="out of memory")
        for part in ("beats", "events"):
            response = api_alice.get(f"{API}/analyses/{analysis.pk}/{part}.csv")
            assert response["Content-Type"] == "application/json"
            message = assert_error(response, 409, code)["message"]
            assert ("Out of memory." in message) == (state == "failed")


def test_api_events_join_exactly_to_api_beats(api_alice, alices_objects):
    analysis = alices_objects.analysis
    beats = api_alice.get(f"{API}/analyses/{analysis.pk}/beats/").json()["time_s"]
    events = api_alice.get(f"{API}/analyses/{analysis.pk}/events/", {"page_size": 500}).json()
    pvcs = [e for e in events["results"] if e["type"] == "pvc"]
    assert pvcs
    for event in pvcs:
        assert event["start_s"] in beats and event["start_s"] == event["end_s"]
    rows = csv.DictReader(
        io.StringIO(api_bytes(api_alice.get(f"{API}/analyses/{analysis.pk}/events.csv")).decode())
    )
    assert [float(row["start_s"]) for row in rows] == [e["start_s"] for e in events["results"]]


def test_the_schema_documents_the_csvs(api_alice):
    schema = api_alice.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for part in ("beats", "events"):
        operation = schema["paths"][f"/api/v1/analyses/{{id}}/{part}.csv"]["get"]
        assert set(operation["responses"]["200"]["content"]) == {"text/csv"}
        assert "analysis_failed" in operation["responses"]["409"]["description"]
