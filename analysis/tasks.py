"""Celery tasks: thin wrappers over analysis.pipeline.

Tasks are acknowledged after they run (acks_late) and re-queued if their worker process dies
(reject_on_worker_lost), both set in settings; the pipeline makes a second delivery harmless.
"""

from celery import group, shared_task
from django.db import OperationalError

from analysis import pipeline, webhooks


@shared_task(name="analysis.start")
def start_analysis(analysis_id: int) -> None:
    todo = pipeline.start(analysis_id)
    if todo:
        group(analyse_chunk.s(analysis_id, index) for index in todo).apply_async()


@shared_task(name="analysis.chunk")
def analyse_chunk(analysis_id: int, index: int) -> None:
    pipeline.run_chunk(analysis_id, index)


# A database briefly locked or unreachable is not the receiver's failure: the attempt is run again.
@shared_task(
    name="webhooks.deliver", autoretry_for=(OperationalError,), retry_backoff=5, max_retries=5
)
def deliver_webhook(delivery_id: int) -> None:
    """One attempt; a failed one schedules the next after an exponential back-off."""
    retry_in = webhooks.attempt(delivery_id)
    if retry_in is not None:
        webhooks.send(delivery_id, countdown=retry_in)
