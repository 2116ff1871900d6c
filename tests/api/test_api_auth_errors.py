"""Token and session authentication, throttles and the one error body shape."""

from __future__ import annotations

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api.helpers import API, assert_error
from tests.platform.helpers import upload_file


def test_no_or_bad_credentials_are_401(client, alice):
    error = assert_error(client.get(f"{API}/recordings/"), 401, "not_authenticated")
    assert "credentials" in error["message"]
    assert client.get(f"{API}/recordings/")["WWW-Authenticate"] == "Token"
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert_error(bad.get(f"{API}/analyses/"), 401, "authentication_failed")


def test_revoked_token_stops_working(api_alice, alice):
    assert api_alice.get(f"{API}/recordings/").status_code == 200
    Token.objects.filter(user=alice).delete()
    assert_error(api_alice.get(f"{API}/recordings/"), 401, "authentication_failed")


def test_session_auth_works_and_needs_csrf_for_changes(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get(f"{API}/recordings/").json()["count"] == 0
    refused = browser.post(f"{API}/webhooks/", {"url": "https://hooks.example.org/x"})
    assert "CSRF" in assert_error(refused, 403, "permission_denied")["message"]
    browser.get("/account/")  # sets the CSRF cookie, as the page would
    token = browser.cookies["csrftoken"].value
    created = browser.post(
        f"{API}/webhooks/", {"url": "https://hooks.example.org/x"}, HTTP_X_CSRFTOKEN=token
    )
    assert created.status_code == 201, created.content


def test_throttles_per_token_and_per_user(settings, alice):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min", "user": "5/min", "upload": "1/min"},
    }
    first, second = APIClient(), APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    for _ in range(3):
        assert first.get(f"{API}/recordings/").status_code == 200
    throttled = first.get(f"{API}/recordings/")
    error = assert_error(throttled, 429, "throttled")
    assert 0 < error["details"]["wait_s"] <= 60
    assert int(throttled["Retry-After"]) > 0
    # A new token has its own budget, within the user's budget of 5.
    Token.objects.filter(user=alice).delete()
    second.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    assert second.get(f"{API}/recordings/").status_code == 200
    assert_error(second.get(f"{API}/recordings/"), 429, "throttled")  # user: 6th request


def test_uploads_have_their_own_tighter_budget(settings, api_alice, alice, ecg_csv):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100/min", "user": "100/min", "upload": "1/min"},
    }
    upload = {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    assert api_alice.post(f"{API}/recordings/", upload, format="multipart").status_code == 201
    upload = {"files": [upload_file(ecg_csv)], "sampling_rate": 250}
    again = api_alice.post(f"{API}/recordings/", upload, format="multipart")
    error = assert_error(again, 429, "throttled")
    assert error["message"] == "Too many uploads or re-runs for now: try again in 1 min."
    assert api_alice.get(f"{API}/recordings/").status_code == 200


def test_unknown_urls_and_methods_answer_the_error_body(api_alice):
    assert_error(api_alice.get(f"{API}/nothing/here"), 404, "not_found")
    assert_error(api_alice.get(f"{API}/recordings/abc/"), 404, "not_found")
    no_slash = assert_error(api_alice.post(f"{API}/recordings"), 404, "not_found")
    assert no_slash["message"].endswith(
        f"Did you mean {API}/recordings/ (every endpoint ends with a slash)?"
    )
    assert (
        "Did you mean"
        not in assert_error(api_alice.get(f"{API}/nothing"), 404, "not_found")["message"]
    )
    assert_error(api_alice.put(f"{API}/recordings/"), 405, "method_not_allowed")
    bad_json = api_alice.post(f"{API}/webhooks/", "{nope", content_type="application/json")
    assert_error(bad_json, 400, "parse_error")
    no_url = api_alice.post(f"{API}/webhooks/", {}, format="json")
    error = assert_error(no_url, 400, "invalid")
    assert error["message"] == "url: This field is required."
    assert error["details"] == {"url": ["This field is required."]}


def test_schema_and_docs_pages(client):
    schema = client.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.")
    assert len(spec["paths"]) >= 20
    envelope = spec["paths"]["/api/v1/analyses/{id}/envelope/"]["get"]
    assert {p["name"] for p in envelope["parameters"]} >= {"id", "start", "end", "points"}
    assert {"200", "400", "401", "404", "409", "429"} <= set(envelope["responses"])
    assert envelope["responses"]["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert {"tokenAuth", "cookieAuth"} <= set(spec["components"]["securitySchemes"])
    as_json = client.get(f"{API}/schema.json")  # for tools that cannot send an Accept header
    assert as_json.status_code == 200 and as_json.json()["paths"].keys() == spec["paths"].keys()
    docs = client.get(f"{API}/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
