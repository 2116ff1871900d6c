"""What every REST API view shares: error bodies, throttles, pagination, schema helpers.

Every error answers ``{"error": {"code": ..., "message": ..., "details": ...}}``: ``code`` is
machine-readable and stable, ``message`` is for people, ``details`` is an object (field errors,
seconds to wait) or null.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from math import ceil

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import TooManyFieldsSent
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, parsers, renderers, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ecgsite.limits import BODY_LIMIT_ERRORS, MALFORMED_FORM, limit_message

log = logging.getLogger(__name__)


class NotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The analysis has not succeeded; its results are not ready."
    default_code = "not_ready"


class BadRequest(exceptions.APIException):
    """A 400 with our own code, e.g. ``upload_rejected`` or ``bad_range``."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"


THROTTLED = "Too many requests; slow down."
CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def first_message(detail) -> str:
    """The first human message in a (possibly nested) ValidationError detail, with its field."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            inner = first_message(value)
            return inner if field == "non_field_errors" else f"{field}: {inner}"
    if isinstance(detail, list) and detail:
        return first_message(detail[0])
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, BODY_LIMIT_ERRORS):  # raised where the body is first parsed
        code = "bad_request" if type(exc) is TooManyFieldsSent else "upload_rejected"
        exc = BadRequest(limit_message(exc), code=code)
    if not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        log.exception("API error in %s", type(view).__name__ if view else "?")
        return Response(
            error_body("server_error", "Internal error; the team has been notified."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    code = next((c for cls, c in CODES.items() if type(exc) is cls), None)
    code = code or getattr(exc.detail, "code", None) or exc.default_code
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body(code, first_message(exc.detail), details)
    elif isinstance(exc, exceptions.Throttled):
        message = getattr(exc, "message", THROTTLED)
        body = error_body(code, message, {"wait_s": exc.wait})
    else:
        body = error_body(code, str(exc.detail))
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait))
    return Response(body, status=exc.status_code, headers=headers)


def resolves_to_an_endpoint(path: str) -> bool:
    try:
        return resolve(path).func is not not_found
    except Resolver404:
        return False


@csrf_exempt  # answers every method with a 404, changes nothing
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown URLs under /api/v1/ answer the JSON error body, not an HTML page; one that only
    lacks its trailing slash says so (redirecting would turn a POST into a GET)."""
    message = "No such API endpoint."
    with_slash = f"{request.path}/"
    if not request.path.endswith("/") and resolves_to_an_endpoint(with_slash):
        message += f" Did you mean {with_slash} (every endpoint ends with a slash)?"
    return JsonResponse(error_body("not_found", message), status=404)


class FileRenderer(renderers.BaseRenderer):
    """For the views that answer a file of their own (a PDF, an uploaded file): a client may ask
    for that type (``Accept: application/pdf``) instead of being told 406. The view returns the
    file itself, so this renders only errors, and those as JSON."""

    media_type = "application/octet-stream"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data)


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class ZipRenderer(FileRenderer):
    media_type = "application/zip"
    format = "zip"


class PngRenderer(FileRenderer):
    media_type = "image/png"
    format = "png"


def file_renderers(renderer: type[FileRenderer]) -> list:
    """The API's renderers, then ``renderer``: JSON stays the default for */* and errors."""
    return [*api_settings.DEFAULT_RENDERER_CLASSES, renderer]


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python's decoder (which recurses) a
    400 ``parse_error`` too: DRF turns only ``ValueError`` into one, so it was a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(
                "JSON parse error - the body is nested too deeply."
            ) from exc


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser, with Django's misleading words for a form it cannot parse
    replaced by ``MALFORMED_FORM`` (a 400 ``parse_error`` either way)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except exceptions.ParseError as exc:
            raise exceptions.ParseError(MALFORMED_FORM) from exc


class RateFromSettings(SimpleRateThrottle):
    """Rates read at request time, so settings (and tests) can change them."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenRateThrottle(RateFromSettings):
    """Per API token: each of a user's tokens has its own budget."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.successful_authenticator, TokenAuthentication):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.key}


class UserRateThrottle(RateFromSettings):
    """Per user, over all their tokens and sessions together."""

    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class UploadRateThrottle(UserRateThrottle):
    """Uploads and re-runs start work on the workers: a tighter budget per user. Only accepted
    ones count: a place is taken before the upload or re-run is checked (so a burst of concurrent
    ones cannot all pass), and ``refund`` gives it back when it is refused."""

    scope = "upload"
    spent_at: float | None = None

    def throttle_success(self) -> bool:
        self.spent_at = self.now
        return super().throttle_success()

    def refund(self) -> None:
        """Give back the place ``allow_request`` just took: the upload or re-run started nothing."""
        if self.spent_at is None:
            return
        history = self.cache.get(self.key, [])
        if self.spent_at in history:
            history.remove(self.spent_at)
            self.cache.set(self.key, history, self.duration)
        self.spent_at = None

    def spent_message(self) -> str:
        minutes = max(1, ceil((self.wait() or 0) / 60))
        return f"Too many uploads or re-runs for now: try again in {minutes} min."


class BudgetSpent(exceptions.Throttled):
    """A throttle applied inside a view (``throttle``), with its own message."""

    def __init__(self, wait: float | None, message: str) -> None:
        super().__init__(wait)
        self.message = message


