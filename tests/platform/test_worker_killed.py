"""A worker process killed in the middle of a chunk: the analysis still finishes, once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from analysis.models import Analysis, ChunkResult
from ecgsite.celery import app
from tests.platform.helpers import wait_until_done

REPO = Path(__file__).resolve().parents[2]


def database_url_of_tests() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{host}/{db['NAME']}"


def wait_for(path: Path, pattern: str, timeout_s: float = 90) -> list[Path]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = sorted(path.glob(pattern))
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no {pattern} in {path} after {timeout_s} s")


@pytest.mark.slow
def test_chunk_of_a_killed_worker_process_is_redone(
    transactional_db, alice_client, record_100, tmp_path
):
    app.control.purge()
    markers = tmp_path / "markers"
    markers.mkdir()
    env = {
        **os.environ,
        "BEATLINE_TEST_MARKERS": str(markers),
        "BEATLINE_TEST_CHUNK_DELAY": "3",
        "ANALYSIS_CHUNK_S": "600",  # record 100 (1806 s) -> 4 chunks
        "DATABASE_URL": database_url_of_tests(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "tests/platform/slow_worker.py"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        alice_client.post(reverse("upload"), {"files": record_100})
        [first] = wait_for(markers, "chunk-*")
        killed_index, killed_pid = first.name.split("-")[1], int(first.name.split("-")[3])
        os.kill(killed_pid, signal.SIGKILL)
        analysis = wait_until_done(Analysis.objects.get(), timeout_s=180)
    finally:
        worker.terminate()
        worker.wait(60)
        log.close()
    worker_log = (tmp_path / "worker.log").read_text()
    assert analysis.status == "succeeded", analysis.error + worker_log[-3000:]
    attempts = sorted(markers.glob(f"chunk-{killed_index}-*"))
    assert len(attempts) == 2, [p.name for p in markers.iterdir()]  # killed, then redone
    assert ChunkResult.objects.filter(analysis=analysis).count() == analysis.n_chunks == 4
    keys = list(analysis.events.values_list("type", "start_s", "end_s"))
    assert len(keys) == len(set(keys)) > 0
    assert abs(analysis.summary["beats"] - 2273) <= 0.005 * 2273
