"""A reviewer works a case in a real browser: queue, claim, relabel with the keyboard (keys act on
the focused event row only, and each saved decision is announced), close; then the owner's report
shows the review. Uses the browser/page/flagged_case fixtures of
tests/browser/conftest.py.
"""

from __future__ import annotations

import re

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
    # The first event is selected, but loading the page neither moves the focus nor scrolls.
    assert page.evaluate("[document.activeElement === document.body, window.scrollY]") == [True, 0]
    # The strip names events as the list does ("Isolated PVC", not "pvc").
    strip = timeline.locator(".timeline-strip canvas")
    expect(strip).to_have_attribute("aria-label", re.compile(re.escape(first.get_type_display())))
    row = page.locator(f"#event-{first.pk}")
    # A key pressed while a button has focus is not a decision, and ↓ stays the page's.
    page.locator("#close-case").focus()
    page.keyboard.press("x")
    page.keyboard.press("c")
    page.locator("body").click(position={"x": 2, "y": 2})  # the page, not a row
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    expect(row).to_have_attribute("data-decision", "")
    expect(events).to_have_attribute("data-current", str(first.pk))
    row.focus()  # the intended use: keys act on the focused event row
    page.keyboard.press("n")  # relabel the current event's beats as normal
    expect(row).to_have_attribute("data-decision", "relabel")
    expect(row.locator("td.decision")).to_contain_text("class N")
    announcer = page.locator("#review-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text(
        f"Event 1 ({first.get_type_display()} at {row.locator('td').nth(1).inner_text()}):"
        " relabelled as class N"
    )
    # The decision moved the selection (and the strip) on to the next event.
    expect(events).to_have_attribute("data-current", str(second.pk))
    expect(page.locator(f"#event-{second.pk}")).to_be_focused()
    page.keyboard.press("c")
    expect(page.locator(f"#event-{second.pk}")).to_have_attribute("data-decision", "confirm")
    expect(announcer).to_have_text(re.compile(r"^Event 2 \(.+\): confirmed$"))
    page.keyboard.press("t")  # relabel the event type: the row's type menu, then Enter
    menu = page.locator(f"#event-{third.pk} select[name=new_type]")
    expect(menu).to_be_focused()
    menu.select_option("s_run")
    page.keyboard.press("Enter")
    expect(page.locator(f"#event-{third.pk} td.decision")).to_contain_text(
        "relabel → Supraventricular run"
    )
    expect(announcer).to_have_text(re.compile(r"^Event 3 .*: relabelled as Supraventricular run$"))
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