class Pagination(PageNumberPagination):
    """``page`` (from 1, or ``last``) and ``page_size`` (1 to 500, larger sizes are capped; the
    answer's ``page_size`` says the size used). Anything else is a 400 naming the parameter; a page
    after the last is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        size = whole_number(
            request,
            self.page_size_query_param,
            f"; above {self.max_page_size}, {self.max_page_size} is used",
        )
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request, paginator) -> int:
        if request.query_params.get(self.page_query_param, "").strip() in self.last_page_strings:
            return paginator.num_pages
        return whole_number(request, self.page_query_param, " (or “last”)") or 1

    def paginate_queryset(self, queryset, request, view=None) -> list:
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = self.get_page_number(request, paginator)
        if number > paginator.num_pages:
            pages = paginator.num_pages
            raise exceptions.NotFound(
                f"There is no page {number}: the last page is {pages} "
                f"({paginator.count} results, {paginator.per_page} per page)."
            )
        self.page = paginator.page(number)
        self.display_page_controls = paginator.num_pages > 1
        return list(self.page)

    def get_paginated_response(self, data) -> Response:
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "page_size": self.page.paginator.per_page,
                "results": data,
            }
        )


def whole_number(request, name: str, hint: str = "") -> int | None:
    """The query parameter ``name`` as a whole number from 1, None if absent; else a 400."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    if not re.fullmatch(r"[0-9]+", value) or int(value) < 1:
        message = f"A whole number from 1 is required, not “{value[:50]}”{hint}."
        raise exceptions.ValidationError({name: [message]})
    return int(value)


ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.CharField(
                    help_text="stable and machine-readable, e.g. `invalid`, `parse_error`, "
                    "`upload_rejected`, `bad_range`, `too_many_webhooks`, `not_authenticated`, "
                    "`authentication_failed`, `permission_denied`, `not_found`, "
                    "`method_not_allowed`, `not_acceptable`, `unsupported_media_type`, "
                    "`not_ready`, `analysis_running`, `beat_table`, `not_a_beat_table`, "
                    "`review_conflict`, `delivery_conflict`, `throttled`"
                ),
                "message": serializers.CharField(),
                "details": serializers.JSONField(allow_null=True),
            },
        )
    },
)

ERROR_MEANINGS = {
    400: "Bad input: `error.details` names the fields.",
    401: "No or invalid credentials.",
    403: "Not allowed (e.g. a session request without its CSRF token).",
    404: "No such object among yours.",
    409: "Conflict, `error.code` says which: `not_ready` (the analysis is queued or running), "
    "`analysis_failed` (it failed and has no results), "
    "`analysis_running` (one is queued or running), `beat_table` / `not_a_beat_table` (not for "
    "this kind of upload), `review_conflict` (the case's state does not allow it), "
    "`delivery_conflict` (a webhook delivery still being sent, or its webhook paused), "
    "`account_has_reviews` (an account whose reviews others' audit trails keep).",
    429: "Throttled: `error.details.wait_s` says how long to wait.",
}


def responses(ok: dict, *codes: int) -> dict:
    """``ok`` (status -> serializer) plus the error responses every view can give, and ``codes``;
    errors are always JSON, whatever the view's success renders (a PDF, a file)."""
    errors = {401, 403, 404, 429, *codes}
    return ok | {
        (code, "application/json"): OpenApiResponse(
            ErrorSerializer, description=ERROR_MEANINGS.get(code, "")
        )
        for code in sorted(errors)
    }


PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Page number from 1, or `last`; a page after the last is a 404.",
    },
    {
        "name": "page_size",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1},
        "description": f"Items per page (default {Pagination.page_size}; above "
        f"{Pagination.max_page_size}, {Pagination.max_page_size} is used).",
    },
]


RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before the next request.",
    }
}


def add_retry_after(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: every 429 answer declares its ``Retry-After`` header."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if throttled := operation.get("responses", {}).get("429"):
                throttled["headers"] = RETRY_AFTER
    return result


def add_page_parameters(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: every list answered a page at a time (its 200 is a ``Paginated...``
    schema) documents ``page`` and ``page_size``, which function views cannot declare for it."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            ok = operation.get("responses", {}).get("200", {})
            ref = (
                ok.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
            )
            if ref.rsplit("/", 1)[-1].startswith("Paginated"):
                operation.setdefault("parameters", []).extend(PAGE_PARAMETERS)
    return result


def paginated(name: str, item: type[serializers.Serializer]):
    """The schema of a page of ``item``: count, next and previous page URLs, results."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "page_size": serializers.IntegerField(
                help_text="results per page used: the page_size asked for (default "
                f"{Pagination.page_size}), at most {Pagination.max_page_size}"
            ),
            "results": item(many=True),
        },
    )


@contextmanager
def upload_budget(request) -> Iterator[None]:
    """Spend one of the user's uploads and re-runs on the block (429 ``throttled`` when none is
    left); an exception out of it, a refused upload or re-run, gives the place back."""
    budget = UploadRateThrottle()
    if not budget.allow_request(request, None):
        raise BudgetSpent(budget.wait(), budget.spent_message())
    try:
        yield
    except Exception:
        budget.refund()
        raise
