"""Keyboard, screen-reader and print use of the owner's pages in a real browser: the skip link,
text contrast, the timeline without a mouse (pan keys and buttons, Space on an event, a strip whose
accessible name says what it shows, class letters on the beats), the dashboard's report link, the
questionnaire's time fields, the report printed on A4 and the announced end of an analysis. Uses
the browser/page/flagged_case fixtures of tests/browser/conftest.py."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from analysis.models import Analysis
from tests.browser.conftest import PASSWORD, log_in

# [text colour, background colour] of the first element matching a selector, as "rgb(r, g, b)".
COLOURS = """(selector) => {
  const node = document.querySelector(selector);
  const style = getComputedStyle(node);
  let back = node, bg = "rgba(0, 0, 0, 0)";
  while (back && /rgba\\(.*, 0\\)$|transparent/.test(bg)) {
    bg = getComputedStyle(back).backgroundColor;
    back = back.parentElement;
  }
  return [style.color, /, 0\\)$/.test(bg) ? "rgb(255, 255, 255)" : bg];
}"""
# Samples shown in the page as the review pages and the dashboard show them.
SAMPLES = """() => document.querySelector("main").insertAdjacentHTML("beforeend",
  '<table class="review-events"><tr><td><span class="severity s2">moderate</span></td></tr></table>'
  + '<span class="status succeeded">succeeded</span>')"""


def contrast(colours: list[str]) -> float:
    def luminance(css: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted(map(luminance, colours), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def strip_range(page) -> tuple[float, float]:
    page.wait_for_selector("#timeline[data-state=ready]")
    box = page.locator("#timeline")
    return float(box.get_attribute("data-start")), float(box.get_attribute("data-end"))


def test_skip_link_and_text_contrast(transactional_db, django_user_model, live_server, page):
    from playwright.sync_api import expect

    django_user_model.objects.create_user("dora", "dora@example.org", PASSWORD)
    log_in(page, live_server.url, "dora")
    page.goto(live_server.url + reverse("dashboard"))  # no field there takes the focus
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, box  # shown once it has focus
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    page.evaluate(SAMPLES)
    for selector in (".review-events .severity.s2", ".status.succeeded"):
        ratio = contrast(page.evaluate(COLOURS, selector))
        assert ratio >= 4.7, (selector, ratio)  # WCAG AA is 4.5:1 for small text; some margin
    assert page.errors == []


@pytest.mark.slow
def test_owner_pages_by_keyboard_screen_reader_and_print(
    flagged_case, live_server, page, artifacts
):
    from playwright.sync_api import expect

    analysis = flagged_case.analysis
    recording = analysis.recording
    base = live_server.url
    log_in(page, base, "alice")

    # Dashboard: the events count says what it counts, and the link names its recording.
    n = analysis.events.count()
    report_link = page.get_by_role("link", name=f"{n} events · report on {recording.name}")
    expect(report_link).to_have_text(f"{n} events · report")

    page.goto(base + recording.get_absolute_url())
    timeline = page.locator("#timeline")
    assert strip_range(page) == (0.0, 10.0)
    expect(timeline.locator(".timeline-range")).to_have_attribute("aria-live", "polite")
    strip = timeline.locator(".timeline-strip canvas")
    expect(strip).to_have_attribute(
        "aria-label",
        re.compile(r"^ECG strip, lead MLII, 0:00\.0 to 0:10\.0\. \d+ beats \(\d+ normal.*\. "),
    )
    legend = timeline.locator(".timeline-legend")
    for words in (
        "N normal",
        "S supraventricular",
        "V ventricular",
        "F fusion",
        "Q unclassifiable",
    ):
        expect(legend).to_contain_text(words)
    # The legend's event swatches are as light as the bands the strip draws.
    swatches = legend.locator("i").evaluate_all("s => s.map(i => getComputedStyle(i).background)")
    assert sum("0.18)" in s for s in swatches) == 3, swatches

    # The strip pans from the keyboard when it has focus, and with the ◀ ▶ buttons.
    strip.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert strip_range(page) == (5.0, 15.0)
    page.get_by_role("button", name="Pan right", exact=True).click()
    page.wait_for_timeout(300)
    assert strip_range(page) == (10.0, 20.0)
    page.get_by_role("button", name="Pan left", exact=True).click()
    page.wait_for_timeout(300)
    assert strip_range(page) == (5.0, 15.0)
    expect(strip).to_have_attribute("aria-label", re.compile(r"0:05\.0 to 0:15\.0"))

    # The whole minute: beats that are not N carry their class letter, as on the PDF strips.
    page.get_by_role("button", name="Show 5 minutes", exact=True).click()
    page.wait_for_timeout(300)
    assert strip_range(page) == (0.0, 60.0)
    letters = int(timeline.get_attribute("data-beat-letters"))
    summary = analysis.summary["beats_by_class"]
    assert letters == sum(v for k, v in summary.items() if k != "N") > 0, summary
    timeline.screenshot(path=artifacts / "timeline-minute.png")
    label = strip.get_attribute("aria-label")
    assert f"{summary['N']} normal" in label and f"{n} events: " in label, label
    assert "(major)" in label or "(moderate)" in label or "(minor)" in label, label

    # Space on a focused event row (as Enter does) shows that event on the strip.
    expect(page.locator("p.empty", has_text="Click or press Enter on an event")).to_be_visible()
    page.get_by_role("button", name="Zoom in", exact=True).click()
    row = page.locator("tr.event").last
    event_start = float(row.get_attribute("data-start"))
    row.focus()
    page.keyboard.press(" ")
    page.wait_for_timeout(300)
    start, end = strip_range(page)
    assert start <= event_start <= end and end - start < 30, (start, end)

    timeline.screenshot(path=artifacts / "timeline-event.png")

    # The questionnaire's time fields are named after their symptom.
    page.goto(base + reverse("questionnaire", args=[recording.pk]))
    page.screenshot(path=artifacts / "questionnaire.png", full_page=True)
    expect(page.locator("input[name=palpitations_at]")).to_have_accessible_name(
        "When: Palpitations"
    )

    # The report prints on A4, without the link to the questionnaire, and the closing
    # disclaimer keeps to the page before it.
    page.goto(base + reverse("analysis_report", args=[analysis.pk]))
    strip_link = page.locator("section.finding a.strip-link").first
    assert strip_link.get_attribute("href") == strip_link.locator("img").get_attribute("src")
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Answer it")).to_be_hidden()
    closing = page.locator(".report .disclaimer").last
    assert closing.evaluate("d => getComputedStyle(d).breakBefore") == "avoid"
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all((round(float(w)), round(float(h))) == (595, 842) for w, h in boxes), boxes[
        :3
    ]
    page.emulate_media(media="screen")

    # An analysis finishing is announced before the page reloads for its results.
    queued = Analysis.objects.create(recording=recording)
    status_url = reverse("analysis_status", args=[queued.pk])
    page.goto(base + recording.get_absolute_url())
    cell = page.locator(f"tr.analysis[data-status-url='{status_url}'] td.status-cell")
    expect(cell).to_have_attribute("aria-live", "polite")
    expect(cell.locator("progress")).to_have_accessible_name("Analysis progress")
    done = {"id": queued.pk, "status": "succeeded", "progress": 100, "error": "", "done": True}
    page.route(f"**{status_url}", lambda route: route.fulfill(json=done))
    with page.expect_navigation():
        expect(cell.locator(".percent")).to_have_text("Analysis finished, reloading…")
    page.unroute(f"**{status_url}")
    assert page.errors == [], page.errors
