"""An upload while the broker cannot be reached still succeeds: the recording is kept and its
analysis stays queued for recover_analyses, instead of the page answering 500."""

from __future__ import annotations

import logging

from django.urls import reverse
from kombu.exceptions import OperationalError

from analysis import tasks
from analysis.models import Analysis
from tests.platform.helpers import make_csv, upload_file


def test_an_upload_survives_a_broker_outage(
    alice_client, tmp_path, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.start_analysis, "delay", unreachable)
    path = make_csv(tmp_path / "outage.csv")
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True) as sent:
        response = alice_client.post(
            reverse("upload"), {"files": [upload_file(path)], "sampling_rate": 250}
        )
    assert response.status_code == 302 and len(sent) == 1
    analysis = Analysis.objects.get(recording__name="outage")
    assert analysis.status == Analysis.Status.QUEUED
    assert f"analysis {analysis.pk} waits for recover_analyses" in caplog.text
