"""Sending Celery tasks: one helper, one policy when the broker is down.

Every task of the portal is sent through ``enqueue``:

* after the current transaction commits (``on_commit=True``, the default), so a worker
  never looks for a row that is not saved yet, and nothing is sent for a transaction that
  rolls back; outside a transaction it is sent at once;
* when the broker cannot be reached, the failure is logged and swallowed: it never
  raises into a page view or a task. The work is not lost: what a task would have done
  is left for a periodic job (``bookings.sweep`` re-sends pending bookings,
  ``providers.sync_due_accounts`` restarts catalogue syncs, a stale availability answer
  is refreshed by the next request). A caller that has a cheaper way to do the work at
  once passes ``fallback`` (emails are sent in-process).

``providers`` is the lowest layer, so both apps use this helper.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(
    task: Any,
    *args: Any,
    on_commit: bool = True,
    fallback: Callable[[], None] | None = None,
    countdown: float | None = None,
    **kwargs: Any,
) -> None:
    """Send ``task.delay(*args, **kwargs)``, after commit unless ``on_commit=False``;
    with ``countdown`` (seconds) a worker runs it no sooner than that after sending.

    Never raises because the broker is unreachable: that is logged, then ``fallback``
    (if any) runs; otherwise the periodic job picks the work up later.
    """

    def send() -> None:
        try:
            if countdown:
                task.apply_async(args, kwargs, countdown=countdown)
            else:
                task.delay(*args, **kwargs)
        except Exception as exc:  # kombu OperationalError, OSError, a broken transport...
            name = getattr(task, "name", repr(task))
            logger.warning(
                "broker unreachable: %s%r not sent (%s: %s); %s",
                name,
                args,
                type(exc).__name__,
                exc,
                "doing it now" if fallback else "left for the periodic job",
            )
            if fallback is not None:
                fallback()

    if on_commit:
        transaction.on_commit(send)
    else:
        send()
