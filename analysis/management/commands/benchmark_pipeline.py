"""Benchmark: 24 hours of ECG uploaded and analysed end to end by real workers.

The 48 MIT-BIH records are concatenated into one two-lead 24-hour WFDB record, uploaded through the
upload view, and analysed by ``--workers`` Celery worker processes started here on the configured
broker and database. Prints the wall time from upload to finished analysis, each worker's peak
memory, the beat count against the reference annotations, and NeuroKit2's ``ecg_process`` on the
same signal (one lead) for comparison. Run it against the production stack:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beatline CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python manage.py benchmark_pipeline
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.test import Client
from django.urls import reverse

from analysis.management.arguments import positive_int
from analysis.models import Analysis
from ecgsite.celery import app
from mlcore.benchmark.signal_layer import build_day
from mlcore.paths import mitdb_dir

# NeuroKit2 cannot take the whole day in one call (here it grew past 23 GB and the kernel killed it
# after ~9 min), so it gets the same signal in half-hour pieces and the times are summed.
NEUROKIT_SCRIPT = """
import json, sys, time, warnings
import numpy as np, neurokit2 as nk, wfdb
signal = wfdb.rdrecord(sys.argv[1], channels=[0]).p_signal[:, 0]
piece = 1800 * 360
seconds = beats = 0
for start in range(0, len(signal), piece):
    began = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, info = nk.ecg_process(signal[start:start + piece], sampling_rate=360)
    seconds += time.perf_counter() - began
    beats += len(info["ECG_R_Peaks"])
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print(json.dumps({"seconds": round(seconds, 1), "beats": beats, "pieces_s": 1800,
                  "peak_rss_mb": round(int(hwm) / 1024)}))
"""


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Command(BaseCommand):
    help = "Upload and analyse 24 h of MIT-BIH with real workers; compare with NeuroKit2."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workers", type=positive_int, default=2)
        parser.add_argument("--skip-neurokit", action="store_true")
        parser.add_argument(
            "--json", type=Path, dest="json_out", help="also write the numbers here"
        )

    def handle(
        self, *args, workers: int, skip_neurokit: bool, json_out: Path | None, **options
    ) -> None:
        with tempfile.TemporaryDirectory(prefix="beatline-bench-") as tmp:
            header, reference, _ = build_day(mitdb_dir(), Path(tmp))
            results = self.run_pipeline(header, workers)
            results["reference_beats"] = int(len(reference))
            self.stdout.write(dumps(results))  # the pipeline's numbers, before the slow comparison
            if not skip_neurokit:
                results["neurokit"] = self.run_neurokit(header)
                results["neurokit_over_beatline"] = round(
                    results["neurokit"]["seconds"] / results["upload_to_done_s"], 1
                )
        self.stdout.write(dumps(results))
        if json_out:
            json_out.write_text(dumps(results) + "\n")

    def run_pipeline(self, header: Path, n_workers: int) -> dict:
        user, _ = User.objects.get_or_create(username="benchmark")
        client = Client()
        client.force_login(user)
        app.control.purge()
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "ecgsite",
                    "worker",
                    "--pool=solo",
                    f"--hostname=bench{i}@%h",
                    "--without-mingle",
                    "--without-gossip",
                    "--loglevel=WARNING",
                ],
                env=os.environ.copy(),
            )
            for i in range(n_workers)
        ]
        try:
            wait_for_workers(n_workers)
            files = [
                SimpleUploadedFile(path.name, path.read_bytes())
                for path in (header, header.with_suffix(".dat"))
            ]
            began = time.perf_counter()
            response = client.post(reverse("upload"), {"name": "benchmark 24 h", "files": files})
            if response.status_code != 302:
                raise RuntimeError(f"upload failed: {response.status_code}")
            uploaded = time.perf_counter() - began
            analysis = Analysis.objects.filter(recording__owner=user).latest("created")
            while not analysis.done:
                time.sleep(0.2)
                analysis.refresh_from_db()
            elapsed = time.perf_counter() - began
            memory = [round(peak_rss_mb(w.pid)) for w in workers]
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(60)
        if analysis.status != Analysis.Status.SUCCEEDED:
            raise RuntimeError(f"analysis failed: {analysis.error}")
        return {
            "recording_hours": round(analysis.recording.duration_s / 3600, 2),
            "workers": n_workers,
            "chunks": analysis.n_chunks,
            "upload_s": round(uploaded, 1),
            "upload_to_done_s": round(elapsed, 1),
            "worker_peak_rss_mb": memory,
            "beats": analysis.summary["beats"],
            "events": analysis.events.count(),
            "timings": analysis.timings,
            "analysis_id": analysis.pk,
        }

    def run_neurokit(self, header: Path) -> dict:
        out = subprocess.run(
            [sys.executable, "-c", NEUROKIT_SCRIPT, str(header.with_suffix(""))],
            capture_output=True,
            text=True,
            check=True,
            timeout=3600,
        )
        return json_loads_last_line(out.stdout)


def wait_for_workers(n: int, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len(replies) >= n:
            return
    raise RuntimeError(f"fewer than {n} workers answered within {timeout_s} s")


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2)


def json_loads_last_line(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])
