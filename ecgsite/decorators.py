"""View decorators shared by the API modules.

Not in ``ecgsite.api``: DRF's views read the throttle classes from that module when they are
imported, so it cannot import them itself.
"""

from rest_framework.decorators import api_view as drf_api_view


def api_view(methods: list[str]):
    """DRF's ``api_view``, answering HEAD wherever GET is answered: a client can ask for a file's
    or a report's headers (type, size) without its body. The schema leaves HEAD out."""
    return drf_api_view([*methods, "HEAD"] if "GET" in methods else methods)
