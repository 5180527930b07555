"""4Spaces availability: ``day_facts`` for Timespan rooms, ``pass_days`` for Daily products.

4Spaces has no availability call: the facts are the organization details read again
(opening hours in the smart spaces' ``properties``, the booked smart spaces'
``userAccesses``) and the services' time options. Three layers: faked HTTP with the
document's shapes, the sandbox in-process, and the portal's availability service.
"""

from __future__ import annotations

import copy
import datetime as dt
from zoneinfo import ZoneInfo

import httpx
import pytest

from providers.adapters import adapter_for
from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    NotFoundError,
    TransientError,
    UnsupportedError,
)
from providers.adapters.types import ItemRef
from providers.vendors.fourspaces.adapter import FourSpacesAdapter
from tests.providers.vendors.fourspaces.test_fourspaces import (
    ACCOUNT,
    ORG,
    answer,
    details,
    make,
    product,
    service,
    status,
    thing,
)

VIENNA = ZoneInfo("Europe/Vienna")
ROOM_PRODUCT = "p1" + "0" * 30  # Donau, Timespan (min 60, max 600, increment 30)
DAYPASS_PRODUCT = "p2" + "0" * 30  # Hot desk, Daily PT8H-PT18H
OFFICE_PRODUCT = "p6" + "0" * 30  # Office 1.01, Daily PT8H-PT20H (added below)
BUILDING_ID = "b" * 32
ROOM_ID = "a" * 32


@pytest.fixture(autouse=True)
def _fresh_organization_each_call(monkeypatch):
    """These tests change the organization between calls: no reuse of an earlier answer
    (``test_a_week_of_room_days_reuses_one_organization_answer`` tests the reuse)."""
    monkeypatch.setattr(FourSpacesAdapter, "availability_reuse_seconds", 0)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), VIENNA)


def ms(when: dt.datetime) -> int:
    """An aware time as the document's epoch milliseconds."""
    return int(when.timestamp() * 1000)


def access(id_: str, start: dt.datetime | None, end: dt.datetime | None) -> dict:
    """A UserAccessView as in the document's sample."""
    return {
        "id": id_,
        "userId": 1,
        "businessUserId": 2,
        "validFrom": ms(start) if start else -62135596800000,
        **({"validTo": ms(end)} if end else {}),
        "activeFrom": ms(start) if start else -62135596800000,
        "accessCount": 0,
        "canEnterWithTicket": False,
        "permission": ["Enter"],
    }


OFFICE = thing(
    "o" * 32,
    "Office 1.01",
    "PrivateOffice",
    {"capacity": "4", "desks": "4", "timeZone": "Europe/Vienna"},
    {"bookable": True},
)
LOCK = thing("l" * 32, "Door lock", "SmartLock", {"vendor": "Salto"})
OFFICE_SERVICE = service(
    "s6" + "0" * 30,
    1,
    [product(OFFICE_PRODUCT, "Office 1.01 (4 desks)", 160, externalId=["o" * 32])],
    requireConfirmation=True,
    timeOption={"type": 0, "dailyOptions": {"checkin": "PT8H", "checkout": "PT20H"}},
)


def body(*, hours="Mo-Fr 08:00-20:00; Sa 09:00-14:00", room_hours=None, accesses=(), **kw):
    """The organization details with the building's ``openingHours`` (None: left out),
    the meeting room's own hours and accesses, an office and a Daily office service."""
    answer_body = details(**kw)
    data = answer_body["data"]
    building = data["smartSpaces"][0]
    if hours is None:
        building["properties"].pop("openingHours", None)
    else:
        building["properties"]["openingHours"] = hours
    floor = building["thingsByCategory"][0]["things"][0]
    room = floor["thingsByCategory"][0]["things"][0]
    assert room["id"] == ROOM_ID
    room["userAccesses"] = list(accesses)
    if room_hours:
        room["properties"]["openingHours"] = room_hours
    room["thingsByCategory"] = [{"id": "5" * 32, "name": "Access", "things": [copy.deepcopy(LOCK)]}]
    floor["thingsByCategory"].append(
        {"id": "6" * 32, "name": "Private offices", "things": [copy.deepcopy(OFFICE)]}
    )
    if "services" not in kw:
        data["services"].append(copy.deepcopy(OFFICE_SERVICE))
    return answer_body


