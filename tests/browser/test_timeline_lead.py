"""The timeline starts on the lead whose beats were classified (the element's data-lead-name),
and the lead can still be switched. timeline.js runs in headless Chromium on a page and JSON
served by the test itself: no server, no analysis."""

import json
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"
ORIGIN = "http://beatline.test"
SCRIPTS = [
    "vendor/chart.umd.min.js",
    "vendor/hammer.min.js",
    "vendor/chartjs-plugin-zoom.min.js",
    "vendor/chartjs-plugin-annotation.min.js",
    "js/timeline.js",
]
POINTS = 100
JSON = {
    "/envelope": {
        "start_s": 0.0,
        "bin_s": 0.1,
        "level": 1,
        "leads": ["V5", "MLII"],
        "min": [[-0.2] * POINTS, [-0.5] * POINTS],
        "max": [[0.3] * POINTS, [1.5] * POINTS],
    },
    "/beats": {"time_s": [1.0, 2.0], "class": [0, 0], "classes": ["N", "S", "V", "F", "Q"]},
    "/windows": {"start_s": [0.0], "hr_bpm": [60.0], "max_score": [0.1], "threshold": 1.0},
    "/events": {"events": []},
}


def page_html(lead_name: str | None) -> str:
    attribute = f' data-lead-name="{lead_name}"' if lead_name is not None else ""
    scripts = "".join(f'<script src="/static/{name}"></script>' for name in SCRIPTS)
    return f'<!doctype html><div id="timeline" style="width:900px"{attribute}></div>{scripts}'


def mounted(browser, lead_name: str | None, duration: float = 10):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def answer(route):
        path = route.request.url.removeprefix(ORIGIN).split("?")[0]
        if path.startswith("/static/"):
            body = (STATIC / path.removeprefix("/static/")).read_text()
            route.fulfill(body=body, content_type="text/javascript; charset=utf-8")
        elif path in JSON:
            route.fulfill(body=json.dumps(JSON[path]), content_type="application/json")
        else:
            route.fulfill(body=page_html(lead_name), content_type="text/html")

    page.route(f"{ORIGIN}/**", answer)
    page.goto(f"{ORIGIN}/recording")
    page.evaluate(
        """async (duration) => {
          const urls = {envelope: "/envelope", beats: "/beats", windows: "/windows", events: "/events"};
          const box = document.getElementById("timeline");
          window.tl = BeatlineTimeline.mount(box, {duration, leads: ["V5", "MLII"], urls});
          await window.tl.ready;
        }""",
        duration,
    )
    page.wait_for_selector("#timeline[data-state=ready]")
    return page, errors


def strip_name(page) -> str:
    return page.locator(".timeline-strip canvas").get_attribute("aria-label")


def test_the_timeline_starts_on_the_classified_lead_and_can_switch(browser):
    page, errors = mounted(browser, "MLII")
    assert page.locator("select.timeline-lead").input_value() == "1"
    assert strip_name(page).startswith("ECG strip, lead MLII,")
    assert page.locator("#timeline").get_attribute("data-lead") == "1"
    page.select_option("select.timeline-lead", "0")
    page.wait_for_selector("#timeline[data-lead='0']")
    assert strip_name(page).startswith("ECG strip, lead V5,")
    assert errors == []
    page.close()


@pytest.mark.parametrize("lead_name", [None, "", "aVR"])
def test_without_a_known_classified_lead_the_timeline_starts_on_the_first(browser, lead_name):
    page, errors = mounted(browser, lead_name)
    assert page.locator("#timeline").get_attribute("data-lead") == "0"
    assert page.locator("select.timeline-lead").input_value() == "0"
    assert errors == []
    page.close()
