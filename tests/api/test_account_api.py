"""The account in the API: whom the token belongs to, and deleting the account."""

from __future__ import annotations

import io
import json
import zipfile

from django.contrib.auth.models import User

from analysis import review
from ecgsite.accounts import LOGIN_FAILURES
from recordings.models import Recording
from tests.api.helpers import API, assert_error, token_client
from tests.platform.review_helpers import make_case, make_reviewer


def test_the_account_says_whose_it_is(api_alice, alice):
    make_case(alice)
    body = api_alice.get(f"{API}/account/").json()
    assert body["username"] == "alice" and body["email"] == "alice@example.org"
    assert body["recordings"] == 1 and body["reviewer"] is False


def test_delete_with_the_password(api_alice, alice, bob):
    make_case(alice)
    make_case(bob)
    response = api_alice.delete(f"{API}/account/", {"password": "correct-horse-1"}, format="json")
    assert response.status_code == 204
    assert not User.objects.filter(pk=alice.pk).exists()
    assert list(Recording.objects.values_list("owner__username", flat=True)) == ["bob"]
    # The token went with the account.
    assert_error(api_alice.get(f"{API}/account/"), 401, "authentication_failed")


def test_delete_without_or_with_a_wrong_password(api_alice, alice):
    assert_error(api_alice.delete(f"{API}/account/"), 400, "invalid")
    wrong = api_alice.delete(f"{API}/account/", {"password": "nope"}, format="json")
    assert_error(wrong, 400, "wrong_password")
    assert User.objects.filter(pk=alice.pk).exists()


def test_too_many_wrong_passwords_are_throttled(api_alice, alice):
    for _ in range(LOGIN_FAILURES):
        api_alice.delete(f"{API}/account/", {"password": "nope"}, format="json")
    locked = api_alice.delete(f"{API}/account/", {"password": "correct-horse-1"}, format="json")
    assert_error(locked, 429, "throttled")
    assert int(locked["Retry-After"]) > 0
    assert User.objects.filter(pk=alice.pk).exists()


def test_a_reviewer_of_others_recordings_cannot_delete(alice):
    rita = make_reviewer("rita", password="reviewer-pass-3")
    assert review.claim(make_case(alice).pk, rita)
    client = token_client(rita)
    assert client.get(f"{API}/account/").json()["reviewer"] is True
    refused = client.delete(f"{API}/account/", {"password": "reviewer-pass-3"}, format="json")
    assert_error(refused, 409, "account_has_reviews")
    assert User.objects.filter(pk=rita.pk).exists()


def test_the_export_is_a_zip_of_ones_own_data(api_alice, alice, bob):
    mine = make_case(alice, name="mine").analysis.recording
    make_case(bob, name="theirs")
    response = api_alice.get(f"{API}/account/export.zip", HTTP_ACCEPT="application/zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    listing = json.loads(archive.read("account.json"))
    assert [r["id"] for r in listing["recordings"]] == [mine.pk]
    # make_case's analysis has no stored results: the zip says so instead of breaking off.
    analysis = mine.analyses.get()
    assert f"{mine.pk}-mine/analysis-{analysis.pk}/results.missing.txt" in archive.namelist()
