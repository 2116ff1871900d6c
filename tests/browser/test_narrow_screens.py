"""At a phone's width (375 px) no page is wider than the screen: wide tables scroll inside their own
box, page headings wrap and the questionnaire's time fields shrink; the report's strips, shrunk to
the screen, open at full size. Uses the browser/flagged_case fixtures of tests/browser/conftest.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analysis import review
from tests.browser.conftest import PASSWORD, log_in
from tests.platform.review_helpers import make_reviewer

WIDTH = 375
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def narrow_page(browser, live_server, username):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, username)
    return context, page, errors


def assert_fits(page, url, artifacts, name):
    page.goto(url)
    page.wait_for_load_state("load")
    if page.locator("[data-state=loading]").count():  # a timeline: let it draw
        page.wait_for_selector("[data-state=ready]")
    scroll_width, inner_width = page.evaluate(PAGE_WIDTH)
    page.screenshot(path=artifacts / f"narrow-{name}.png", full_page=True)
    assert scroll_width <= inner_width == WIDTH, (url, scroll_width)


@pytest.mark.slow
def test_pages_fit_a_375px_screen(flagged_case, live_server, browser, artifacts):
    case = flagged_case
    analysis = case.analysis
    base = live_server.url

    context, page, errors = narrow_page(browser, live_server, "alice")
    assert_fits(page, base + reverse("dashboard"), artifacts, "dashboard")
    assert_fits(page, base + analysis.recording.get_absolute_url(), artifacts, "recording")
    # The recording's heading wraps instead of squeezing its title beside the buttons.
    title = page.locator("main h1").bounding_box()
    assert title["width"] > WIDTH / 2, title
    assert_fits(
        page,
        base + reverse("questionnaire", args=[analysis.recording_id]),
        artifacts,
        "questionnaire",
    )
    assert_fits(page, base + reverse("analysis_report", args=[analysis.pk]), artifacts, "report")
    for strip in page.locator("section.finding img.strip").all():
        link = strip.locator("xpath=..")
        assert link.evaluate("a => a.tagName") == "A"
        assert link.get_attribute("href") == strip.get_attribute("src")
    assert not errors, errors
    context.close()

    rita = make_reviewer("rita", password=PASSWORD)
    assert review.claim(case.pk, rita)  # the claimer's case page has a decision form on each row
    context, page, errors = narrow_page(browser, live_server, "rita")
    assert_fits(page, base + reverse("review_queue") + "?status=all", artifacts, "review-queue")
    assert_fits(page, base + reverse("review_case", args=[case.pk]), artifacts, "review-case")
    assert not errors, errors
    context.close()
