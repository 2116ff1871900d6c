from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"

    def ready(self) -> None:
        from analysis import review, webhooks
        from analysis.signals import analysis_finished

        analysis_finished.connect(review.on_analysis_finished, dispatch_uid="review.open_case")
        analysis_finished.connect(webhooks.on_analysis_finished, dispatch_uid="webhooks.queue")
