from django.contrib import admin
from django.urls import include, path

from ecgsite import accounts

urlpatterns = [
    path("", include("recordings.urls")),
    path("", include("analysis.urls")),
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
