"""Tokens of a member's own rows besides their bookings (``bookings.holds`` has those):
their check-in visits and their waitlist entries.

Every write of such a row replaces its member's token of that kind, now and once
committed (``providers.cache.replace_tokens``): a save or a delete by signal
(``watch``), a bulk ``update()`` or ``bulk_create()`` through ``MemberRowsQuerySet``.
A page kept with the token ("My visits", "My waitlist": ``bookings.pagecache``) is
therefore not served once what it lists has changed; no timer decides it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from providers.cache import replace_tokens

KEEP_SECONDS = 24 * 3600
VISITS, WAITLIST = "visits", "waitlist"


def token_key(kind: str, member_pk: int) -> str:
    return f"member-rows:token:{kind}:{member_pk}"


def timeouts(kind: str, member_pk: int) -> dict[str, int | None]:
    """The member's token of ``kind`` by key, with how long a fresh one lives (for
    ``bookings.pagecache.tokens_now``)."""
    return {token_key(kind, member_pk): KEEP_SECONDS}


def changed(kind: str, member_pks: Iterable[int | None]) -> None:
    """These members' rows of ``kind`` changed: what was kept of them is not read again."""
    replace_tokens({token_key(kind, pk) for pk in member_pks if pk is not None}, KEEP_SECONDS)


class MemberRowsQuerySet(models.QuerySet):
    """Bulk writes send no signal: they replace their members' tokens themselves (of
    ``token_kind``, which each model's queryset names)."""

    token_kind = ""

    def update(self, **kwargs):
        members = set(self.values_list("member_id", flat=True).distinct())
        count = super().update(**kwargs)
        if count:
            changed(self.token_kind, members)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created: list[Any] = super().bulk_create(objs, *args, **kwargs)
        changed(self.token_kind, {row.member_id for row in created})
        return created


class VisitQuerySet(MemberRowsQuerySet):
    token_kind = VISITS


class WaitlistQuerySet(MemberRowsQuerySet):
    token_kind = WAITLIST


def _written(sender, instance, **kwargs) -> None:
    changed(sender.objects.get_queryset().token_kind, [instance.member_id])


def watch() -> None:
    """Every save and delete of a visit or a waitlist entry (the app's ``ready``)."""
    from django.db.models import signals

    from bookings.models import Visit, WaitlistEntry

    for model in (Visit, WaitlistEntry):
        for signal in (signals.post_save, signals.post_delete):
            signal.connect(_written, sender=model, dispatch_uid=f"member-rows-{model.__name__}")
