"""User A's token gets 404 on every one of user B's objects, for every method; nothing changes."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, resolve

from analysis.models import Analysis, Webhook, WebhookDelivery
from ecgsite import api_urls
from recordings.models import Recording
from tests.api.helpers import API, assert_error

METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]


def object_urls(objects) -> list[str]:
    """Every API URL that names one of alice's objects, from the URLconf itself."""
    values = {
        "recording": objects.recording.pk,
        "analysis": objects.analysis.pk,
        "webhook": objects.webhook.pk,
    }
    urls = []
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern | URLResolver)
        route = str(pattern.pattern)
        if "<int:pk>" not in route or route.startswith("review/"):
            continue  # review cases belong to no user: reviewers only (tests/api/test_review_api.py)
        kind = {"recordings": "recording", "analyses": "analysis", "webhooks": "webhook"}[
            route.split("/")[0]
        ]
        url = route.replace("<int:pk>", str(values[kind]))
        url = url.replace("<str:name>", objects.file_name).replace("<int:row>", "1")
        url = url.replace("<int:event_id>", str(objects.analysis.events.first().pk))
        url = url.replace("<int:delivery_id>", str(objects.delivery.pk))
        urls.append(f"{API}/" + url)
    return urls


def test_every_object_url_is_covered(alices_objects):
    urls = object_urls(alices_objects)
    routes = [str(p.pattern) for p in api_urls.urlpatterns]
    owned = [r for r in routes if "<int:pk>" in r and not r.startswith("review/")]
    assert len(urls) == len(owned) >= 14  # 4 recording, 8 analysis and 2 webhook URLs at least
    assert {url.split("/")[3] for url in urls} == {"recordings", "analyses", "webhooks"}


def test_other_users_token_gets_404_everywhere(api_bob, api_alice, alices_objects):
    """Every method the endpoint serves is a 404 with the error body; the others (405, OPTIONS)
    answer exactly as for an id that does not exist, so nothing tells that the object exists."""
    before = snapshot()
    for url in object_urls(alices_objects):
        allowed = resolve(url).func.cls().allowed_methods
        missing = missing_url(url)
        for method in METHODS:
            response = getattr(api_bob, method)(url)
            if method.upper() in allowed and method not in ("options", "head"):
                assert_error(response, 404, "not_found")
            absent = getattr(api_bob, method)(missing)
            assert (response.status_code, response.content) == (
                absent.status_code,
                absent.content.replace(missing.encode(), url.encode()),
            ), (method, url)
    assert snapshot() == before
    for url in object_urls(alices_objects):  # alice still reaches every one she can read
        if "GET" not in resolve(url).func.cls().allowed_methods:
            continue  # an action (POST only), e.g. a webhook's new secret
        expected = 409 if "/rows/" in url else 200  # her analysis is of a recording, not a table
        assert api_alice.get(url).status_code == expected, url


def missing_url(url: str) -> str:
    """The same URL with an id that no object has."""
    parts = url.split("/")
    parts[4] = "999999"
    return "/".join(parts)


def test_other_users_session_gets_404_everywhere(bob_client, alices_objects):
    for url in object_urls(alices_objects):
        for method in resolve(url).func.cls().allowed_methods:
            if method in ("OPTIONS", "HEAD"):
                continue
            response = getattr(bob_client, method.lower())(url)
            assert_error(response, 404, "not_found")


def test_lists_hold_only_ones_own(api_bob, alices_objects):
    for name in ["recordings", "analyses", "webhooks"]:
        assert api_bob.get(f"{API}/{name}/").json()["count"] == 0
    filtered = api_bob.get(f"{API}/analyses/", {"recording": alices_objects.recording.pk})
    assert filtered.json()["count"] == 0


def snapshot() -> tuple:
    return (
        list(Recording.objects.values_list("pk", "name")),
        list(Analysis.objects.values_list("pk", "status")),
        list(Webhook.objects.values_list("pk", "url", "active")),
        WebhookDelivery.objects.count(),
    )
