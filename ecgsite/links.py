"""Full addresses of the site's pages, for what is read away from it (mail, webhook bodies)."""

from django.conf import settings
from django.urls import reverse


def site_url(viewname: str, *args) -> str:
    """``SITE_URL`` plus the path of ``viewname``: a link that works outside a request."""
    return settings.SITE_URL.rstrip("/") + reverse(viewname, args=args)
