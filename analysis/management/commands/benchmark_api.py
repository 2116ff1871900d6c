"""Benchmark: the REST API under 50 concurrent clients, on loopback, against a 24-hour analysis.

Starts gunicorn on 127.0.0.1 with the configured database and media (run ``benchmark_pipeline``
first with the same environment: it uploads and analyses 24 h of ECG), then runs ``wrk``
(Debian package ``wrk``) for a bounded time with clients that poll the analysis status and fetch
envelope and beat ranges of random position and width. Prints p50/p95/p99 latency and errors:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beatline BEATLINE_VAR_DIR=/tmp/benchvar \\
        .venv/bin/python manage.py benchmark_api
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from analysis.management.arguments import positive_int
from analysis.models import Analysis

# Each wrk connection is one client: it picks requests at random (half status polls, half timeline
# ranges: envelopes of 10 s to 24 h at up to 2000 points, beats of 10 s to 10 min) and waits a random
# think time (uniform, mean --think-ms) before the next, as a page that polls and pans would.
# done() prints one JSON line.
WRK_SCRIPT = """
local id, duration, mix, think = "%(id)s", %(duration)f, "%(mix)s", %(think_ms)d
local widths = {10, 60, 600, 3600, 6 * 3600, duration}
local counter = 0
function setup(thread) thread:set("seed", counter); counter = counter + 1 end
function init(args) math.randomseed(os.time() + seed * 7919) end
local function timeline()
  if math.random() < 0.75 then
    local width = widths[math.random(#widths)]
    local start = math.random() * math.max(duration - width, 0)
    return string.format("/api/v1/analyses/%%s/envelope/?start=%%.1f&end=%%.1f&points=2000",
                         id, start, start + width)
  end
  local width = widths[math.random(3)]
  local start = math.random() * (duration - width)
  return string.format("/api/v1/analyses/%%s/beats/?start=%%.1f&end=%%.1f", id, start, start + width)
end
function delay() return think > 0 and math.random(0, 2 * think) or 0 end
function request()
  local path
  if mix == "status" or (mix == "mixed" and math.random() < 0.5) then
    path = "/api/v1/analyses/" .. id .. "/status/"
  else
    path = timeline()
  end
  return wrk.format("GET", path)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%.1f, "p50_ms": %%.1f, "p95_ms": %%.1f, "p99_ms": %%.1f, ' ..
    '"max_ms": %%.1f, "non_2xx": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, token: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise CommandError(f"gunicorn did not answer {url} within {timeout_s:.0f} s")


class Command(BaseCommand):
    help = "50 concurrent API clients on loopback polling status and fetching 24 h timeline ranges."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--analysis", type=int, help="default: the latest >= 23 h analysis")
        parser.add_argument("--clients", type=positive_int, default=50)
        parser.add_argument("--seconds", type=positive_int, default=30, help="per run (four runs)")
        parser.add_argument(
            "--think-ms", type=int, default=500, help="mean pause of a client between requests"
        )
        parser.add_argument("--gunicorn-workers", type=positive_int, default=3)
        parser.add_argument(
            "--threads", type=positive_int, default=4, help="per gunicorn worker (gthread)"
        )
        parser.add_argument("--json", type=Path, dest="json_out", help="also write the numbers")

    def handle(self, *args, **options) -> None:
        if shutil.which("wrk") is None:
            raise CommandError("wrk is not installed: apt-get install wrk")
        analysis = self.find_analysis(options["analysis"])
        token = Token.objects.get_or_create(user=analysis.recording.owner)[0].key
        port = free_port()
        env = os.environ | {
            "DEBUG": "False",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DB_CONN_MAX_AGE": "60",
            # One token makes every request here: lift its limits, the throttle still runs.
            "API_THROTTLE_TOKEN": "1000000/min",
            "API_THROTTLE_USER": "1000000/min",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ecgsite.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={options['gunicorn_workers']}",
                # Threads keep idle keep-alive connections off the workers (sync workers block on them).
                "--worker-class=gthread",
                f"--threads={options['threads']}",
                "--log-level=warning",
            ],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{base}/api/v1/analyses/{analysis.pk}/status/", token)
            results = {
                "analysis": analysis.pk,
                "recording_h": round(analysis.recording.duration_s / 3600, 2),
                "clients": options["clients"],
                "gunicorn_workers": options["gunicorn_workers"],
                "threads": options["threads"],
                "think_ms": options["think_ms"],
            }
            runs = [
                ("mixed", "mixed", options["think_ms"]),
                ("status", "status", options["think_ms"]),
                ("timeline", "timeline", options["think_ms"]),
                ("saturation (no think time)", "mixed", 0),
            ]
            # Warm up: each worker loads the URLconf (and numpy, matplotlib...) on its first request.
            self.run_wrk(base, token, analysis, "mixed", 0, options | {"seconds": 3})
            for name, mix, think_ms in runs:
                results[name] = self.run_wrk(base, token, analysis, mix, think_ms, options)
                self.stdout.write(f"{name}: {json.dumps(results[name])}")
        finally:
            server.terminate()
            server.wait(timeout=30)
        self.stdout.write(json.dumps(results, indent=2))
        if options["json_out"]:
            options["json_out"].write_text(json.dumps(results, indent=2) + "\n")

    def find_analysis(self, pk: int | None) -> Analysis:
        found = Analysis.objects.filter(status=Analysis.Status.SUCCEEDED).select_related(
            "recording"
        )
        if pk:
            found = found.filter(pk=pk)
        else:
            found = found.filter(recording__duration_s__gte=23 * 3600)
        analysis = found.order_by("-created").first()
        if analysis is None:
            raise CommandError(
                "No succeeded analysis of a 24 h recording in this database: run "
                "`manage.py benchmark_pipeline` first with the same DATABASE_URL and BEATLINE_VAR_DIR."
            )
        if not default_storage.exists(analysis.artefacts["envelope"][0]):
            raise CommandError(
                f"The artefacts of analysis {analysis.pk} are not under MEDIA_ROOT "
                f"({default_storage.location}); set the BEATLINE_VAR_DIR the pipeline ran with."
            )
        return analysis

    def run_wrk(
        self, base: str, token: str, analysis: Analysis, mix: str, think_ms: int, options
    ) -> dict:
        script = WRK_SCRIPT % {
            "id": analysis.pk,
            "duration": analysis.recording.duration_s,
            "mix": mix,
            "think_ms": think_ms,
        }
        with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
            lua.write(script)
            lua.flush()
            output = subprocess.run(
                [
                    "wrk",
                    "--threads=2",
                    f"--connections={options['clients']}",
                    f"--duration={options['seconds']}s",
                    "--timeout=10s",
                    f"--script={lua.name}",
                    f"--header=Authorization: Token {token}",
                    base,
                ],
                capture_output=True,
                text=True,
                timeout=options["seconds"] + 60,
                check=True,
            ).stdout
        return json.loads(output.strip().splitlines()[-1])
