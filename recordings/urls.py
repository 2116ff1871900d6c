from django.urls import path

from recordings import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recordings/upload/", views.upload, name="upload"),
    path("recordings/<int:pk>/", views.recording_detail, name="recording_detail"),
    path("recordings/<int:pk>/files/<str:name>", views.download_file, name="recording_file"),
    path("recordings/<int:pk>/delete/", views.delete_recording, name="recording_delete"),
]
