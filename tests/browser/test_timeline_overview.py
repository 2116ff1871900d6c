"""The timeline's overview and range label: a click on the overview moves the strip there at the
same zoom, and times never read as 0:60.0. timeline.js runs in headless Chromium on a page and
JSON served by the test (tests/browser/test_timeline_lead.py), no server."""

from tests.browser.test_timeline_lead import mounted


def shown(page) -> tuple[float, float]:
    """The strip's range, both ends read at once."""
    ends = page.evaluate(
        "() => { const d = document.getElementById('timeline').dataset; return [d.start, d.end]; }"
    )
    return float(ends[0]), float(ends[1])


def click_overview(page, fraction: float) -> tuple[float, float]:
    """Click the overview ``fraction`` of the way along; the strip's range once it has moved
    (Chart.js handles the click a moment later)."""
    before = page.locator("#timeline").get_attribute("data-start")
    canvas = page.locator("canvas[aria-label^='Heart rate']")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * fraction, "y": box["height"] * 0.6})
    page.wait_for_function(
        "before => document.getElementById('timeline').dataset.start !== before", arg=before
    )
    return shown(page)


def test_clicks_on_the_overview_keep_the_strips_span(browser):
    page, errors = mounted(browser, "MLII", duration=600)
    start, end = shown(page)
    for fraction in (0.5, 0.3, 0.7, 0.4):
        left, right = click_overview(page, fraction)
        assert round(right - left, 3) == round(end - start, 3)  # moved, not zoomed out
    assert left > end  # somewhere in the middle of the recording now
    assert errors == []
    page.close()


def test_the_range_label_rounds_before_it_splits_minutes_and_seconds(browser):
    page, errors = mounted(browser, "MLII", duration=600)
    page.evaluate("() => window.tl.jumpTo(60.96, 64.96)")  # 59.96 to 65.96 s with its margin
    label = page.locator(".timeline-range").inner_text()
    assert label.startswith("1:00.0 – 1:06.0"), label
    assert "0:60" not in label
    assert errors == []
    page.close()
