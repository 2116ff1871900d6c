from django.contrib import admin
from django.urls import include, path

from ecgsite import accounts

urlpatterns = [
    path("", include("recordings.urls")),
    path("", include("analysis.urls")),
    path("review/", include("analysis.review_urls")),
    path("api/v1/", include("ecgsite.api_urls")),
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/login/", accounts.login_view, name="login"),
    path("account/", include(accounts.account_urls)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
