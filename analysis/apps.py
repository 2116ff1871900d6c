from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"

    def ready(self) -> None:
        from analysis import review, webhooks
        from analysis.signals import analysis_finished, review_closed

        analysis_finished.connect(review.on_analysis_finished, dispatch_uid="review.open_case")
        analysis_finished.connect(webhooks.on_analysis_finished, dispatch_uid="webhooks.queue")
        review_closed.connect(webhooks.on_review_closed, dispatch_uid="webhooks.review_closed")
