from django.urls import path

from analysis import review_views as views

urlpatterns = [
    path("", views.queue, name="review_queue"),
    path("cases/<int:pk>/", views.case_detail, name="review_case"),
    path("cases/<int:pk>/claim", views.claim, name="review_claim"),
    path("cases/<int:pk>/release", views.release, name="review_release"),
    path("cases/<int:pk>/conclude", views.conclude, name="review_conclude"),
    path("cases/<int:pk>/events/<int:event_pk>/decide", views.decide, name="review_decide"),
    path("cases/<int:pk>/events.json", views.events_json, name="review_events"),
    path("cases/<int:pk>/envelope.json", views.envelope_json, name="review_envelope"),
    path("cases/<int:pk>/beats.json", views.beats_json, name="review_beats"),
    path("cases/<int:pk>/windows.json", views.windows_json, name="review_windows"),
]
