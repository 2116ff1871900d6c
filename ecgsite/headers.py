"""A Content-Security-Policy on every response: scripts only from this site's own files.

The pages load nothing from elsewhere (Chart.js and Swagger UI are served from ``static/``) and
have no inline scripts, so a name or note that slipped past escaping still could not run code.
Inline styles stay allowed: Chart.js and Swagger UI set them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