def ref(answer_body: dict, product_id: str, space_id: str = BUILDING_ID) -> ItemRef:
    """The ItemRef the portal builds from the catalogue row of ``product_id``."""
    catalogue = make(answer(answer_body)).fetch_catalogue()
    space = next(s for s in catalogue.spaces if s.external_id == space_id)
    for item in [*space.resources, *space.offers]:
        if item.external_id == product_id:
            return ItemRef(
                external_id=item.external_id,
                kind=item.kind,
                timezone=space.timezone,
                space_external_id=space.external_id,
                raw=item.raw,
                space_raw=space.raw,
                rules=getattr(item, "rules", {}),
                quantity=getattr(item, "quantity", 1),
            )
    raise AssertionError(f"{product_id} not in {space_id}")


def facts(answer_body, day, product_id=ROOM_PRODUCT):
    item = ref(answer_body, product_id)
    handler = answer(answer_body)
    result = make(handler).day_facts(item, day)
    assert len(handler.calls) == 1  # one fresh read of the organization details
    return result


def hours_of(window):
    """Real hours (same-zone aware datetimes subtract as wall clock, so go through UTC)."""
    start, end = (w.astimezone(dt.UTC) for w in window)
    return (end - start).total_seconds() / 3600


MONDAY = dt.date(2026, 1, 5)
SATURDAY = dt.date(2026, 1, 10)
SUNDAY = dt.date(2026, 1, 11)
SPRING = dt.date(2026, 3, 29)  # last Sunday of March: 02:00 CET -> 03:00 CEST
AUTUMN = dt.date(2026, 10, 25)  # last Sunday of October: 03:00 CEST -> 02:00 CET


# --- (1) faked HTTP: rooms (Timespan) -------------------------------------------------


def test_a_normal_day_is_the_buildings_opening_hours_with_the_rooms_bookings_busy():
    booked = access("1" * 32, at(MONDAY, 10), at(MONDAY, 11, 30))
    other_day = access("2" * 32, at(MONDAY + dt.timedelta(days=1), 9), at(MONDAY, 23, 59))
    result = facts(body(accesses=[booked, other_day]), MONDAY)
    assert result.slots is None
    assert result.open == [(at(MONDAY, 8), at(MONDAY, 20))]
    assert result.busy == [(at(MONDAY, 10), at(MONDAY, 11, 30))]
    assert result.capacity == 1
    for start, end in [*result.open, *result.busy]:
        assert str(start.tzinfo) == "Europe/Vienna" and end.tzinfo is not None


def test_saturday_has_its_own_hours_and_sunday_is_closed():
    assert facts(body(), SATURDAY).open == [(at(SATURDAY, 9), at(SATURDAY, 14))]
    closed = facts(body(), SUNDAY)
    assert closed.open == []


def test_the_rooms_own_opening_hours_win_over_the_buildings():
    result = facts(body(room_hours="Mo-Su 07:00-22:00"), SUNDAY)
    assert result.open == [(at(SUNDAY, 7), at(SUNDAY, 22))]


def test_no_opening_hours_anywhere_means_open_around_the_clock():
    result = facts(body(hours=None), SUNDAY)
    assert result.open == [(at(SUNDAY, 0), at(SUNDAY + dt.timedelta(days=1), 0))]


def test_the_organizations_opening_hours_string_is_the_last_fallback():
    config = {"timeZone": "Europe/Vienna", "openingHours": "Mo-Fr 09:00-17:00"}
    result = facts(body(hours=None, reservationConfig=config), MONDAY)
    assert result.open == [(at(MONDAY, 9), at(MONDAY, 17))]


