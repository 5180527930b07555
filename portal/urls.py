"""The root URLconf: include() only; each app lists its own pages."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("portal.app_urls")),  # before accounts/: it overrides password_reset
    path("", include("bookings.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler404 = "portal.views.site.not_found"
handler500 = "portal.views.site.server_error"
