from django.urls import path

from analysis import views

urlpatterns = [
    path("analyses/<int:pk>/status.json", views.status, name="analysis_status"),
    path("analyses/<int:pk>/events.json", views.events, name="analysis_events"),
    path("analyses/<int:pk>/envelope.json", views.envelope, name="analysis_envelope"),
    path("analyses/<int:pk>/beats.json", views.beats, name="analysis_beats"),
    path("analyses/<int:pk>/windows.json", views.windows, name="analysis_windows"),
    path("analyses/<int:pk>/rows/<int:row>.json", views.table_row, name="analysis_table_row"),
]
