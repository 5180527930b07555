"""Reads of the catalogue for pages and the API (writes live in services)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TypeVar

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects, signals
from django.utils import translation

from providers import amenities, places
from providers.cache import cache
from providers.models import (
    Amenity,
    Offer,
    OfferKind,
    ProviderAccount,
    Resource,
    ResourceKind,
    Space,
)

RESOURCE_KINDS = set(ResourceKind.values)
OFFER_KINDS = set(OfferKind.values)


def visible_spaces() -> QuerySet[Space]:
    """Spaces members may see, with their active rooms and passes."""
    return (
        Space.objects.filter(active=True, hidden=False, account__enabled=True)
        .select_related("account")
        .prefetch_related(*_details())
        .order_by("-featured", "city", "name")
    )


def _details() -> tuple:
    return (
        "amenities",
        Prefetch("resources", queryset=Resource.objects.filter(active=True)),
        Prefetch("offers", queryset=Offer.objects.filter(active=True)),
    )


def with_details(space: Space) -> Space:
    """A space read without its rooms, passes and amenities, now with them (active only)."""
    prefetch_related_objects([space], *_details())
    return space


def search_spaces(
    *,
    q: str = "",
    city: str = "",
    country: str = "",
    kind: str = "",
    capacity: int | None = None,
    amenities: list[str] | None = None,
    max_price: Decimal | None = None,
    provider: str = "",
    date: dt.date | None = None,
) -> QuerySet[Space]:
    spaces = visible_spaces()
    if q:
        for word in q.split():
            spaces = spaces.filter(
                Q(name__icontains=word) | Q(city__icontains=word) | Q(description__icontains=word)
            )
    if city:
        spaces = spaces.filter(city__iexact=city)
    if country:
        spaces = spaces.filter(Q(country_code__iexact=country) | Q(country__iexact=country))
    if provider:
        spaces = spaces.filter(account__kind=provider)
    if kind in RESOURCE_KINDS:
        spaces = spaces.filter(resources__active=True, resources__kind=kind)
    elif kind in OFFER_KINDS:
        spaces = spaces.filter(offers__active=True, offers__kind=kind)
    if capacity:
        spaces = spaces.filter(
            Q(resources__active=True, resources__capacity__gte=capacity)
            | Q(offers__active=True, offers__max_persons__gte=capacity)
            | Q(offers__active=True, offers__capacity__gte=capacity)
        )
    for slug in amenities or []:
        spaces = spaces.filter(amenities__slug=slug)
    if max_price is not None:
        spaces = spaces.filter(
            Q(resources__active=True, resources__price_hour__lte=max_price)
            | Q(offers__active=True, offers__price__lte=max_price)
        )
    spaces = spaces.distinct()
    if date is not None:
        open_ids = [
            pk for pk, hours in spaces.values_list("pk", "opening_hours") if open_on(hours, date)
        ]
        spaces = spaces.filter(pk__in=open_ids)
    return spaces


def open_on(hours: list[dict], day: dt.date) -> bool:
    """Whether published opening hours say the space opens that day. A space that
    publishes no hours is kept: its rooms' own calendars tell."""
    if not hours:
        return True
    return any(h.get("weekday") == day.weekday() and h.get("opens") for h in hours)