def test_non_stop_hours_are_the_whole_local_day():
    result = facts(body(hours="Mo-Su 00:00-24:00"), MONDAY)
    assert result.open == [(at(MONDAY, 0), at(MONDAY + dt.timedelta(days=1), 0))]
    assert hours_of(result.open[0]) == 24


@pytest.mark.parametrize(("day", "length"), [(SPRING, 23), (AUTUMN, 25)])
def test_a_dst_change_day_is_23_or_25_hours_long(day, length):
    result = facts(body(hours="Mo-Su 00:00-24:00"), day)
    ((start, end),) = result.open
    assert (start, end) == (at(day, 0), at(day + dt.timedelta(days=1), 0))
    assert hours_of((start, end)) == length


def test_opening_hours_across_the_spring_forward_hour():
    # 01:00 CET to 04:00 CEST is two hours of real time
    result = facts(body(hours="Su 01:00-04:00"), SPRING)
    ((start, end),) = result.open
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert end.utcoffset() == dt.timedelta(hours=2)
    assert hours_of((start, end)) == 2


def test_a_booking_during_the_repeated_autumn_hour_keeps_its_instants():
    first_two = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 02:30 CEST
    second_two = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)  # 02:30 CET
    booked = access("1" * 32, first_two, second_two)
    result = facts(body(hours="Mo-Su 00:00-24:00", accesses=[booked]), AUTUMN)
    ((start, end),) = result.busy
    # (an ambiguous local time never compares == across zones, PEP 495: compare in UTC)
    assert (start.astimezone(dt.UTC), end.astimezone(dt.UTC)) == (first_two, second_two)
    assert (start.utcoffset(), end.utcoffset()) == (dt.timedelta(hours=2), dt.timedelta(hours=1))
    assert start.astimezone(VIENNA).hour == end.astimezone(VIENNA).hour == 2


def test_an_overnight_rule_spills_into_the_next_day():
    friday, saturday = dt.date(2026, 1, 9), SATURDAY
    hours = "Fr 18:00-02:00; Sa 09:00-14:00"
    assert facts(body(hours=hours), friday).open == [
        (at(friday, 18), at(saturday, 0))  # clipped to the day
    ]
    assert facts(body(hours=hours), saturday).open == [
        (at(saturday, 0), at(saturday, 2)),
        (at(saturday, 9), at(saturday, 14)),
    ]


def test_open_ended_and_unset_accesses_are_clipped_to_the_day():
    since_last_week = access("1" * 32, at(MONDAY - dt.timedelta(days=7), 9), None)  # no validTo
    result = facts(body(accesses=[since_last_week]), MONDAY)
    assert result.busy == [(at(MONDAY, 0), at(MONDAY + dt.timedelta(days=1), 0))]
    # .NET DateTime.MinValue as validFrom: "not set", busy up to validTo
    until_noon = access("2" * 32, None, at(MONDAY, 12))
    assert facts(body(accesses=[until_noon]), MONDAY).busy == [(at(MONDAY, 0), at(MONDAY, 12))]


def test_the_documents_placeholder_access_is_not_a_booking():
    """The doc sample's access has ``validFrom`` and ``validTo`` both DateTime.MinValue:
    an access that ended in year 1, not an open-ended one."""
    sample = {
        "id": "0" * 32,
        "userId": 0,
        "businessUserId": 0,
        "validFrom": -62135596800000,
        "validTo": -62135596800000,
        "activeFrom": -62135596800000,
        "accessCount": 0,
        "ticketNumber": "String",
        "queuePosition": 0,
        "canEnterWithTicket": False,
        "permission": ["String"],
    }
    assert facts(body(accesses=[sample]), MONDAY).busy == []


