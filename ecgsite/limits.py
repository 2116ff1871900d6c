"""Requests over Django's body limits (``DATA_UPLOAD_MAX_*``), or with a form Django cannot
parse, get a clear 400, not a bare page.

Django raises these when ``request.POST``/``FILES`` (or ``GET``) is first read, which for a page is
the CSRF check, before any view. The middleware reads them first and answers with a page that
says which limit was passed; the API's exception handler answers its usual error body.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

log = logging.getLogger(__name__)

BODY_LIMIT_ERRORS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
# Django's own words for a form it cannot parse mislead: a file name in Latin-1 rather than UTF-8
# reads to it as a header that never ends ("max total header size exceeded").
MALFORMED_FORM = (
    "The upload could not be read as a form. A file name that is not UTF-8 (an accented name "
    "from an older system, say) causes this: rename the file with plain letters and try again."
)
API_PREFIX = "/api/"


def limit_message(exc: Exception) -> str:
    """What the user sent too much of, and the limit; or that the form could not be read."""
    if isinstance(exc, MultiPartParserError):
        return MALFORMED_FORM
    if isinstance(exc, TooManyFilesSent):
        return (
            f"Too many files: upload at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at a "
            "time (one record's files can also go in one .zip)."
        )
    if isinstance(exc, RequestDataTooBig):
        size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
        return (
            f"The form's text fields (e.g. the name) are larger than the {size:g} MB limit; "
            "only files may be larger."
        )
    return f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields."


def retry_url(request: HttpRequest) -> str:
    """The page the form was on (a GET of it shows the form again), if it is one of ours."""
    path = request.path
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) else "/"


class BodyLimitMiddleware:
    """Read the query and form data of page requests first; over a limit, answer a clear 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):  # the API answers its own error body
            try:
                request.GET  # noqa: B018  (reading parses, and raises over a limit)
                if request.method == "POST":
                    request.POST  # noqa: B018
                    request.FILES  # noqa: B018
            except (*BODY_LIMIT_ERRORS, MultiPartParserError) as exc:
                log.warning("Rejected %s %s: %s", request.method, request.path, exc)
                # Nothing was done with the request, so the page is safe without a CSRF check.
                return render(
                    request,
                    "request_rejected.html",
                    {"message": limit_message(exc), "retry": retry_url(request)},
                    status=400,
                )
        return self.get_response(request)
