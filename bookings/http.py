"""The request types of the views (bookings' and portal's), for the type checker only.

Django's stubs type ``request`` as a plain ``HttpRequest``: no ``.htmx`` (set by
django_htmx's ``HtmxMiddleware``, in ``settings.MIDDLEWARE``), and ``request.user`` may be
anonymous. A view annotates its request with what it is sure of; nothing changes at run
time (these are ordinary ``HttpRequest`` subclasses, never instantiated).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # a stub-only alias: the django-stubs plugin expands it to settings.AUTH_USER_MODEL,
    # so bookings names the member's type without importing portal
    from django.contrib.auth.models import _User


class HtmxHttpRequest(HttpRequest):
    """Any request through the middleware: ``request.htmx`` is set (false if not htmx)."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a ``@login_required`` view: ``request.user`` is a member."""

    user: _User
