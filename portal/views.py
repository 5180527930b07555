"""Member-facing pages of the portal and the health check."""

from __future__ import annotations

import logging
import time

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from portal.celery import app as celery_app
from portal.forms import ProfileForm, SignUpForm

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome! Add your phone number so providers can reach you about bookings."),
        )
        return redirect("profile")
    return render(request, "registration/signup.html", {"form": form}, status=_status(form))


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        target = request.GET.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
            return redirect(target)  # back to the booking that asked for the profile
        return redirect("profile")
    from bookings.models import FeedToken

    feed = FeedToken.objects.filter(member=request.user, revoked_at__isnull=True).first()
    feed_url = (
        request.build_absolute_uri(reverse("member_feed", args=[feed.token])) if feed else None
    )
    return render(
        request,
        "account/profile.html",
        {"form": form, "feed_url": feed_url},
        status=_status(form),
    )


def _status(form) -> int:
    """400 for a submitted form with errors, so clients and tests can tell."""
    return 400 if form.is_bound and form.errors else 200


# --- Health ---------------------------------------------------------------------------


def _check(probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # any failure is a state to report, not a crash
        logger.warning("health check %s failed: %s", probe.__name__, type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _broker() -> None:
    with Connection(
        celery_app.conf.broker_url,
        connect_timeout=2,
        transport_options=celery_app.conf.broker_transport_options,
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (the portal can serve pages); 503 when it does not.

    Cache and broker are reported too: without them pages still render, bookings are
    still saved, and tasks wait for the broker to come back.
    """
    checks = {"database": _check(_database), "cache": _check(_cache), "broker": _check(_broker)}
    healthy = checks["database"]["ok"]
    body = {"status": "ok" if all(c["ok"] for c in checks.values()) else "degraded", **checks}
    if not healthy:
        body["status"] = "down"
    return JsonResponse(body, status=200 if healthy else 503)


# --- Errors ---------------------------------------------------------------------------


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
