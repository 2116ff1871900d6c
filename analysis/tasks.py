"""Celery tasks: thin wrappers over plain functions."""

from celery import shared_task

from analysis import pipeline


@shared_task(name="analysis.run_analysis")
def run_analysis(analysis_id: int) -> None:
    pipeline.run(analysis_id)