def test_an_access_on_the_rooms_door_lock_makes_the_room_busy():
    answer_body = body()
    room = answer_body["data"]["smartSpaces"][0]["thingsByCategory"][0]["things"][0][
        "thingsByCategory"
    ][0]["things"][0]
    room["thingsByCategory"][0]["things"][0]["userAccesses"] = [
        access("3" * 32, at(MONDAY, 15), at(MONDAY, 16))
    ]
    assert facts(answer_body, MONDAY).busy == [(at(MONDAY, 15), at(MONDAY, 16))]


def test_accesses_of_other_smart_spaces_do_not_count():
    answer_body = body()
    floor = answer_body["data"]["smartSpaces"][0]["thingsByCategory"][0]["things"][0]
    office = floor["thingsByCategory"][-1]["things"][0]
    office["userAccesses"] = [access("4" * 32, at(MONDAY, 8), at(MONDAY, 20))]
    answer_body["data"]["smartSpaces"][0]["userAccesses"] = [
        access("5" * 32, at(MONDAY, 8), None)  # a member's building access
    ]
    assert facts(answer_body, MONDAY).busy == []


def test_the_bookings_are_read_fresh_not_from_the_catalogue():
    item = ref(body(accesses=[access("1" * 32, at(MONDAY, 10), at(MONDAY, 11))]), ROOM_PRODUCT)
    assert item.raw["taken"]  # the catalogue stored the old booking...
    result = make(answer(body())).day_facts(item, MONDAY)  # ...which is cancelled since
    assert result.busy == []


def test_a_past_day_is_answered_the_document_has_no_dates_to_refuse():
    result = facts(body(), dt.date(2020, 1, 6))
    assert result.open == [(at(dt.date(2020, 1, 6), 8), at(dt.date(2020, 1, 6), 20))]


def test_the_time_options_min_max_and_increment_are_the_rooms_rules_in_minutes():
    item = ref(body(), ROOM_PRODUCT)
    rules = item.rules
    assert (rules["min_minutes"], rules["max_minutes"], rules["step_minutes"]) == (60, 600, 30)
    assert rules["slot_minutes"] == 30  # cells on the increment grid; min 60 at booking


def test_a_desk_area_booked_by_the_hour_takes_its_desks_as_capacity():
    answer_body = body()
    meeting = answer_body["data"]["services"][0]
    meeting["products"].append(
        product("p7" + "0" * 30, "Desk by the hour", 5, externalId=["d" * 32])
    )
    item = ref(answer_body, "p7" + "0" * 30)
    assert item.kind == "desk" and item.quantity == 24
    assert make(answer(answer_body)).day_facts(item, MONDAY).capacity == 24


def test_a_product_no_longer_offered_is_not_found():
    item = ref(body(), ROOM_PRODUCT)
    gone = body()
    gone["data"]["services"][0]["products"] = gone["data"]["services"][0]["products"][1:]
    with pytest.raises(NotFoundError):
        make(answer(gone)).day_facts(item, MONDAY)


def test_a_room_product_now_sold_by_the_day_is_unsupported():
    item = ref(body(), ROOM_PRODUCT)
    changed = body()
    changed["data"]["services"][0]["timeOption"] = {
        "type": 0,
        "dailyOptions": {"checkin": "PT8H", "checkout": "PT18H"},
    }
    with pytest.raises(UnsupportedError):
        make(answer(changed)).day_facts(item, MONDAY)


def test_a_malformed_access_date_is_a_malformed_answer():
    broken = access("1" * 32, at(MONDAY, 10), at(MONDAY, 11))
    broken["validFrom"] = "2026-01-05T10:00:00"  # not epoch milliseconds
    item = ref(body(), ROOM_PRODUCT)
    with pytest.raises(MalformedResponseError):
        make(answer(body(accesses=[broken]))).day_facts(item, MONDAY)


@pytest.mark.parametrize("product_id", [DAYPASS_PRODUCT, "p3" + "0" * 30, "p4" + "0" * 30])
def test_day_facts_of_what_is_not_booked_by_the_hour_is_unsupported(product_id):
    item = ref(body(), product_id)
    handler = answer(body())
    with pytest.raises(UnsupportedError):
        make(handler).day_facts(item, MONDAY)
    assert handler.calls == []


