from django.urls import path

from recordings import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recordings/upload/", views.upload, name="upload"),
    path("recordings/agreement/", views.agreement, name="agreement"),
    path("recordings/<int:pk>/", views.recording_detail, name="recording_detail"),
    path("recordings/<int:pk>/files/<str:name>", views.download_file, name="recording_file"),
    path("recordings/<int:pk>/delete/", views.delete_recording, name="recording_delete"),
    path("recordings/<int:pk>/rerun/", views.rerun, name="recording_rerun"),
    path("recordings/<int:pk>/questionnaire/", views.questionnaire, name="questionnaire"),
    path("analyses/<int:pk>/report/", views.report, name="analysis_report"),
    path("analyses/<int:pk>/report.pdf", views.report_pdf, name="analysis_report_pdf"),
    path(
        "analyses/<int:pk>/events/<int:event_id>/strip.png",
        views.event_strip,
        name="event_strip",
    ),
    path("analyses/<int:pk>/beats.csv", views.beats_csv, name="analysis_beats_csv"),
    path("analyses/<int:pk>/events.csv", views.events_csv, name="analysis_events_csv"),
    path("analyses/<int:pk>/results.json", views.results_json, name="analysis_results_json"),
]
