"""Periodic work: re-queue analyses that stopped making progress and webhook deliveries whose task
was lost, and prune the webhook delivery log (run from cron, or --loop)."""

import time

from django.core.management.base import BaseCommand

from analysis.management.arguments import positive_seconds
from analysis.pipeline import recover_stuck
from analysis.webhooks import prune_log, resend_overdue


class Command(BaseCommand):
    help = (
        "Re-queue stuck analyses, or fail them after ANALYSIS_MAX_ATTEMPTS, and re-send overdue "
        "webhook deliveries; delete finished deliveries older than WEBHOOK_LOG_DAYS."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--loop", type=positive_seconds, metavar="SECONDS", help="repeat every SECONDS"
        )

    def handle(self, *args, loop: float | None = None, **options) -> None:
        while True:
            for analysis_id, action in recover_stuck():
                self.stdout.write(f"analysis {analysis_id}: {action}")
            for delivery_id in resend_overdue():
                self.stdout.write(f"webhook delivery {delivery_id}: re-sent")
            if pruned := prune_log():
                self.stdout.write(f"webhook log: {pruned} old deliveries deleted")
            if not loop:
                return
            time.sleep(loop)
