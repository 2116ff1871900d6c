"""A JSON body nested too deeply for the decoder is a 400 ``parse_error`` on every JSON endpoint,
like any other malformed JSON, not a 500."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from analysis.models import Webhook
from tests.api.helpers import API, assert_error

DEEP = "[" * 5000 + "]" * 5000  # valid JSON, but deeper than Python's decoder can recurse
UNCLOSED = "[" * 5000  # the report's repro


@pytest.mark.parametrize("body", [DEEP, UNCLOSED])
def test_deep_bodies_are_parse_errors(api_alice, alice, finished, body):
    hook = Webhook.objects.create(owner=alice, url="https://hooks.example.org/in")
    calls = [
        ("put", f"{API}/recordings/{finished.recording_id}/questionnaire/"),
        ("post", f"{API}/webhooks/"),
        ("patch", f"{API}/webhooks/{hook.pk}/"),
        ("delete", f"{API}/account/"),
    ]
    for method, url in calls:
        response = getattr(api_alice, method)(url, body, content_type="application/json")
        error = assert_error(response, 400, "parse_error")
        assert error["message"] == "JSON parse error - the body is nested too deeply.", url
    assert User.objects.filter(pk=alice.pk).exists()
    assert Webhook.objects.filter(owner=alice).count() == 1