# --- (1) faked HTTP: Daily products ---------------------------------------------------


def week(answer_body, product_id, start=MONDAY, days=7):
    item = ref(answer_body, product_id)
    end = start + dt.timedelta(days=days - 1)
    return make(answer(answer_body)).pass_days(item, start, end)


def test_a_day_pass_is_open_on_the_buildings_open_days_without_a_count():
    days = week(body(), DAYPASS_PRODUCT)
    assert [d.day for d in days] == [MONDAY + dt.timedelta(days=n) for n in range(7)]
    assert [d.open for d in days] == [True] * 6 + [False]  # Sunday closed
    assert all(d.remaining is None for d in days)


def test_a_day_pass_outside_the_buildings_hours_is_closed():
    # check-in 08:00 to check-out 18:00, but the building opens only in the evening
    days = week(body(hours="Mo-Fr 18:00-23:00"), DAYPASS_PRODUCT, days=1)
    assert [d.open for d in days] == [False]


def test_a_day_pass_without_opening_hours_is_open_every_day():
    assert all(d.open for d in week(body(hours=None), DAYPASS_PRODUCT))


def test_a_booked_private_office_is_taken_for_that_day():
    answer_body = body()
    floor = answer_body["data"]["smartSpaces"][0]["thingsByCategory"][0]["things"][0]
    office = floor["thingsByCategory"][-1]["things"][0]
    tuesday = MONDAY + dt.timedelta(days=1)
    office["userAccesses"] = [access("6" * 32, at(tuesday, 8), at(tuesday, 20))]
    days = week(answer_body, OFFICE_PRODUCT)
    assert [(d.open, d.remaining) for d in days[:3]] == [(True, 1), (False, 0), (True, 1)]
    assert days[6].open is False  # Sunday: the building is closed


def test_pass_days_across_a_dst_change():
    days = week(
        body(hours="Mo-Su 00:00-24:00"), DAYPASS_PRODUCT, start=SPRING - dt.timedelta(1), days=3
    )
    assert [d.day for d in days] == [SPRING - dt.timedelta(1), SPRING, SPRING + dt.timedelta(1)]
    assert all(d.open for d in days)


def test_an_empty_range_asks_nothing():
    item = ref(body(), DAYPASS_PRODUCT)
    handler = answer(body())
    assert make(handler).pass_days(item, MONDAY, MONDAY - dt.timedelta(days=1)) == []
    assert handler.calls == []


@pytest.mark.parametrize(
    "product_id",
    [ROOM_PRODUCT, "p3" + "0" * 30, "p4" + "0" * 30, "p5" + "0" * 30],
    ids=["timespan room", "request", "external", "ticket"],
)
def test_pass_days_of_rooms_requests_links_and_tickets_is_unsupported(product_id):
    item = ref(body(), product_id)
    handler = answer(body())
    with pytest.raises(UnsupportedError):
        make(handler).pass_days(item, MONDAY, SUNDAY)
    assert handler.calls == []


# --- (1) faked HTTP: errors -----------------------------------------------------------


def test_server_errors_are_transient(no_sleep):
    item = ref(body(), ROOM_PRODUCT)
    adapter = make(answer(status("Error", "Boom"), status_code=503), sleep=no_sleep)
    with pytest.raises(TransientError):
        adapter.day_facts(item, MONDAY)
    assert len(no_sleep) == FourSpacesAdapter.max_attempts - 1


def test_a_timeout_is_transient(no_sleep):
    item = ref(body(), DAYPASS_PRODUCT)

    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    adapter = FourSpacesAdapter(ACCOUNT, transport=httpx.MockTransport(handler), sleep=no_sleep)
    with pytest.raises(TransientError):
        adapter.pass_days(item, MONDAY, SUNDAY)


