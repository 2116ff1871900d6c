"""HEAD answers wherever GET does: the headers of a file or a report without its body."""

from tests.api.helpers import API, assert_error


def test_head_gives_the_headers_of_a_download(api_alice, alices_objects):
    url = f"{API}/recordings/{alices_objects.recording.pk}/files/{alices_objects.file_name}"
    got, head = api_alice.get(url), api_alice.head(url)
    assert head.status_code == 200
    assert head["Content-Type"] == got["Content-Type"]
    assert head["Content-Length"] == got["Content-Length"] != "0"
    status = api_alice.head(f"{API}/analyses/{alices_objects.analysis.pk}/status/")
    assert status.status_code == 200 and status.content == b""


def test_head_follows_the_same_rules_as_get(api_alice, api_bob, alices_objects):
    analysis = f"{API}/analyses/{alices_objects.analysis.pk}/"
    assert api_bob.head(analysis).status_code == 404  # not Bob's
    assert_error(api_alice.put(analysis), 405, "method_not_allowed")  # only GET and HEAD
    schema = api_alice.get(f"{API}/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert all("head" not in operations for operations in schema["paths"].values())


def test_head_on_a_list_never_runs_its_create(settings, api_alice, alice):
    """recordings/ and webhooks/ take GET and POST: HEAD is the list's GET, not an upload."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100/min", "user": "100/min", "upload": "1/min"},
    }
    for url in (f"{API}/recordings/", f"{API}/webhooks/"):
        head = api_alice.head(url)
        assert head.status_code == 200 and head["Content-Type"] == "application/json"
        assert head.content == b""
    upload = api_alice.post(f"{API}/recordings/", {"files": []}, format="multipart")
    assert upload.status_code == 400  # the budget's one upload is still there
    assert not alice.webhooks.exists()
