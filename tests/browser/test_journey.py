"""A person's whole journey in a real browser, with a real Celery worker analysing record 100:
register, upload, watch the progress bar, read the timeline, zoom, answer the questionnaire, open
the report and download its PDF."""

import pytest
from celery.contrib.testing.worker import start_worker

from analysis.models import Analysis
from ecgsite.celery import app

CANVAS_INK = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
  return ink;
}"""


def strip_range(page) -> tuple[float, float]:
    page.wait_for_selector("#timeline[data-state=ready]")
    box = page.locator("#timeline")
    return float(box.get_attribute("data-start")), float(box.get_attribute("data-end"))


@pytest.mark.slow
def test_register_upload_timeline_questionnaire_report_pdf(
    transactional_db, live_server, page, mitdb, artifacts
):
    app.control.purge()
    page.goto(f"{live_server.url}/accounts/register/")
    page.fill("input[name=username]", "carol")
    page.fill("input[name=email]", "carol@example.org")
    page.fill("input[name=password1]", "a-long-pass-phrase-7")
    page.fill("input[name=password2]", "a-long-pass-phrase-7")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Your recordings")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        page.click("text=Upload a recording")
        page.set_input_files(
            "input[name=files]", [str(mitdb / f"100.{e}") for e in ("hea", "dat", "atr")]
        )
        page.fill("input[name=name]", "Record 100")
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Record 100')")
        # The progress bar is live (polled), and the page shows the results once it is done.
        assert page.locator("tr.analysis progress").count() == 1
        seen = set()
        while page.locator("tr.analysis progress").count():
            seen.add(page.locator("tr.analysis").get_attribute("data-status"))
            page.wait_for_timeout(300)
        page.wait_for_selector("#timeline[data-state=ready]", timeout=240_000)
    analysis = Analysis.objects.get()
    assert analysis.status == "succeeded", analysis.error
    assert seen & {"queued", "running"}
    assert page.locator("tr.analysis .status").inner_text() == "succeeded"

    # Timeline: both canvases drawn, events loaded and drawn on the overview.
    timeline = page.locator("#timeline")
    assert int(timeline.get_attribute("data-events")) == analysis.events.count() > 0
    assert int(timeline.get_attribute("data-events-drawn")) > 0
    assert float(timeline.get_attribute("data-threshold")) == analysis.summary["anomaly_threshold"]
    for canvas in page.locator("#timeline canvas").all():
        assert canvas.evaluate(CANVAS_INK) > 5000
    start, end = strip_range(page)
    assert (start, end) == (0.0, 10.0)
    assert int(timeline.get_attribute("data-beats")) >= 8  # about 75 bpm

    # Zoom with the wheel and the buttons; the strip refetches at the new resolution.
    strip = page.locator(".timeline-strip canvas").bounding_box()
    page.mouse.move(strip["x"] + strip["width"] / 2, strip["y"] + strip["height"] / 2)
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(400)
    wheel_start, wheel_end = strip_range(page)
    assert wheel_end - wheel_start > 10.5
    page.click(".timeline-zoom-in")
    page.wait_for_timeout(300)
    zin_start, zin_end = strip_range(page)
    assert zin_end - zin_start == pytest.approx((wheel_end - wheel_start) / 2, rel=0.01)

    # Clicking an event jumps the strip to it.
    row = page.locator("tr.event").last
    event_start = float(row.get_attribute("data-start"))
    row.click()
    page.wait_for_timeout(300)
    start, end = strip_range(page)
    assert start <= event_start <= end
    assert int(timeline.get_attribute("data-strip-events")) >= 1
    timeline.scroll_into_view_if_needed()
    timeline.screenshot(path=str(artifacts / "timeline.png"))

    # Questionnaire: palpitations at the minute of that event.
    page.click("text=Answer the symptom questionnaire")
    page.check("input[name=palpitations]")
    page.fill("input[name=palpitations_at]", f"0:{int(event_start // 60):02d}")
    page.fill("input[name=age]", "58")
    page.select_option("select[name=sex]", "male")
    page.click("button:has-text('Save answers')")
    page.wait_for_selector("h1:has-text('Diagnostic report')")
    assert page.locator("tr.overlap td").first.inner_text() == "Palpitations"
    assert "decision support" in page.locator(".disclaimer").first.inner_text()
    assert page.locator("section.finding").count() >= 1
    assert "cnn" in page.locator(".models").inner_text()
    # Polled from here: wait_for_function evaluates a string in the page, which its CSP forbids.
    loaded = (
        "[...document.querySelectorAll('img.strip')].every(i => i.complete && i.naturalWidth > 0)"
    )
    for _ in range(100):
        if page.evaluate(loaded):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(loaded)
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#pdf-download")
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = (artifacts / "report.pdf").as_posix()
    download.save_as(pdf)
    with open(pdf, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert page.errors == []