@pytest.mark.parametrize("code", [401, 403])
def test_refused_credentials_are_an_authentication_error(code):
    item = ref(body(), ROOM_PRODUCT)
    refused = answer(status("Unauthorized", "Not authenticated"), status_code=code)
    with pytest.raises(AuthenticationError):
        make(refused).day_facts(item, MONDAY)


def test_the_organization_is_asked_for_with_its_things_and_services():
    item = ref(body(), ROOM_PRODUCT)
    handler = answer(body())
    make(handler).day_facts(item, MONDAY)
    params = dict(handler.calls[0].url.params)
    assert params["OrganizationId"] == ORG
    assert params["LoadSmartSpaceThings"] == params["LoadServices"] == "true"


# --- (2) the sandbox in-process -------------------------------------------------------

KIND = "fourspaces"


@pytest.fixture
def account(sandbox_accounts):
    return sandbox_accounts[KIND][0]


def org_state(sandbox, account):
    return sandbox.store.data["providers"][KIND]["organizations"][account.config["organization_id"]]


def state_things(org) -> dict[str, dict]:
    found: dict[str, dict] = {}

    def walk(node):
        for category in node.get("thingsByCategory") or []:
            for child in category.get("things") or []:
                found[child["id"]] = child
                walk(child)

    for site in org["smartSpaces"]:
        walk(site)
    return found


def refs(catalogue):
    """ItemRef of every resource and offer of the catalogue, by (space, product id)."""
    out = {}
    for space in catalogue.spaces:
        for item in [*space.resources, *space.offers]:
            out[(space.external_id, item.external_id)] = ItemRef(
                external_id=item.external_id,
                kind=item.kind,
                timezone=space.timezone,
                space_external_id=space.external_id,
                raw=item.raw,
                space_raw=space.raw,
                rules=getattr(item, "rules", {}),
                quantity=getattr(item, "quantity", 1),
            )
    return out


