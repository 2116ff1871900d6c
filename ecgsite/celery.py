"""The Celery app; workers start with ``celery -A ecgsite worker``."""

import ctypes
import os

from celery import Celery
from celery.signals import task_postrun, worker_init, worker_process_init
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecgsite.settings")

app = Celery("ecgsite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@worker_process_init.connect
def limit_torch_threads(**kwargs) -> None:
    """One inference thread per worker process: workers, not threads, share the cores."""
    import torch

    torch.set_num_threads(settings.WORKER_TORCH_THREADS)


@task_postrun.connect
def return_freed_memory(**kwargs) -> None:
    """Hand memory freed by a chunk back to the OS, so a long-lived worker stays small (glibc)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
