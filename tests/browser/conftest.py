"""Browser tests: Playwright drives Debian's Chromium (headless) against pytest-django's live server.

Never ``playwright install``: the browser is the system's /usr/bin/chromium (``make chromium``).
Screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread while the browser is open; the
    tests' own ORM calls stay plain synchronous code, so Django's async-safety guard is lifted
    for this module only."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


# Per module: a test module that starts its own sync_playwright must not find one still running.
@pytest.fixture(scope="module")
def browser(allow_orm_beside_playwright):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "Chromium not found: run `make chromium` (apt-get install chromium)"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # What the Content-Security-Policy blocks is only a console message; it counts as an error.
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.errors = errors
    yield page
    context.close()


PASSWORD = "browser-pass-7"


@pytest.fixture
def flagged_case(transactional_db, mitdb, tmp_path):
    """One minute of MIT-BIH 119 (ventricular ectopy) uploaded by alice, analysed and flagged."""
    from django.contrib.auth.models import User
    from django.db import connections

    from analysis import review
    from analysis.models import Analysis
    from recordings import ingest
    from tests.platform.helpers import run_analysis_inline, wfdb_slice

    alice = User.objects.create_user("alice", "alice@example.org", PASSWORD)
    recording = ingest.ingest(
        alice, "MIT-BIH 119, first minute", wfdb_slice(mitdb, "119", 60, tmp_path)
    )
    analysis = Analysis.objects.create(recording=recording)
    run_analysis_inline(analysis.pk)
    Analysis.objects.filter(pk=analysis.pk).update(flagged=True)  # whatever the models concluded
    analysis.refresh_from_db()
    assert analysis.status == "succeeded", analysis.error
    yield review.open_case(analysis)
    # Queries made while Playwright's loop runs use a connection of their own; close it too.
    connections.close_all()


def log_in(page, base, username):
    from django.urls import reverse

    page.goto(base + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
