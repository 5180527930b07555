from __future__ import annotations

import zoneinfo

from django.utils import timezone, translation


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
