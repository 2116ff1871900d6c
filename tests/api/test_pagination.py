"""Pagination parameters: a bad page or page_size is a 400 naming it, a page after the last a 404,
and every page says the page size it used (capped at 500)."""

from __future__ import annotations

import pytest

from analysis.models import Event
from tests.api.helpers import API, assert_error


@pytest.fixture
def events_url(alices_objects) -> str:
    analysis = alices_objects.analysis
    Event.objects.filter(analysis=analysis).delete()
    Event.objects.bulk_create(
        Event(analysis=analysis, type="pvc", start_s=t, end_s=t, severity=1, score=1)
        for t in range(5)
    )
    return f"{API}/analyses/{analysis.pk}/events/"


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e3", "2.0", "²"])
def test_a_bad_page_is_400(api_alice, events_url, page):
    error = assert_error(api_alice.get(events_url, {"page": page}), 400, "invalid")
    assert "page" in error["details"] and "whole number" in error["message"]


@pytest.mark.parametrize("size", ["-5", "abc", "0", "1.5"])
def test_a_bad_page_size_is_400(api_alice, events_url, size):
    error = assert_error(api_alice.get(events_url, {"page_size": size}), 400, "invalid")
    assert "page_size" in error["details"] and "whole number" in error["message"]


def test_pages_say_their_size_and_the_last_page(api_alice, alices_objects, events_url):
    first = api_alice.get(events_url, {"page_size": 2}).json()
    assert (first["count"], first["page_size"], len(first["results"])) == (5, 2, 2)
    last = api_alice.get(events_url, {"page_size": 2, "page": "last"}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert api_alice.get(events_url).json()["page_size"] == 50
    assert api_alice.get(events_url, {"page_size": 10**6}).json()["page_size"] == 500
    past = assert_error(api_alice.get(events_url, {"page": 4, "page_size": 2}), 404, "not_found")
    assert "last page is 3" in past["message"]
    recordings = f"{API}/recordings/{alices_objects.recording.pk}/analyses/"  # every list
    assert_error(api_alice.get(recordings, {"page": "abc"}), 400, "invalid")
    assert api_alice.get(recordings, {"page_size": 1}).json()["page_size"] == 1


def test_every_paged_list_documents_page_and_page_size(api_alice):
    schema = api_alice.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paged = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "Paginated" in str(operation.get("responses", {}).get("200"))
    }
    assert ("/api/v1/webhooks/", "get") in paged and len(paged) >= 7
    for path, method in paged:
        names = [p["name"] for p in schema["paths"][path][method].get("parameters", [])]
        assert names.count("page") == 1 and names.count("page_size") == 1, (path, names)
