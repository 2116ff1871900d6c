"""A refused page is the site's own 403 page with its navigation and the reason; every page links
the favicon, a static file."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def test_non_reviewer_gets_a_403_page_with_navigation(alice_client):
    page = alice_client.get(reverse("review_queue"))
    assert page.status_code == 403
    html = page.content.decode()
    assert "403.html" in [t.name for t in page.templates]
    assert "Only reviewers can open the review queue." in html
    assert f'href="{reverse("dashboard")}"' in html and "Log out" in html  # the site's layout


def test_pages_link_a_favicon_that_exists(alice_client):
    html = alice_client.get(reverse("dashboard")).content.decode()
    assert f'<link rel="icon" href="{static("favicon.svg")}"' in html
    assert finders.find("favicon.svg")
