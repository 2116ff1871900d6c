"""Benchmark: response times of the pages and timeline requests of one finished analysis.

Requests go through the whole Django stack (test client, logged in as the analysis's owner) in
this process, against the configured database and media storage. Prints, per request, the status
and the median / 95th percentile / maximum time over ``--repeat`` runs, and the response size.
For the 24-hour benchmark analysis made by ``benchmark_pipeline``:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beatline BEATLINE_VAR_DIR=/tmp/benchvar \\
        .venv/bin/python manage.py benchmark_pages --analysis 2
"""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse

from analysis.management.arguments import positive_int
from analysis.models import Analysis


def requests_for(analysis: Analysis) -> list[tuple[str, str, dict]]:
    """(label, url, params): what the pages and the timeline ask for, first load then zooms."""
    pk, rec = analysis.pk, analysis.recording
    duration = rec.duration_s
    middle = duration / 2
    event = analysis.events.order_by("-severity", "start_s").first()
    out = [
        ("dashboard", reverse("dashboard"), {}),
        ("recording page (timeline view)", reverse("recording_detail", args=[rec.pk]), {}),
        ("windows.json (overview)", reverse("analysis_windows", args=[pk]), {}),
        ("events.json (overview)", reverse("analysis_events", args=[pk]), {}),
        (
            "envelope.json first 10 s",
            reverse("analysis_envelope", args=[pk]),
            {"start": 0, "end": 10, "points": 1000},
        ),
        ("beats.json first 10 s", reverse("analysis_beats", args=[pk]), {"start": 0, "end": 10}),
        (
            "envelope.json whole recording",
            reverse("analysis_envelope", args=[pk]),
            {"points": 1000},
        ),
        (
            "envelope.json 5 min mid-recording",
            reverse("analysis_envelope", args=[pk]),
            {"start": middle, "end": middle + 300, "points": 1000},
        ),
        (
            "beats.json 5 min mid-recording",
            reverse("analysis_beats", args=[pk]),
            {"start": middle, "end": middle + 300},
        ),
        ("report page", reverse("analysis_report", args=[pk]), {}),
    ]
    if event is not None:
        out.append(("event strip PNG", reverse("event_strip", args=[pk, event.pk]), {}))
    out.append(("report PDF", reverse("analysis_report_pdf", args=[pk]), {}))
    return out


def body_size(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def time_get(client: Client, url: str, params: dict, runs: int) -> tuple[int, list[float], int]:
    """GET ``url`` once to warm caches and imports, then ``runs`` times: the last status, the
    times in ms (sorted) and the body's size."""
    times, status, size = [], 0, 0
    for i in range(runs + 1):
        began = time.perf_counter()
        response = client.get(url, params)
        size = body_size(response)
        elapsed = time.perf_counter() - began
        status = response.status_code
        if i:
            times.append(elapsed * 1000)
    return status, sorted(times), size


def timings(status: int, times: list[float]) -> str:
    """Status, median, 95th percentile and maximum of sorted ``times``, in columns."""
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    median = statistics.median(times)
    return f"{status:>6} {median:>6.0f}ms {p95:>6.0f}ms {times[-1]:>6.0f}ms"


class Command(BaseCommand):
    help = "Time the pages and timeline JSON of one finished analysis (median, p95, max)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--analysis", type=int, required=True, help="a succeeded analysis id")
        parser.add_argument("--repeat", type=positive_int, default=20)

    def handle(self, *args, analysis: int, repeat: int, **options) -> None:
        found = Analysis.objects.select_related("recording__owner").filter(pk=analysis).first()
        if found is None or found.status != Analysis.Status.SUCCEEDED:
            raise CommandError(f"analysis {analysis} does not exist or has not succeeded")
        rec = found.recording
        client = Client()
        client.force_login(rec.owner)
        self.stdout.write(
            f"analysis {found.pk}: {rec.duration_s / 3600:.2f} h, {found.summary.get('beats')} "
            f"beats, {found.events.count()} events; {repeat} runs each (the first one warms up)"
        )
        self.stdout.write(
            f"{'request':36} {'status':>6} {'median':>8} {'p95':>8} {'max':>8} {'size':>9}"
        )
        for label, url, params in requests_for(found):
            runs = repeat if "PDF" not in label else max(3, repeat // 5)
            status, times, size = time_get(client, url, params, runs)
            self.stdout.write(f"{label:36} {timings(status, times)} {size / 1024:>7.0f}kB")
