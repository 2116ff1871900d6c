"""A real Celery worker whose chunks announce themselves and then wait, so a test can kill one.

Run as a script by test_worker_killed.py: each chunk first touches
``$BEATLINE_TEST_MARKERS/chunk-<index>-pid-<pid>`` and sleeps ``$BEATLINE_TEST_CHUNK_DELAY`` seconds.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecgsite.settings")

import django  # noqa: E402

django.setup()

from analysis import pipeline  # noqa: E402
from ecgsite.celery import app  # noqa: E402

MARKERS = Path(os.environ["BEATLINE_TEST_MARKERS"])
DELAY_S = float(os.environ.get("BEATLINE_TEST_CHUNK_DELAY", "2"))
compute_chunk = pipeline.compute_chunk


def announced_compute_chunk(analysis, span):
    (MARKERS / f"chunk-{span.index}-pid-{os.getpid()}").touch()
    time.sleep(DELAY_S)
    return compute_chunk(analysis, span)


pipeline.compute_chunk = announced_compute_chunk

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
        ]
    )
