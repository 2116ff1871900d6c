"""The downloads of one analysis, which the pages and the API answer byte for byte: its beats (or a
beat table's rows) and events as CSV, its events as every JSON answer gives them, results.json,
an event's strip; and why an analysis that has not succeeded has none.

Every number goes through ``analysis.timeline.rounded`` with the decimals of its quantity, so a
CSV, the page's JSON, the API and results.json agree to the last digit.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

import numpy as np
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.text import slugify

from analysis import pdf, tables, timeline
from analysis.models import Analysis, Event
from analysis.timeline import EVENT_DECIMALS, PROBABILITY, SCORE, SECONDS, fixed, rounded_event
from mlcore.segment import AAMI_CLASSES

BEAT_FIELDS = ["time_s", "class", "confidence", "anomaly_score", "sample"]
EVENT_FIELDS = [
    "id",
    "type",
    "start_s",
    "end_s",
    "lead",
    "severity",
    "score",
    "beats",
    "description",
]
CSV_BATCH = 10_000  # beats or rows formatted at a time: a day's beats are never all in memory


def attachment_name(analysis: Analysis, what: str) -> str:
    return f"beatline-{slugify(analysis.recording.name) or 'recording'}-{analysis.pk}-{what}"


def attachment(response: HttpResponse, analysis: Analysis, what: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{attachment_name(analysis, what)}"'
    return response


class Echo:
    """A file that hands back what is written: ``csv.writer`` then gives each line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(Echo())
    return (writer.writerow(row) for row in rows)


def beats_csv(analysis: Analysis) -> StreamingHttpResponse:
    """Every beat: time, AAMI class, classifier confidence, anomaly score; for a beat table, every
    row (``rows_csv``)."""
    if analysis.recording.is_beat_table:
        return rows_csv(analysis)
    rows = beat_rows(timeline.results(analysis), analysis.recording.sampling_rate)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv")
    return attachment(response, analysis, "beats.csv")


def beat_rows(arrays: dict, fs: float) -> Iterator[list]:
    """``sample`` is the R peak's index in the file's own samples (0 the first; the times are on
    the analysis's 360 Hz grid, so at another rate it is the nearest sample), to join the beats
    with annotations that count samples, as WFDB's do."""
    yield BEAT_FIELDS
    for start in range(0, len(arrays["beat_times_s"]), CSV_BATCH):
        part = slice(start, start + CSV_BATCH)
        times = arrays["beat_times_s"][part].astype(np.float64)
        yield from zip(
            fixed(times, SECONDS),
            [AAMI_CLASSES[c] for c in arrays["beat_classes"][part].tolist()],
            fixed(arrays["beat_confidence"][part], PROBABILITY),
            fixed(arrays["beat_scores"][part], SCORE),
            np.rint(times * fs).astype(np.int64).tolist(),
            strict=True,
        )


def rows_csv(analysis: Analysis) -> StreamingHttpResponse:
    """Every row of a beat table: its number, the file's label, class, confidence, anomaly score."""
    found = tables.Rows(analysis)

    def rows():
        yield tables.ROW_FIELDS
        for start in range(0, len(found), CSV_BATCH):
            yield from map(tables.csv_row, found[start : start + CSV_BATCH])

    response = StreamingHttpResponse(csv_lines(rows()), content_type="text/csv")
    return attachment(response, analysis, "rows.csv")


def event_rows(analysis: Analysis) -> list[dict]:
    """Every event as events.json and results.json give it (the API's ``EventSerializer``
    rounds the same way)."""
    return [rounded_event(row) for row in analysis.events.values(*EVENT_FIELDS)]


def events_csv(analysis: Analysis) -> HttpResponse:
    response = HttpResponse(content_type="text/csv")
    writer = csv.writer(response)
    writer.writerow(EVENT_FIELDS)
    for row in event_rows(analysis):
        row |= {key: fixed(row[key], decimals) for key, decimals in EVENT_DECIMALS.items()}
        writer.writerow([row[key] for key in EVENT_FIELDS])
    return attachment(response, analysis, "events.csv")


def event_strip(analysis: Analysis, event: Event) -> HttpResponse:
    """The PNG strip of the ECG around ``event`` (``analysis.pdf``), cached by the browser."""
    response = HttpResponse(pdf.event_strip_png(analysis, event), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response


def results_json(analysis: Analysis) -> HttpResponse:
    """Summary, model versions and events of one analysis as one JSON document."""
    recording = analysis.recording
    body = {
        "recording": {
            "name": recording.name,
            "format": recording.format,
            "sampling_rate": recording.sampling_rate,
            "leads": recording.lead_names,
            "duration_s": recording.duration_s,
            "clock_start": recording.clock_start,
            "time_origin_s": recording.time_origin_s,
            "files": [
                {"name": f.name, "size": f.size, "sha256": f.sha256} for f in recording.files.all()
            ],
        },
        "analysis": {
            "id": analysis.pk,
            "status": analysis.status,
            "finished": analysis.finished.isoformat() if analysis.finished else None,
            "flagged": analysis.flagged,
            "model_versions": analysis.model_versions,
        },
        "summary": analysis.summary,
        "events": event_rows(analysis),
    }
    response = HttpResponse(json.dumps(body, indent=1), content_type="application/json")
    return attachment(response, analysis, "results.json")


def no_results(analysis: Analysis) -> str:
    """Why an analysis that has not succeeded has no results, and what to do: wait for a queued or
    running one; a failed one will not change, so say why it failed and that it can be re-run."""
    if analysis.status == Analysis.Status.FAILED:
        rerun = reverse("api_recording_analyses", args=[analysis.recording_id])
        return (
            f"Analysis {analysis.pk} failed, so it has no results. "
            f"{sentence(analysis.error) or 'No reason was recorded.'} "
            f"You can re-run it: Re-run on the recording's page, or POST {rerun} in the API."
        )
    done = f" ({analysis.progress} % done)" if analysis.status == Analysis.Status.RUNNING else ""
    return (
        f"Analysis {analysis.pk} is {analysis.status}{done}: its results are not ready yet. "
        "Try again once it has succeeded."
    )


def no_results_json(analysis: Analysis) -> JsonResponse:
    """The 409 a JSON answer about an analysis that has not succeeded gives: ``no_results``."""
    return JsonResponse({"error": no_results(analysis), "status": analysis.status}, status=409)


def sentence(text: str) -> str:
    """``text`` with a capital and a full stop ("" stays ""): error texts are not all sentences."""
    text = text.strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")
