"""The health check: /healthz, for load balancers and operators."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from portal.celery import app as celery_app

logger = logging.getLogger(__name__)


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
