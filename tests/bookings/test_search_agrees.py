"""Search by time window agrees with each room's slot endpoint (issue 12).

Against the in-process sandbox, for all four providers: the rooms' coming days are put
in the availability index (``bookings.index``), then, for windows picked from the slot
endpoint (one free and one taken per provider at least), ``GET /api/search`` must list
the room at that exact window when ``/api/resources/<id>/slots`` has it free, must not
when it is taken, and every other window it offers for the room (the nearest free ones)
must be free there too. With one provider in fault mode (set through the sandbox's
``POST /_sandbox/faults``), its rooms are unknown in both: the slot endpoint says
"unknown", the index holds no free row for them, search labels the provider (status not
"ok") and still lists its rooms, and the other providers answer as before.

Nothing here is skipped: until the index and the search endpoint are merged these tests
fail, naming what is missing.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from types import SimpleNamespace

import httpx
import pytest
from django.core.cache import cache
from django.urls import reverse

from devtools.demo import accounts_from_sandbox_config
from providers import selectors
from providers.models import Resource
from sandbox import build_sandbox
from tests.providers.conftest import portal_on_sandbox

pytestmark = pytest.mark.django_db

KINDS = ["thia", "workways", "zentry", "fourspaces"]
SANDBOX_URL = "http://127.0.0.1:8001"
DAYS_AHEAD = range(1, 8)  # the coming week, in each space's local days
PAGE = 50


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        pytest.fail(f"{name} is missing (issue 12 is not merged yet): {exc}")


@pytest.fixture
def portal(monkeypatch):
    """Every sandbox account synced into the portal, every call to a provider through the
    in-process sandbox, with no real waits between retries of injected faults."""
    index = _module("bookings.index")
    sandbox = build_sandbox(state_path=None, fault_seed=1)
    transport = httpx.WSGITransport(app=sandbox)
    cache.clear()
    for cfg in accounts_from_sandbox_config(sandbox.print_config(SANDBOX_URL)):
        portal_on_sandbox(monkeypatch, transport, cfg)

    from providers.adapters import adapter_for

    def quick(account, **kwargs):
        return adapter_for(account, **{**kwargs, "transport": transport, "sleep": _no_sleep})

    from tests.bookings.conftest import services_asking_providers

    asking = [
        importlib.import_module(name)
        for name in (
            "providers.availability",
            "providers.services",
            "providers.tasks",
            "bookings.tasks",
            "bookings.index",
        )
    ]
    for module in (*asking, *services_asking_providers()):
        if hasattr(module, "adapter_for"):
            monkeypatch.setattr(module, "adapter_for", quick)
    yield SimpleNamespace(sandbox=sandbox, transport=transport, index=index)
    cache.clear()


def _no_sleep(seconds: float) -> None:
    pass


def fault(transport: httpx.BaseTransport, kind: str) -> None:
    """Every answer of ``kind`` a 5xx, through the sandbox's own control endpoint."""
    with httpx.Client(transport=transport, base_url=SANDBOX_URL) as control:
        answer = control.post("/_sandbox/faults", json={kind: {"error_rate": 1}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["providers"][kind]["error_rate"] == 1.0


# --- the slot endpoint's view of a window -------------------------------------------------


@dataclass(frozen=True)
class Window:
    room: Resource
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    state: str  # free | taken


def slots_of(client, room: Resource, day: dt.date) -> dict:
    answer = client.get(reverse("api_slots", args=[room.pk]), {"date": day.isoformat()})
    assert answer.status_code == 200, answer.content
    return answer.json()


def parsed(slots: list[dict]) -> list[tuple[dt.datetime, dt.datetime, bool]]:
    return [
        (dt.datetime.fromisoformat(s["start"]), dt.datetime.fromisoformat(s["end"]), s["available"])
        for s in slots
    ]


def window_state(slots, start: dt.datetime, end: dt.datetime) -> str | None:
    """What the slot endpoint says of [start, end): "free" when consecutive slots cover
    it exactly and all are available, "taken" when they cover it and one is not, None
    when its slots do not cover it (outside the opening hours or off the grid)."""
    cursor, available = start, []
    while cursor < end:
        fitting = [s for s in slots if s[0] == cursor and s[1] <= end]
        if not fitting:
            return None
        slot = max(fitting, key=lambda s: s[1])
        available.append(slot[2])
        cursor = slot[1]
    return "free" if all(available) else "taken"


def window_minutes(room: Resource, slots) -> int:
    """A length the room can be booked for: its shortest booking, at least an hour."""
    first = slots[0][1] - slots[0][0]
    minimum = int((room.rules or {}).get("min_minutes") or 0)
    return max(60, minimum, int(first.total_seconds() // 60))


def windows_of(room: Resource, day: dt.date, slots) -> list[Window]:
    if not slots:
        return []
    length = dt.timedelta(minutes=window_minutes(room, slots))
    found = []
    for start, _end, _free in slots:
        state = window_state(slots, start, start + length)
        if state:
            found.append(Window(room, day, start, start + length, state))
    return found


def rooms_of(kind: str) -> list[Resource]:
    return list(
        selectors.visible_resources()
        .filter(space__account__kind=kind)
        .select_related("space__account")
        .order_by("pk")
    )


def local_days(room: Resource) -> list[dt.date]:
    from bookings.availability import local_today_for

    today = local_today_for(room.space.timezone)
    return [today + dt.timedelta(days=offset) for offset in DAYS_AHEAD]


# --- what search says ----------------------------------------------------------------------


class Search:
    """``GET /api/search`` for one date and local window, every page read."""

    def __init__(self, client):
        self.client = client
        self.answers: dict[tuple, dict] = {}

    def __call__(self, day: dt.date, start: dt.datetime, end: dt.datetime) -> dict:
        key = (day, f"{start:%H:%M}", f"{end:%H:%M}")
        if key not in self.answers:
            self.answers[key] = self._all_pages(*key)
        return self.answers[key]

    def _all_pages(self, day: dt.date, start: str, end: str) -> dict:
        items: list[dict] = []
        offset, count, first = 0, None, None
        while count is None or offset < count:
            answer = self.client.get(
                "/api/search",
                {
                    "date": day.isoformat(),
                    "start": start,
                    "end": end,
                    "limit": PAGE,
                    "offset": offset,
                },
            )
            assert answer.status_code == 200, answer.content
            body = answer.json()
            first = first or body
            count = body["count"]
            items += body["items"]
            offset += PAGE
            assert offset < 10_000, "search keeps paging"
        assert len(items) == count, (len(items), count)
        return {"count": count, "items": items, "providers": first["providers"]}


def hits_for(answer: dict, room: Resource) -> list[dict]:
    return [i for i in answer["items"] if i["resource"] and i["resource"]["id"] == room.pk]


def provider_status(answer: dict, kind: str) -> str:
    statuses = [p["status"] for p in answer["providers"] if p["provider"] == kind]
    assert len(statuses) == 1, answer["providers"]
    return statuses[0]


def at(hit: dict) -> tuple[dt.datetime, dt.datetime]:
    start, end = dt.datetime.fromisoformat(hit["start"]), dt.datetime.fromisoformat(hit["end"])
    assert start.utcoffset() is not None and end.utcoffset() is not None, hit  # with offset
    return start, end


def index_rooms(portal, rooms: list[Resource], offset: int | None = None) -> None:
    """Index the rooms' coming week, or only the day ``offset`` of it."""
    for room in rooms:
        days = local_days(room)
        portal.index.index_resource_days(room, days if offset is None else [days[offset]])


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_search_agrees_with_the_slot_endpoint(portal, client, kind):
    rooms = rooms_of(kind)
    assert rooms, f"the sandbox has no {kind} room"
    index_rooms(portal, rooms)

    slots: dict[tuple[int, dt.date], list] = {}
    picked: list[Window] = []
    for room in rooms:
        for day in local_days(room):
            answer = slots_of(client, room, day)
            assert answer["status"] == "known", answer
            slots[room.pk, day] = parsed(answer["slots"])
        windows = [
            window
            for day in local_days(room)
            for window in windows_of(room, day, slots[room.pk, day])
        ]
        for state in ("free", "taken"):  # the first of each, per room
            picked += [w for w in windows if w.state == state][:1]
    states = {w.state for w in picked}
    # the sandbox's seed data has bookings in the coming week at every provider
    assert states == {"free", "taken"}, f"{kind}: no {'free' if 'free' not in states else 'taken'}"

    search = Search(client)
    for window in picked:
        answer = search(window.day, window.start, window.end)
        assert provider_status(answer, kind) == "ok"
        hits = hits_for(answer, window.room)
        exact = [h for h in hits if at(h) == (window.start, window.end)]
        where = f"{kind} room {window.room.pk} {window.start:%Y-%m-%d %H:%M}-{window.end:%H:%M}"
        if window.state == "free":
            assert len(exact) == 1, f"{where} is free in its slots, search says {hits}"
            [hit] = exact
            assert hit["space"]["provider"] == kind
            assert hit["space"]["timezone"] == window.room.space.timezone
            assert hit["resource"]["capacity"] == window.room.capacity
            assert hit["offer"] is None
            assert hit["certainty"] in {"instant", "request"}
            assert hit["checked_at"], hit
        else:
            assert not exact, f"{where} is taken in its slots, search offers it: {exact}"
        for hit in hits:  # the nearest free windows offered instead are free there too
            start, end = at(hit)
            local = start.astimezone(window.start.tzinfo).date()
            day_slots = slots.get((window.room.pk, local))
            assert day_slots is not None, f"{where}: search offers another day {hit}"
            assert window_state(day_slots, start, end) == "free", f"{where}: {hit}"


@pytest.mark.parametrize("faulty", KINDS)
def test_a_provider_in_fault_mode_is_unknown_in_both(portal, client, faulty):
    from bookings.models import AvailabilityWindow, WindowState

    fault(portal.transport, faulty)
    everyone = {kind: rooms_of(kind) for kind in KINDS}
    faulted = everyone[faulty]
    # one day, the same date for every room: "tomorrow" differs between the spaces' zones
    # late in the UTC day (Bucharest is on the next date before Dublin); retries of faults
    # add up, so only that day
    day = local_days(faulted[0])[1]
    for rooms in everyone.values():
        for room in rooms:
            portal.index.index_resource_days(room, [day])

    assert not AvailabilityWindow.objects.filter(
        resource__in=faulted, state=WindowState.FREE
    ).exists(), "a provider that cannot answer left free rows in the index"
    assert AvailabilityWindow.objects.filter(
        resource__in=faulted, state=WindowState.UNKNOWN
    ).exists(), "a provider that cannot answer left no unknown rows in the index"
    for room in faulted:
        answer = slots_of(client, room, day)
        assert answer["status"] == "unknown", answer
        assert answer["slots"] == []

    tz = faulted[0].space.timezone
    from zoneinfo import ZoneInfo

    start = dt.datetime.combine(day, dt.time(10), ZoneInfo(tz))
    answer = Search(client)(day, start, start + dt.timedelta(hours=2))
    assert provider_status(answer, faulty) in {"unknown", "degraded"}, answer["providers"]
    for kind in KINDS:
        if kind != faulty:
            assert provider_status(answer, kind) == "ok", answer["providers"]
    for room in faulted:  # labelled, not hidden (issue 12)
        assert hits_for(answer, room), f"{faulty} room {room.pk} is hidden while unknown"
