"""Every button says what it does to a screen reader: the timeline's "+", "−", "◀" and "▶" are named
"Zoom in", "Zoom out", "Pan left" and "Pan right", not by their glyphs. Uses the browser/flagged_case fixtures of
tests/browser/conftest.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analysis import review
from tests.browser.conftest import PASSWORD, log_in
from tests.platform.review_helpers import make_reviewer

# A button's name (aria-label, else its text) with no letter in it, such as "+" or "−".
UNNAMED = """() => Array.from(document.querySelectorAll("button"))
  .map((b) => (b.getAttribute("aria-label") || b.textContent).trim())
  .filter((name) => !/\\p{L}/u.test(name))"""


def assert_named(page, url):
    from playwright.sync_api import expect

    page.goto(url)
    page.wait_for_selector("[data-state=ready]")
    for name in ("Zoom in", "Zoom out", "Pan left", "Pan right", "Show 5 minutes"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    assert page.evaluate(UNNAMED) == []


@pytest.mark.slow
def test_timeline_and_page_buttons_have_names(flagged_case, live_server, browser, page):
    case = flagged_case
    base = live_server.url
    log_in(page, base, "alice")
    assert_named(page, base + case.analysis.recording.get_absolute_url())
    page.get_by_role("button", name="Zoom in", exact=True).click()
    page.wait_for_selector("#timeline[data-state=ready]")
    box = page.locator("#timeline")
    span = float(box.get_attribute("data-end")) - float(box.get_attribute("data-start"))
    assert span == pytest.approx(5.0)  # the first 10 s, halved around its centre
    page.get_by_role("button", name="Pan right", exact=True).click()
    page.wait_for_selector("#timeline[data-state=ready]")
    assert float(box.get_attribute("data-start")) == pytest.approx(2.5 + 2.5)  # half a window on

    rita = make_reviewer("rita", password=PASSWORD)
    assert review.claim(case.pk, rita)
    context = browser.new_context()
    reviewer = context.new_page()
    log_in(reviewer, base, "rita")
    assert_named(reviewer, base + reverse("review_case", args=[case.pk]))
    assert not page.errors, page.errors
    context.close()