def to_local(value_ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(value_ms / 1000, dt.UTC).astimezone(VIENNA)


def room_products(org):
    """(product, linked thing) of every Timespan product of the sandbox state."""
    things = state_things(org)
    for svc in org["services"]:
        if svc["serviceType"] == 1 and (svc.get("timeOption") or {}).get("type") == 1:
            for prod in svc["products"]:
                for thing_id in prod["externalId"]:
                    yield prod, things[thing_id]


def test_seeded_bookings_show_as_busy_on_their_day(sandbox, account, sandbox_transport):
    org = org_state(sandbox, account)
    with adapter_for(account, transport=sandbox_transport) as adapter:
        items = refs(adapter.fetch_catalogue())
        checked = 0
        for prod, room in room_products(org):
            for booked in room["userAccesses"]:
                start, end = to_local(booked["validFrom"]), to_local(booked["validTo"])
                item = next(i for (_, pid), i in items.items() if pid == prod["id"])
                result = adapter.day_facts(item, start.date())
                assert (start, end) in result.busy
                assert all(s.tzinfo is not None for s, _ in result.busy)
                checked += 1
    assert checked >= 3  # the seed books Donau twice, Prater, Spittelberg, Kanalsaal


def test_open_windows_follow_the_buildings_hours_in_the_sandbox(
    sandbox, account, sandbox_transport
):
    org = org_state(sandbox, account)
    site = org["smartSpaces"][0]
    assert site["properties"]["openingHours"].startswith("Mo-Fr 08:00-20:00")
    today = sandbox.store.today
    sunday = today + dt.timedelta(days=(6 - today.weekday()) % 7 or 7)
    monday = sunday + dt.timedelta(days=1)
    with adapter_for(account, transport=sandbox_transport) as adapter:
        items = refs(adapter.fetch_catalogue())
        item = next(
            i for (sid, _), i in items.items() if sid == site["id"] and i.kind == "meeting_room"
        )
        assert adapter.day_facts(item, sunday).open == []
        assert adapter.day_facts(item, monday).open == [(at(monday, 8), at(monday, 20))]


def test_a_booking_added_at_the_sandbox_is_busy_on_the_next_read_and_free_once_removed(
    sandbox, account, sandbox_transport
):
    """The document has no booking call: a booking at 4Spaces appears as a userAccess on
    the room. We add one to the sandbox state, read again, then remove it."""
    org = org_state(sandbox, account)
    prod, room = next((p, r) for p, r in room_products(org) if not r["userAccesses"])
    day = sandbox.store.today + dt.timedelta(days=5)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    start, end = at(day, 15), at(day, 16, 30)
    with adapter_for(account, transport=sandbox_transport) as adapter:
        item = next(
            i for (_, pid), i in refs(adapter.fetch_catalogue()).items() if pid == prod["id"]
        )
        assert adapter.day_facts(item, day).busy == []
        room["userAccesses"].append(access("7" * 32, start, end))
        assert adapter.day_facts(item, day).busy == [(start, end)]
        room["userAccesses"].clear()
        assert adapter.day_facts(item, day).busy == []


def test_a_seeded_private_office_booking_closes_that_day(sandbox, account, sandbox_transport):
    org = org_state(sandbox, account)
    things = state_things(org)
    office_products = [
        (p, things[x])
        for svc in org["services"]
        if svc["serviceType"] == 1 and (svc.get("timeOption") or {}).get("type") == 0
        for p in svc["products"]
        for x in p["externalId"]
        if things[x]["thingType"]["sysTypeName"] == "PrivateOffice"
    ]
    assert office_products
    today = sandbox.store.today
    with adapter_for(account, transport=sandbox_transport) as adapter:
        items = refs(adapter.fetch_catalogue())
        for prod, office in office_products:
            item = next(i for (_, pid), i in items.items() if pid == prod["id"])
            days = adapter.pass_days(item, today, today + dt.timedelta(days=13))
            booked_days = {to_local(a["validFrom"]).date() for a in office["userAccesses"]}
            for entry in days:
                building_open = entry.day.weekday() != 6  # the seed: Mo-Fr, Sa; Sunday closed
                assert entry.open == (building_open and entry.day not in booked_days)
                assert entry.remaining == (0 if entry.day in booked_days else 1)


# --- (3) through the availability service ---------------------------------------------


@pytest.fixture
def portal(account, sandbox_transport, monkeypatch):
    """The sandbox's catalogue applied to the database; the service talks to the sandbox."""
    from django.core.cache import cache

    import providers.availability
    from providers.adapters import adapter_for as real_adapter_for
    from providers.models import ProviderAccount
    from providers.services import apply_catalogue

    cache.clear()
    row = ProviderAccount.objects.create(
        kind=account.kind,
        name=account.name,
        config=account.config,
        credentials=account.credentials,
    )
    with real_adapter_for(row, transport=sandbox_transport) as adapter:
        apply_catalogue(row, adapter.fetch_catalogue())
    monkeypatch.setattr(
        providers.availability,
        "adapter_for",
        lambda acc, **kw: real_adapter_for(acc, **kw, transport=sandbox_transport),
    )
    return row


@pytest.mark.django_db
def test_a_member_sees_the_seeded_booking_taken_and_the_rest_free(sandbox, account, portal):
    from bookings.availability import resource_day
    from providers.models import Resource

    org = org_state(sandbox, account)
    prod, room = next((p, r) for p, r in room_products(org) if r["userAccesses"])
    booked = [(to_local(a["validFrom"]), to_local(a["validTo"])) for a in room["userAccesses"]]
    day = booked[0][0].date()
    resource = Resource.objects.get(space__account=portal, external_id=prod["id"])
    now = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(0), VIENNA)
    answer_ = resource_day(resource, day, now=now)
    assert answer_.known and answer_.timezone == "Europe/Vienna"
    step = dt.timedelta(minutes=resource.rules["step_minutes"])
    assert answer_.slots[0].start == at(day, 8) and answer_.slots[-1].end == at(day, 20)
    assert all(s.end - s.start == step for s in answer_.slots)
    for slot in answer_.slots:
        taken = any(s < slot.end and e > slot.start for s, e in booked)
        assert slot.available is not taken, slot


