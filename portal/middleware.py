"""The portal's own middleware: a member's language and zone, and private pages kept
private by caches."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.http import HttpResponseServerError, JsonResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control


class MemberPreferencesMiddleware:
    """Show pages in the signed-in member's language and time zone.

    Runs after LocaleMiddleware and AuthenticationMiddleware: a member's saved preference
    wins over the browser's Accept-Language; visitors keep the negotiated language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.timezone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Every answer to a signed-in member is ``Cache-Control: private``.

    A page for a member (their bookings, their name in the header, a calendar link) must
    never be kept by a shared cache or a proxy and served to someone else. A view that
    decided its own caching keeps it: ``private`` is added to what it set (``never_cache``
    pages with secrets already say ``no-store, private``), and an answer it marked
    ``public`` stays public. Answers to visitors are left as they are, so public catalogue
    pages keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _says_public(response):
            patch_cache_control(response, private=True)
        return response


def _says_public(response) -> bool:
    directives = response.get("Cache-Control", "").lower().replace(" ", "").split(",")
    return "public" in directives


class ApiJsonErrorsMiddleware:
    """Every answer under /api/ is JSON, errors too, as the OpenAPI document says (its
    ``Error`` schema): a path no URL pattern matches (``/api/spaces/-1``), a method the
    endpoint does not take, a server error. The endpoints' own errors are JSON already
    and pass untouched.

    First in ``MIDDLEWARE`` but for security: it sees the answer of every other layer,
    Django's error pages included (with DEBUG on too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not request.path.startswith("/api/")
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        error = response.reason_phrase.lower()
        if response.status_code == 405 and response.has_header("Allow"):
            error = f"{error}: use {response['Allow']}"
        answer = JsonResponse({"error": error}, status=response.status_code)
        for header in ("Allow", "Retry-After", "Vary"):
            if response.has_header(header):
                answer[header] = response[header]
        return answer


class MemberErrorPagesMiddleware:
    """With DEBUG on but ``DEBUG_ERROR_PAGES`` off (``make run``), a page that is not
    found or that crashed is the portal's own 404 or 500 page, not Django's debug page
    (which lists every URL pattern, or the settings and a traceback). Django has already
    logged the error; only the page is replaced. Without DEBUG, Django's handlers
    (``handler404``, ``handler500``) show the same pages: this does nothing.

    Next to ``ApiJsonErrorsMiddleware``: it sees the answer of every inner layer, and
    /api/ answers are JSON, never a page, so they are left to that middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not settings.DEBUG
            or settings.DEBUG_ERROR_PAGES
            or response.status_code not in (404, 500)
            or request.path.startswith("/api/")
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        from portal.views import site

        if response.status_code == 404:
            return site.not_found(request)
        try:
            return site.server_error(request)
        except Exception:  # the crash may break the page too: never the debug page
            return HttpResponseServerError("Server error", content_type="text/plain")
