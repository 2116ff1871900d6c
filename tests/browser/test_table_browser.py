"""A beat table's page in a real browser: clicking a row plots its beat and describes it."""

from __future__ import annotations

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from analysis.models import Analysis
from mlcore.readers import read_ucr
from tests.browser.test_review_browser import PASSWORD, log_in
from tests.platform.helpers import run_analysis_inline


@pytest.fixture
def table_analysis(transactional_db, ecg5000, tmp_path):
    """200 rows of the ECG5000 test set uploaded by alice and analysed."""
    from recordings import ingest

    alice = User.objects.create_user("alice", "alice@example.org", PASSWORD)
    table = read_ucr(ecg5000 / "ECG5000_TEST.tsv")
    path = tmp_path / "rows.tsv"
    np.savetxt(path, np.column_stack([table.labels[:200], table.beats[:200]]), delimiter="\t")
    upload = SimpleUploadedFile("rows.tsv", path.read_bytes())
    analysis = Analysis.objects.create(recording=ingest.ingest(alice, "ECG5000 rows", [upload]))
    run_analysis_inline(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == "succeeded", analysis.error
    yield analysis
    connections.close_all()


def test_clicking_a_row_plots_its_beat(table_analysis, live_server, page, artifacts):
    from playwright.sync_api import expect

    log_in(page, live_server.url, "alice")
    page.goto(live_server.url + table_analysis.recording.get_absolute_url())
    caption = page.locator("#row-caption")
    top = page.locator("tr.table-row").first
    expect(caption).to_contain_text(f"Row {top.get_attribute('data-row')}: label")
    third = page.locator("tr.table-row").nth(2)
    third.click()
    expect(caption).to_contain_text(f"Row {third.get_attribute('data-row')}: label")
    expect(third).to_have_class("table-row selected")
    points = page.evaluate("Chart.getChart('row-beat').data.datasets.map(d => d.data.length)")
    assert points == [140, 140]
    page.screenshot(path=str(artifacts / "beat-table.png"), full_page=True)
    assert page.errors == []
