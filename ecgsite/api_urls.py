"""URLs of the REST API, mounted at /api/v1/ by ecgsite/urls.py."""

from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularJSONAPIView,
    SpectacularSwaggerSplitView,
)

from analysis import api as analysis_api
from ecgsite import account_api
from ecgsite.api import not_found
from recordings import api as recordings_api

urlpatterns = [
    path("account/", account_api.account, name="api_account"),
    path("account/export.zip", account_api.account_export, name="api_account_export"),
    path("recordings/", recordings_api.recordings, name="api_recordings"),
    path("recordings/agreement/", recordings_api.agreement, name="api_recordings_agreement"),
    path("recordings/<int:pk>/", recordings_api.recording, name="api_recording"),
    path(
        "recordings/<int:pk>/files/<str:name>",
        recordings_api.recording_file,
        name="api_recording_file",
    ),
    path(
        "recordings/<int:pk>/analyses/",
        recordings_api.recording_analyses,
        name="api_recording_analyses",
    ),
    path(
        "recordings/<int:pk>/questionnaire/",
        recordings_api.questionnaire,
        name="api_recording_questionnaire",
    ),
    path("analyses/", analysis_api.analyses, name="api_analyses"),
    path("analyses/<int:pk>/", analysis_api.analysis, name="api_analysis"),
    path("analyses/<int:pk>/status/", analysis_api.analysis_status, name="api_analysis_status"),
    path("analyses/<int:pk>/events/", analysis_api.events, name="api_analysis_events"),
    path(
        "analyses/<int:pk>/events/<int:event_id>/strip.png",
        analysis_api.event_strip,
        name="api_analysis_event_strip",
    ),
    path("analyses/<int:pk>/envelope/", analysis_api.envelope, name="api_analysis_envelope"),
    path("analyses/<int:pk>/beats/", analysis_api.beats, name="api_analysis_beats"),
    path("analyses/<int:pk>/windows/", analysis_api.windows, name="api_analysis_windows"),
    path("analyses/<int:pk>/rows/", analysis_api.table_rows, name="api_analysis_rows"),
    path("analyses/<int:pk>/rows/<int:row>/", analysis_api.table_row, name="api_analysis_row"),
    path("analyses/<int:pk>/report/", analysis_api.report, name="api_analysis_report"),
    path("analyses/<int:pk>/report.pdf", analysis_api.report_pdf, name="api_analysis_report_pdf"),
    path("analyses/<int:pk>/beats.csv", analysis_api.beats_csv, name="api_analysis_beats_csv"),
    path("analyses/<int:pk>/events.csv", analysis_api.events_csv, name="api_analysis_events_csv"),
    path(
        "analyses/<int:pk>/results.json",
        analysis_api.results_json,
        name="api_analysis_results_json",
    ),
    path("webhooks/", analysis_api.webhooks, name="api_webhooks"),
    path("webhooks/<int:pk>/", analysis_api.webhook, name="api_webhook"),
    path(
        "webhooks/<int:pk>/deliveries/",
        analysis_api.webhook_deliveries,
        name="api_webhook_deliveries",
    ),
    path("webhooks/<int:pk>/secret/", analysis_api.webhook_secret, name="api_webhook_secret"),
    path("webhooks/<int:pk>/ping/", analysis_api.webhook_ping, name="api_webhook_ping"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/redeliver/",
        analysis_api.webhook_redeliver,
        name="api_webhook_redeliver",
    ),
    path("review/cases/", analysis_api.review_cases, name="api_review_cases"),
    path("review/cases/<int:pk>/", analysis_api.review_case_detail, name="api_review_case"),
    path(
        "review/cases/<int:pk>/events/",
        analysis_api.review_case_events,
        name="api_review_case_events",
    ),
    path("review/cases/<int:pk>/audit/", analysis_api.review_case_audit, name="api_review_audit"),
    path("review/cases/<int:pk>/claim/", analysis_api.review_claim, name="api_review_claim"),
    path("review/cases/<int:pk>/release/", analysis_api.review_release, name="api_review_release"),
    path(
        "review/cases/<int:pk>/events/<int:event_id>/decision/",
        analysis_api.review_decide,
        name="api_review_decide",
    ),
    path("review/cases/<int:pk>/close/", analysis_api.review_close, name="api_review_close"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # ?format= filters recordings (URL_FORMAT_OVERRIDE is off), so JSON has its own address.
    path("schema.json", SpectacularJSONAPIView.as_view(), name="api_schema_json"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    re_path(r"^(?P<path>[\s\S]*)$", not_found),  # any character, newlines too
]
