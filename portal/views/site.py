"""Site pages: the home page and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static


def home(request: HttpRequest) -> HttpResponse:
    from portal.views import catalogue  # the home page asks (and answers) a search

    return catalogue.home(request)  # type: ignore[arg-type]


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form that came back without its CSRF token (open too long, or cookies blocked):
    the site's own page, because Django's built-in one has an inline style the
    Content-Security-Policy refuses (settings.CSRF_FAILURE_VIEW)."""
    return render(request, "403_csrf.html", status=403)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, for clients that ask without reading the pages' icon link."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's language switch (Django's ``set_language``); for a signed-in member it
    also becomes their profile's language, which otherwise wins over the switch's cookie
    (``portal.middleware``) and would undo it on the next page."""
    from django.conf import settings
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    known = {code for code, _name in settings.LANGUAGES}
    user = request.user
    changed = getattr(user, "language", language) != language
    if request.method == "POST" and language in known and user.is_authenticated and changed:
        user.language = language
        user.save(update_fields=["language"])
    return response
