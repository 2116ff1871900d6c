"""Plain helpers for platform tests: upload files as a browser sends them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile


def upload_file(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def make_csv(
    path: Path, seconds: float = 20.0, fs: float = 250.0, time_column: bool = False
) -> Path:
    """A synthetic two-lead ECG-like CSV: narrow spikes at 75 bpm on a little noise."""
    t = np.arange(int(seconds * fs)) / fs
    beat_times = np.arange(0.4, seconds, 0.8)
    spikes = np.exp(-(((t[:, None] - beat_times[None, :]) / 0.012) ** 2)).sum(axis=1)
    rng = np.random.default_rng(0)
    leads = np.stack([spikes, 0.6 * spikes], axis=1) + 0.02 * rng.standard_normal((t.size, 2))
    header = "time,I,II" if time_column else "I,II"
    columns = np.column_stack([t, leads]) if time_column else leads
    np.savetxt(path, columns, delimiter=",", header=header, comments="", fmt="%.5f")
    return path


def wfdb_slice(
    mitdb: Path,
    record: str,
    seconds: float,
    folder: Path,
    start: datetime | None = None,
    annotations: bool = False,
) -> list[SimpleUploadedFile]:
    """The first ``seconds`` of a MIT-BIH record, written as a WFDB record (format 212) to upload,
    its header giving ``start`` as the clock time of its first sample; with ``annotations``, its
    reference annotations (.atr) too."""
    import wfdb

    source = wfdb.rdrecord(str(mitdb / record), sampto=int(seconds * 360), physical=False)
    wfdb.wrsamp(
        record,
        fs=source.fs,
        units=source.units,
        sig_name=source.sig_name,
        d_signal=source.d_signal,
        fmt=source.fmt,
        adc_gain=source.adc_gain,
        baseline=source.baseline,
        base_date=start.date() if start else None,
        base_time=start.time() if start else None,
        write_dir=str(folder),
    )
    parts = ["hea", "dat"]
    if annotations:
        ann = wfdb.rdann(str(mitdb / record), "atr", sampto=int(seconds * 360))
        wfdb.wrann(
            record, "atr", ann.sample, ann.symbol, aux_note=ann.aux_note, write_dir=str(folder)
        )
        parts.append("atr")
    return [upload_file(folder / f"{record}.{ext}") for ext in parts]


def run_analysis_inline(analysis_id: int) -> None:
    """Do what the workers do, in this process and in order."""
    from analysis import pipeline

    for index in pipeline.start(analysis_id):
        pipeline.run_chunk(analysis_id, index)


def wait_until_done(analysis, timeout_s: float = 240):
    """Poll the database until the analysis has succeeded or failed."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        analysis.refresh_from_db()
        if analysis.done:
            return analysis
        time.sleep(0.5)
    raise AssertionError(f"analysis still {analysis.status} after {timeout_s} s")


def analysed_upload(client, files: list[SimpleUploadedFile]):
    """Upload ``files`` through the form, run the analysis in-process, return it once succeeded."""
    from django.urls import resolve, reverse

    from analysis.models import Analysis

    response = client.post(reverse("upload"), {"files": files})
    assert response.status_code == 302, response.content[-2000:]
    recording_id = resolve(response.url).kwargs["pk"]  # the upload redirects to the recording
    analysis = Analysis.objects.filter(recording_id=recording_id).latest("created")
    run_analysis_inline(analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == "succeeded", analysis.error
    return analysis
