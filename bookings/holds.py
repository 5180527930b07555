"""The portal's bookings that hold a room's or a pass's time, kept in the cache per item;
and what a member's pages are kept under (``member_facts``).

Availability lays the portal's own holding bookings over a provider's answer
(``bookings.availability``). A warm page read them with a query on every request; they
are now kept per room and per pass (every holding booking that ends after a week ago),
under a token that every write of one of the item's bookings replaces (``changed``;
``providers.cache.kept_under_token``). No timer decides freshness.

Every write reaches ``changed``: a booking's save or delete (signals, ``watch_bookings``),
and the booking queryset's ``update`` and ``bulk_create`` (``BookingQuerySet``), which
send no signal. ``check_not_held`` (booking) still asks the database: this copy serves
what pages show, never the decision to book.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable

from django.db.models import signals
from django.utils import timezone

from providers.cache import kept_under_token, replace_tokens

# what is kept: holding bookings that end after this long ago (a week page starts on this
# week's Monday); a span that starts earlier is read from the database
SINCE = dt.timedelta(days=8)
KEEP_SECONDS = 24 * 3600

Row = tuple[dt.datetime, dt.datetime, str, dt.datetime]  # start, end, status, updated_at


def _token_key(kind: str, pk: int) -> str:
    return f"holds:token:{kind}:{pk}"


def _rows_key(kind: str, pk: int) -> str:
    return f"holds:rows:{kind}:{pk}"


def keys(kind: str, pk: int) -> list[str]:
    """The cache keys ``rows`` reads: a caller may read them with its own (one
    ``get_many``) and hand the result to ``rows``."""
    return [_token_key(kind, pk), _rows_key(kind, pk)]


def rows(
    item, kind: str, start: dt.datetime, end: dt.datetime, read: dict | None = None
) -> list[Row]:
    """(start, end, status, updated_at) of the item's holding bookings that overlap
    ``start``..``end``; ``kind``: "resource" or "offer"; ``read``: ``keys`` as the caller
    read them already."""
    from bookings.models import HOLDING

    def query(since: dt.datetime | None = None) -> list[Row]:
        found = item.bookings.filter(status__in=HOLDING, end__gt=since or start)
        if since is None:
            found = found.filter(start__lt=end)
        return list(found.values_list("start", "end", "status", "updated_at"))

    now = timezone.now()
    if start < now - SINCE + dt.timedelta(hours=1):  # before what is kept
        return query()
    token_key, rows_key = keys(kind, item.pk)
    _, kept = kept_under_token(
        token_key, rows_key, lambda: query(since=now - SINCE), KEEP_SECONDS, read
    )
    return [row for row in kept if row[0] < end and row[1] > start]


def changed(items: Iterable[tuple[str, int | None]]) -> None:
    """The bookings of these (kind, pk) items changed: what was kept of them is not
    read again. Now, and again once the write is committed."""
    replace_tokens(
        (_token_key(kind, pk) for kind, pk in set(items) if pk is not None), KEEP_SECONDS
    )


def of_booking(booking) -> list[tuple[str, int | None]]:
    return [
        ("resource", booking.resource_id),
        ("offer", booking.offer_id),
        ("member", booking.member_id),
    ]


def member_facts(member_pk: int, now: dt.datetime) -> tuple:
    """(the member's token, how many bookings, their last ``updated_at``, how many ended
    by ``now``, when the next one ends after ``now`` or None): what the member's pages and
    feed are kept under, kept in the cache under the member's token (every write of one
    of the member's bookings replaces it; None while the cache is down)."""
    from bookings.models import Booking

    def facts() -> tuple:
        rows = list(Booking.objects.filter(member_id=member_pk).values_list("end", "updated_at"))
        ends = sorted(end.timestamp() for end, _ in rows)
        return len(rows), max((updated for _, updated in rows), default=None), ends

    token_key, facts_key = keys("member", member_pk)
    token, (count, last, ends) = kept_under_token(token_key, facts_key, facts, KEEP_SECONDS)
    ended = bisect.bisect_right(ends, now.timestamp())
    next_end = dt.datetime.fromtimestamp(ends[ended], dt.UTC) if ended < len(ends) else None
    return token, count, last, ended, next_end


def _saved_or_deleted(sender, instance, **kwargs) -> None:
    changed(of_booking(instance))


def watch_bookings() -> None:
    """Every save and delete of a booking (called from the app's ``ready``)."""
    from bookings.models import Booking

    signals.post_save.connect(_saved_or_deleted, sender=Booking, dispatch_uid="holds-save")
    signals.post_delete.connect(_saved_or_deleted, sender=Booking, dispatch_uid="holds-delete")
