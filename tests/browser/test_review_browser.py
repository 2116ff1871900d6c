"""A reviewer works a case in a real browser: queue, claim, relabel with the keyboard, close;
then the owner's report shows the review. Uses the browser/page/flagged_case fixtures of
tests/browser/conftest.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from analysis.models import AuditEntry, EventReview
from tests.browser.conftest import PASSWORD, log_in
from tests.platform.review_helpers import make_reviewer


@pytest.mark.slow
def test_reviewer_relabels_with_the_keyboard_and_the_owner_sees_it(
    flagged_case, live_server, browser, page, artifacts
):
    from playwright.sync_api import expect

    case = flagged_case
    make_reviewer("rita", password=PASSWORD)
    first, second, third = case.analysis.events.all()[:3]
    base = live_server.url

    log_in(page, base, "rita")
    page.click("nav >> text=Review queue")
    top = page.locator("table.review-queue tr.case").first
    expect(top).to_contain_text("MIT-BIH 119")
    top.locator("button", has_text="Claim").click()
    page.wait_for_url(f"**{reverse('review_case', args=[case.pk])}")

    timeline = page.locator("#review-timeline")
    expect(timeline).to_have_attribute("data-state", "ready")
    events = page.locator("#review-events")
    expect(events).to_have_attribute("data-current", str(first.pk))
    page.keyboard.press("n")  # relabel the current event's beats as normal
    row = page.locator(f"#event-{first.pk}")
    expect(row).to_have_attribute("data-decision", "relabel")
    expect(row.locator("td.decision")).to_contain_text("class N")
    # The decision moved the selection (and the strip) on to the next event.
    expect(events).to_have_attribute("data-current", str(second.pk))
    page.keyboard.press("c")
    expect(page.locator(f"#event-{second.pk}")).to_have_attribute("data-decision", "confirm")
    page.keyboard.press("t")  # relabel the event type: the row's type menu, then Enter
    menu = page.locator(f"#event-{third.pk} select[name=new_type]")
    expect(menu).to_be_focused()
    menu.select_option("s_run")
    page.keyboard.press("Enter")
    expect(page.locator(f"#event-{third.pk} td.decision")).to_contain_text("relabel → s_run")
    expect(timeline).to_have_attribute("data-state", "ready")  # the strip followed the keys
    page.screenshot(path=artifacts / "review-case.png", full_page=True)

    page.fill("#conclusion", "Ventricular ectopy; the first flagged beats are normal.")
    undecided = case.analysis.events.count() - 3
    if undecided:  # the close form says how many are left and asks to confirm
        expect(page.locator("#undecided-count")).to_contain_text(f"{undecided} of ")
        page.check("#close-undecided")
    page.click("#close-case")
    page.wait_for_url(f"**{reverse('review_queue')}")
    expect(page.locator("p.message")).to_contain_text("Case closed")
    assert not page.errors, page.errors

    context = browser.new_context()
    owner = context.new_page()
    log_in(owner, base, "alice")
    owner.goto(base + reverse("analysis_report", args=[case.analysis_id]))
    outcome = owner.locator("#review-outcome")
    expect(outcome).to_have_attribute("data-status", "closed")
    expect(outcome).to_contain_text("Reviewed by rita")
    expect(outcome).to_contain_text("1 confirmed, 2 relabelled, 0 rejected")
    expect(outcome).to_contain_text("the first flagged beats are normal")
    context.close()

    decision = EventReview.objects.get(event=first)
    assert (decision.decision, decision.new_class, decision.reviewer.username) == (
        "relabel",
        "N",
        "rita",
    )
    actions = list(AuditEntry.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["claim", "decide", "decide", "decide", "close"]
    assert EventReview.objects.get(event=third).new_type == "s_run"
