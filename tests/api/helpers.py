"""Helpers of the REST API tests."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ecgsite.api import error_body

API = "/api/v1"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def assert_error(response, status: int, code: str) -> dict:
    """The response is the API's error body with this status and code; returns the error."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == set(error_body("", "")["error"])
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body["error"]