def _filter_choices() -> dict[str, list]:
    active = Space.objects.filter(active=True, hidden=False, account__enabled=True)
    cities = sorted({c for c in active.values_list("city", flat=True) if c})
    countries = sorted(
        {(code, name) for code, name in active.values_list("country_code", "country") if code},
        key=lambda pair: pair[1] or pair[0],
    )
    amenities = list(
        Amenity.objects.filter(spaces__in=active)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
    return {"cities": cities, "countries": countries, "amenities": amenities}


def _visible_items(model):
    return model.objects.select_related("space__account").filter(
        active=True, space__active=True, space__hidden=False, space__account__enabled=True
    )


# a room's or a pass's row with its space and account as members see them, kept under
# the catalogue version (``visible_item``); a day: only to free the memory
ITEM_KEEP_SECONDS = 24 * 3600


Item = TypeVar("Item", Resource, Offer, Space)


def visible_item(model: type[Item], pk: int) -> Item | None:
    """``visible_resources()``, ``visible_offers()`` or ``visible_spaces()``
    ``.filter(pk=pk).first()`` (without the prefetches), kept in the cache under the
    catalogue version: a warm page reads its room, space and account in one cache round
    trip (the version and the kept row together), not a query. ``None`` (not visible) is
    kept too. The account's credentials are left out of
    what is kept (deferred): ``with_credentials`` loads them before a provider is asked."""
    return visible_item_and_version(model, pk)[0]


def visible_item_and_version(model: type[Item], pk: int) -> tuple[Item | None, str | None]:
    """``visible_item`` and the catalogue version it was read with (what a page kept
    under the version is keyed by: read once, not again)."""
    item, version, _ = visible_item_reading(model, pk)
    return item, version


def visible_item_reading(
    model: type[Item], pk: int, also: list[str] | tuple[str, ...] = ()
) -> tuple[Item | None, str | None, dict]:
    """``visible_item_and_version``, and the cache keys ``also`` read in the same round
    trip (what the page reads next: a day's facts, the room's holds), as a dict."""
    key = f"visible:{model._meta.label_lower}:{pk}"
    read = cache.get_many([CATALOGUE_VERSION_KEY, key, *also])
    version, kept = read.get(CATALOGUE_VERSION_KEY), read.get(key)
    if version is not None and kept is not None and kept[0] == version:
        return kept[1], version, read
    item = _kept_rows(model).filter(pk=pk).first()
    version = version or catalogue_version()
    if version is not None:  # a sync or an edit since the read: kept under the old one
        cache.set(key, (version, item), ITEM_KEEP_SECONDS)
    return item, version, read


def _kept_rows(model: type) -> QuerySet:
    """What ``visible_item`` keeps: the visible rows, their account's credentials left out."""
    if model is Space:
        return (
            Space.objects.select_related("account")
            .filter(active=True, hidden=False, account__enabled=True)
            .defer("account__credentials")
        )
    return _visible_items(model).defer("space__account__credentials")


def with_credentials(account: ProviderAccount) -> ProviderAccount:
    """The account with its credentials loaded (a query when they were left out): before
    a provider is asked from another thread, which must not query the database."""
    if "credentials" in account.get_deferred_fields():
        account.refresh_from_db(fields=["credentials"])
    return account


def visible_resources() -> QuerySet[Resource]:
    """Rooms members may see and book (their space shown, their provider enabled)."""
    return _visible_items(Resource)


def visible_offers() -> QuerySet[Offer]:
    return _visible_items(Offer)


# --- the catalogue's version: what cached pages and fragments are keyed by ---------------

CATALOGUE_VERSION_KEY = "catalogue:version"


def catalogue_version() -> str | None:
    """A token that changes whenever what members see of the catalogue may have changed
    (a sync applied, staff edited a space, a room, a pass, an amenity or an account).
    ``None`` when the cache is down: then nothing may be cached by it."""
    version = cache.get(CATALOGUE_VERSION_KEY)
    if version is None:  # first use, or evicted: any fresh token invalidates everything
        cache.add(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(CATALOGUE_VERSION_KEY)
    return version


def catalogue_changed() -> None:
    """Bump the version now (the writer's own next read sees the change) and again once
    the change is committed: a page rendered by another process between the two would
    otherwise stay cached under the new version with the old data."""

    def bump() -> None:
        cache.set(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


def filter_choices() -> dict[str, list]:
    """The choices of the catalogue's filters (cities, countries, amenities), computed once
    per catalogue version."""
    version = catalogue_version()
    key = f"catalogue:choices:{version}"
    choices = cache.get(key) if version else None
    if choices is None:
        choices = _filter_choices()
        if version:
            cache.set(key, choices, 24 * 3600)
    # names in the reader's language: the cached choices are the catalogue's words
    language = translation.get_language() or "en"
    return {
        **choices,
        "countries": [
            (code, places.country_name(code, language, name)) for code, name in choices["countries"]
        ],
        "amenities": [(slug, amenities.label(name)) for slug, name in choices["amenities"]],
    }


def _changed(sender, **kwargs) -> None:
    catalogue_changed()


def watch_catalogue() -> None:
    """Staff edits through the admin (hide a space, disable an account, rename a room)
    change what members see: each save or delete bumps the version. A sync's bulk updates
    send no signal; ``services.apply_catalogue`` bumps it itself."""
    for model in (Space, Resource, Offer, Amenity, ProviderAccount):
        uid = f"catalogue-version-{model.__name__}"
        signals.post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        signals.post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
    signals.m2m_changed.connect(
        _changed, sender=Space.amenities.through, dispatch_uid="catalogue-version-amenities"
    )
