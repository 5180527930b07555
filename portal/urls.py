"""The root URLconf: include() only; each app lists its own pages. Plus the stored
provider photos (the media storage) where the portal serves them itself (SERVE_MEDIA),
and /favicon.ico for clients that ask for it without reading the page's icon link."""

import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from portal.views.site import favicon, set_language

urlpatterns = [
    path("", include("portal.app_urls")),  # before accounts/: it overrides password_reset
    path("", include("bookings.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    # the language switch also sets a signed-in member's profile language
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
]


def media(request, path: str):
    """A stored photo, from MEDIA_ROOT as it is now (read per request, not at import)."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


if settings.SERVE_MEDIA and not settings.MEDIA_ORIGIN:
    urlpatterns.append(
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", media)
    )

handler404 = "portal.views.site.not_found"
handler500 = "portal.views.site.server_error"
