"""schemathesis against the live schema, in process: every operation, token and session auth.

Cases come from the schema (valid and invalid data, random ids and the ids of alice's real objects);
every response must be no 5xx and match the schema (status code, content type, headers, body).
The full run against a server is in the README ("API").
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from analysis.models import Event, ReviewCase
from analysis.review import REVIEWERS_GROUP

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and auth mode: enough to catch crashes, few enough to stay fast (~30 s).
# BEATLINE_FUZZ_EXAMPLES=200 runs a longer search.
EXAMPLES = int(os.environ.get("BEATLINE_FUZZ_EXAMPLES", 8))


def credentials(mode: str, user) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and cookies of a token client, or of a logged-in browser (session + CSRF)."""
    if mode == "token":
        return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}, {}
    browser = Client()
    browser.force_login(user)
    csrf = _get_new_csrf_string()
    cookies = {"sessionid": browser.cookies["sessionid"].value, "csrftoken": csrf}
    return {"X-CSRFToken": csrf}, cookies


def real_ids(objects, case, path: str) -> dict:
    """Path parameters naming alice's existing objects for this operation's path."""
    ids = {
        "recordings": objects.recording.pk,
        "analyses": objects.analysis.pk,
        "webhooks": objects.webhook.pk,
        "review": case.pk,
    }
    params = {"id": ids[path.split("/")[3]]}
    if "{name}" in path:
        params["name"] = objects.file_name
    if "{event_id}" in path:
        params["event_id"] = case.analysis.events.first().pk
    return params


@pytest.fixture
def review_case(alice, alices_objects) -> ReviewCase:
    """Alice is a reviewer too here, so the review operations reach a real case."""
    alice.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    analysis = alices_objects.analysis
    Event.objects.create(analysis=analysis, type="pause", start_s=9, end_s=12, severity=3, score=3)
    return ReviewCase.objects.create(analysis=analysis)


@pytest.fixture
def roomy_throttles(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "token": "100000/min",
            "user": "100000/min",
            "upload": "100000/min",
        },
    }


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, keeping the test's database connection open between requests
    (as Django's test client does)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("mode", ["token", "session"])
def test_every_operation_conforms_to_the_schema(
    mode, alice, alices_objects, review_case, roomy_throttles, wsgi_app
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    headers, cookies = credentials(mode, alice)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations.sort(key=lambda op: op.method.upper() == "DELETE")  # deletions last
    ids = {
        op.path: real_ids(alices_objects, review_case, op.path)
        for op in operations
        if "{id}" in op.path
    }
    assert len(operations) >= 30
    for operation in operations:
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        if "{id}" in operation.path:
            strategies.append(
                operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids[operation.path])
            )

        @given(case=st.one_of(strategies))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            response = case.call(headers=headers, cookies=cookies)
            assert response.status_code != 401, response.text  # the credentials work
            case.validate_response(response, checks=CHECKS, headers=headers)

        conforms()