@pytest.mark.django_db
def test_a_sandbox_booking_turns_slots_taken_after_the_cache_is_cleared(sandbox, account, portal):
    from django.core.cache import cache

    from bookings.availability import resource_day
    from providers.models import Resource

    org = org_state(sandbox, account)
    prod, room = next((p, r) for p, r in room_products(org) if not r["userAccesses"])
    resource = Resource.objects.get(space__account=portal, external_id=prod["id"])
    day = sandbox.store.today + dt.timedelta(days=4)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    now = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(0), VIENNA)
    assert all(s.available for s in resource_day(resource, day, now=now).slots)
    room["userAccesses"].append(access("8" * 32, at(day, 9), at(day, 10)))
    cache.clear()
    slots = resource_day(resource, day, now=now).slots
    taken = [(s.start, s.end) for s in slots if not s.available]
    assert taken == [(at(day, 9), at(day, 9, 30)), (at(day, 9, 30), at(day, 10))]


@pytest.mark.django_db
def test_a_member_sees_pass_days_open_on_open_days_and_the_booked_office_closed(
    sandbox, account, portal
):
    from bookings.availability import pass_days
    from providers.models import Offer

    org = org_state(sandbox, account)
    things = state_things(org)
    today = sandbox.store.today
    start, end = today + dt.timedelta(days=1), today + dt.timedelta(days=8)
    for svc in org["services"]:
        if svc["serviceType"] != 1 or (svc.get("timeOption") or {}).get("type") != 0:
            continue
        for prod in svc["products"]:
            linked = [things[x] for x in prod["externalId"]]
            booked = {
                to_local(a["validFrom"]).date()
                for t in linked
                if t["thingType"]["sysTypeName"] == "PrivateOffice"
                for a in t["userAccesses"]
            }
            for offer in Offer.objects.filter(space__account=portal, external_id=prod["id"]):
                answer_ = pass_days(offer, start, end)
                assert answer_.known
                for entry in answer_.days:
                    expected = entry.day.weekday() != 6 and entry.day not in booked
                    assert entry.open == expected, (prod["name"], entry)


@pytest.mark.django_db
def test_requests_links_and_tickets_have_no_availability(portal):
    from bookings.availability import pass_days
    from providers.models import Offer

    offer = Offer.objects.filter(space__account=portal, price_unit="request").first()
    assert offer is not None
    today = dt.date.today()
    answer_ = pass_days(offer, today, today + dt.timedelta(days=3))
    assert not answer_.known
    assert "does not publish availability" in answer_.message


@pytest.mark.django_db
def test_a_week_of_room_days_reuses_one_organization_answer(
    sandbox_accounts, sandbox_transport, monkeypatch
):
    monkeypatch.setattr(FourSpacesAdapter, "availability_reuse_seconds", 30)
    calls = []

    class Counting(httpx.BaseTransport):
        def handle_request(self, request):
            calls.append(request.url.path)
            return sandbox_transport.handle_request(request)

    account = sandbox_accounts["fourspaces"][0]
    with adapter_for(account, transport=Counting()) as adapter:
        catalogue = adapter.fetch_catalogue()
        room = next(r for s in catalogue.spaces for r in s.resources)
        space = next(s for s in catalogue.spaces if room in s.resources)
        item = ItemRef(
            external_id=room.external_id,
            kind=room.kind,
            timezone=space.timezone,
            space_external_id=space.external_id,
            raw=room.raw,
            rules=room.rules,
        )
        before = len(calls)
        for offset in range(7):
            adapter.day_facts(item, dt.date.today() + dt.timedelta(days=offset))
    assert len(calls) - before == 1  # one answer served the whole week
