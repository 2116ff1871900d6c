"""URLs of the REST API, mounted at /api/v1/ by ecgsite/urls.py."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from analysis import api as analysis_api
from ecgsite.api import not_found
from recordings import api as recordings_api

urlpatterns = [
    path("recordings/", recordings_api.recordings, name="api_recordings"),
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
    path("analyses/", analysis_api.analyses, name="api_analyses"),
    path("analyses/<int:pk>/", analysis_api.analysis, name="api_analysis"),
    path("analyses/<int:pk>/status/", analysis_api.analysis_status, name="api_analysis_status"),
    path("analyses/<int:pk>/events/", analysis_api.events, name="api_analysis_events"),
    path("analyses/<int:pk>/envelope/", analysis_api.envelope, name="api_analysis_envelope"),
    path("analyses/<int:pk>/beats/", analysis_api.beats, name="api_analysis_beats"),
    path("analyses/<int:pk>/windows/", analysis_api.windows, name="api_analysis_windows"),
    path("webhooks/", analysis_api.webhooks, name="api_webhooks"),
    path("webhooks/<int:pk>/", analysis_api.webhook, name="api_webhook"),
    path(
        "webhooks/<int:pk>/deliveries/",
        analysis_api.webhook_deliveries,
        name="api_webhook_deliveries",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    re_path(r"^(?P<path>.*)$", not_found),
]
