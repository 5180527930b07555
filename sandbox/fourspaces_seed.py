"""Seed data of the 4Spaces sandbox: one coworking operator in Vienna.

The state holds each organization as the ``OrganizationView`` the API returns with every
part loaded (camelCase keys in the order of the document's sample, ``None`` for absent
values, which the serializers leave out as ServiceStack does). The handler strips the
parts the request did not ask for.

Conventions (doc sample): Guids are 32 lowercase hex digits without dashes
(``id: 00000000000000000000000000000000``), dates are epoch milliseconds
(``validFrom: -62135596800000``), TimeSpans are ISO 8601 durations (``checkin: PT0S``),
enums are their integer values (``serviceType: 1``, ``type: 0``).

Every id is a uuid5 of a fixed name, so ids are the same on every reset; dates and times
are relative to ``today`` and given in the operator's time zone, Europe/Vienna.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from sandbox.core import SELF_ORIGIN

NAMESPACE = uuid.UUID("4a3f9b2e-1c5d-4e8f-9a7b-0d6c2e1f4b53")
TZ_NAME = "Europe/Vienna"
TZ = ZoneInfo(TZ_NAME)
# photos on the sandbox itself (``sandbox.photos``): the organization's host is not reachable
IMG = f"{SELF_ORIGIN}/4spaces/photos"

# ServiceType (doc: Reservation 1, Request 2, External 3, Ticket 4)
RESERVATION, REQUEST, EXTERNAL, TICKET = 1, 2, 3, 4
# ServiceTimeOptionType (doc: Daily 0, Timespan 1)
DAILY, TIMESPAN = 0, 1
# Feature enum of the document, in its order (Dashboard 0 ... SpacesOverviewDnd 20)
FEATURES = [
    "Dashboard",
    "Reservations",
    "Spaces",
    "SpacesGuestSetpoints",
    "SpacesAccesses",
    "SpacesActivityLog",
    "AccessManagement",
    "Staff",
    "Workflow",
    "Communication",
    "Marketplace",
    "AccessTemplateGroups",
    "SpacesOverviewAlarms",
    "SpacesOverviewOoo",
    "SpacesDetails",
    "SpacesOverviewStatuses",
    "SpacesOverviewFireAlert",
    "SpacesOverviewSos",
    "SpacesOverviewUnauthorized",
    "SpacesOverviewMur",
    "SpacesOverviewDnd",
]
# Hotel-style features a coworking operator does not switch on
DISABLED_FEATURES = {"SpacesGuestSetpoints", "SpacesOverviewMur", "SpacesOverviewDnd"}

ORG_KEY = "org:kanalwerk"
ORG_CODE = "KANALWERK"
ORG_NAME = "Kanalwerk Coworking Wien"
BUSINESS_USER_ID = 3104  # the business user the sandbox answers for


def gid(name: str) -> str:
    """A stable Guid, formatted as ServiceStack writes it (32 hex digits, no dashes)."""
    return uuid.uuid5(NAMESPACE, name).hex


ORG_ID = gid(ORG_KEY)
ORG_REF = {"id": ORG_ID, "code": ORG_CODE}  # OrganizationDto


def epoch_ms(day: dt.date, hour: int = 0, minute: int = 0) -> int:
    """A Vienna wall-clock time as epoch milliseconds (doc: dates are epoch ms)."""
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
    return int(local.timestamp() * 1000)


def duration(hours: int, minutes: int = 0) -> str:
    """A TimeSpan as ServiceStack writes it: ISO 8601 duration (doc: ``PT0S``)."""
    if not hours and not minutes:
        return "PT0S"
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")


def next_weekday(today: dt.date, weekday: int, at_least: int = 1) -> dt.date:
    """The first ``weekday`` (Mon=0) that is at least ``at_least`` days after today."""
    day = today + dt.timedelta(days=at_least)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- Smart spaces ---------------------------------------------------------------------

THING_TYPES = {
    "building": ("Building", "Building"),
    "floor": ("Floor", "Floor"),
    "meeting_room": ("Meeting room", "MeetingRoom"),
    "event_space": ("Event space", "EventSpace"),
    "desk_area": ("Desk area", "DeskArea"),
    "phone_booth": ("Phone booth", "PhoneBooth"),
    "private_office": ("Private office", "PrivateOffice"),
    "smart_lock": ("Smart lock", "SmartLock"),
    "climate_sensor": ("Climate sensor", "ClimateSensor"),
}


def thing_type(key: str) -> dict:
    name, sys_name = THING_TYPES[key]
    return {"id": gid(f"thingtype:{key}"), "name": name, "sysTypeName": sys_name}


THING_DEFINITIONS = {
    "building": ("Coworking building", "A Kanalwerk location.", {"staffed": True}),
    "floor": ("Floor", "One floor of a location.", {}),
    "meeting_room_s": (
        "Meeting room S",
        "Small meeting room for up to 4 people.",
        {"capacity": 4, "bookable": True, "equipment": ['55" display', "Whiteboard"]},
    ),
    "meeting_room_m": (
        "Meeting room M",
        "Meeting room for 6 to 8 people with video conferencing.",
        {
            "capacity": 8,
            "bookable": True,
            "equipment": ['75" display', "Whiteboard", "Video conferencing"],
        },
    ),
    "meeting_room_l": (
        "Meeting room L",
        "Board room for up to 12 people.",
        {
            "capacity": 12,
            "bookable": True,
            "equipment": ['86" display', "Whiteboard", "Video conferencing", "Flipchart"],
        },
    ),
    "event_space": (
        "Event hall",
        "Event hall with stage, PA and bar; theatre seating for 60, workshop seating for 40.",
        {"capacity": 60, "bookable": True, "equipment": ["Stage", "PA system", "Projector"]},
    ),
    "desk_area": (
        "Open space",
        "Hot desks with height-adjustable tables, first come first served.",
        {"bookable": True, "ergonomicChairs": True},
    ),
    "phone_booth": (
        "Phone booth",
        "Soundproof single booth for calls.",
        {"capacity": 1, "bookable": False},
    ),
    "private_office": (
        "Private office",
        "Lockable office with desks, storage and a meeting corner.",
        {"bookable": True, "lockable": True},
    ),
    "smart_lock": ("Door lock", "Battery powered smart lock with card reader.", {"battery": True}),
    "climate_sensor": (
        "Climate sensor",
        "Temperature, humidity and CO2.",
        {"intervalSeconds": 300},
    ),
}


def thing_definition(key: str) -> dict:
    name, description, properties = THING_DEFINITIONS[key]
    return {
        "id": gid(f"thingdef:{key}"),
        "organizationId": ORG_ID,
        "name": name,
        "description": description,
        "properties": dict(properties),
    }


def user_access(
    key: str,
    *,
    user_id: int,
    valid_from: int,
    valid_to: int | None,
    access_count: int | None = None,
    ticket: str | None = None,
    queue: int | None = None,
    with_ticket: bool = False,
    permission: list[str] | None = None,
) -> dict:
    """UserAccessView, keys in the doc's order."""
    return {
        "id": gid(f"access:{key}"),
        "userId": user_id,
        "businessUserId": BUSINESS_USER_ID,
        "validFrom": valid_from,
        "validTo": valid_to,
        "activeFrom": valid_from,
        "accessCount": access_count,
        "ticketNumber": ticket,
        "queuePosition": queue,
        "canEnterWithTicket": with_ticket,
        "permission": permission or ["Enter"],
    }


def state(ts: int, value: str) -> dict:
    return {"ts": ts, "value": value}


def category(key: str, name: str, things: list[dict]) -> dict:
    """ThingCategoryView: ``things`` first, then the base Id/Name (doc sample order)."""
    return {"things": things, "id": gid(f"category:{key}"), "name": name}


def thing(
    key: str,
    name: str,
    order: int,
    type_key: str,
    definition_key: str,
    properties: dict[str, str],
    *,
    image: str | None = None,
    accesses: list[dict] | None = None,
    states: dict[str, list[dict]] | None = None,
    categories: list[dict] | None = None,
) -> dict:
    """ThingViewExtended, keys in the doc sample's order (own fields, then ThingView's)."""
    return {
        "imageUrl": image,
        "thingType": thing_type(type_key),
        "thingDefinition": thing_definition(definition_key),
        "userAccesses": accesses or [],
        "states": states or {},
        "properties": properties,
        "thingsByCategory": categories or [],
        "organization": dict(ORG_REF),
        "id": gid(f"thing:{key}"),
        "organizationId": ORG_ID,
        "name": name,
        "order": order,
    }


def devices(room_key: str, today: dt.date, temperature: str, co2: str) -> list[dict]:
    """The IoT things of a room: a smart lock and a climate sensor."""
    morning = epoch_ms(today, 7, 45)
    lock = thing(
        f"{room_key}:lock",
        "Door lock",
        1,
        "smart_lock",
        "smart_lock",
        {"vendor": "Salto", "batteryLevel": "87"},
        states={"LockState": [state(morning, "Locked")], "Battery": [state(morning, "87")]},
    )
    sensor = thing(
        f"{room_key}:climate",
        "Climate sensor",
        2,
        "climate_sensor",
        "climate_sensor",
        {"unitTemperature": "°C", "unitCo2": "ppm"},
        states={
            "Temperature": [
                state(morning - 15 * 60_000, "21.3"),
                state(morning, temperature),
            ],
            "Humidity": [state(morning, "41")],
            "Co2": [state(morning, co2)],
        },
    )
    return [
        category(f"{room_key}:access", "Access", [lock]),
        category(f"{room_key}:climate", "Climate", [sensor]),
    ]


def room(
    key: str,
    name: str,
    order: int,
    type_key: str,
    definition_key: str,
    today: dt.date,
    *,
    floor: str,
    capacity: int,
    area: int,
    product_key: str | None,
    extra: dict[str, str] | None = None,
    accesses: list[dict] | None = None,
    occupancy: str = "Vacant",
    with_devices: bool = False,
) -> dict:
    properties = {
        "floor": floor,
        "capacity": str(capacity),
        "areaSqm": str(area),
        "timeZone": TZ_NAME,
    }
    if product_key:
        properties["productId"] = gid(f"product:{product_key}")
    properties.update(extra or {})
    return thing(
        key,
        name,
        order,
        type_key,
        definition_key,
        properties,
        image=f"{IMG}/{key.replace(':', '-')}.jpg",
        accesses=accesses,
        states={"Occupancy": [state(epoch_ms(today, 7, 0), occupancy)]},
        categories=devices(key, today, "21.8", "640") if with_devices else None,
    )


def building(
    key: str,
    name: str,
    order: int,
    today: dt.date,
    address: dict[str, str],
    floors: list[dict],
) -> dict:
    properties = {
        **address,
        "city": "Wien",
        "country": "AT",
        "timeZone": TZ_NAME,
        "openingHours": "Mo-Fr 08:00-20:00; Sa 09:00-14:00",
        "frontDeskHours": "Mo-Fr 08:30-17:30",
    }
    member_access = user_access(
        f"{key}:member",
        user_id=52871,
        valid_from=epoch_ms(today - dt.timedelta(days=45), 8, 0),
        valid_to=None,
        access_count=63,
        permission=["Enter", "Book"],
    )
    return thing(
        key,
        name,
        order,
        "building",
        "building",
        properties,
        image=f"{IMG}/{key.replace(':', '-')}.jpg",
        accesses=[member_access],
        states={"Alarm": [state(epoch_ms(today, 6, 30), "Disarmed")]},
        categories=[category(f"{key}:floors", "Floors", floors)],
    )


def floor_thing(key: str, name: str, order: int, level: str, categories: list[dict]) -> dict:
    return thing(
        key,
        name,
        order,
        "floor",
        "floor",
        {"level": level, "timeZone": TZ_NAME},
        categories=categories,
    )


def smart_spaces(today: dt.date) -> list[dict]:
    tomorrow = today + dt.timedelta(days=1)
    in2 = today + dt.timedelta(days=2)
    in3 = today + dt.timedelta(days=3)
    breakfast = next_weekday(today, 3)  # Thursday

    def booking(key: str, user: int, day: dt.date, start: tuple, end: tuple) -> dict:
        return user_access(
            key,
            user_id=user,
            valid_from=epoch_ms(day, *start),
            valid_to=epoch_ms(day, *end),
            access_count=0,
            permission=["Enter"],
        )

    # --- Leopoldstadt --------------------------------------------------------------
    eg = "leopoldstadt:eg"
    og1 = "leopoldstadt:og1"
    ground = floor_thing(
        eg,
        "Erdgeschoss",
        1,
        "0",
        [
            category(
                f"{eg}:desks",
                "Desk areas",
                [
                    room(
                        f"{eg}:open-space",
                        "Open Space Kanal",
                        1,
                        "desk_area",
                        "desk_area",
                        today,
                        floor="0",
                        capacity=24,
                        area=210,
                        product_key="daypass:hotdesk-leopoldstadt",
                        extra={"desks": "24", "fixedDesks": "6"},
                        occupancy="Occupied",
                    )
                ],
            ),
            category(
                f"{eg}:events",
                "Event spaces",
                [
                    room(
                        f"{eg}:kanalsaal",
                        "Kanalsaal",
                        1,
                        "event_space",
                        "event_space",
                        today,
                        floor="0",
                        capacity=60,
                        area=140,
                        product_key="meeting:kanalsaal",
                        accesses=[
                            user_access(
                                f"{eg}:kanalsaal:breakfast-ticket",
                                user_id=52871,
                                valid_from=epoch_ms(breakfast, 8, 0),
                                valid_to=epoch_ms(breakfast, 10, 30),
                                ticket="KW-EVT-0142",
                                queue=3,
                                with_ticket=True,
                                permission=["Enter"],
                            )
                        ],
                    )
                ],
            ),
            category(
                f"{eg}:booths",
                "Phone booths",
                [
                    room(
                        f"{eg}:booth-{n}",
                        f"Phone booth {n}",
                        n,
                        "phone_booth",
                        "phone_booth",
                        today,
                        floor="0",
                        capacity=1,
                        area=2,
                        product_key=None,
                        occupancy="Occupied" if n == 1 else "Vacant",
                    )
                    for n in (1, 2)
                ],
            ),
        ],
    )
    first = floor_thing(
        og1,
        "1. Stock",
        2,
        "1",
        [
            category(
                f"{og1}:meeting",
                "Meeting rooms",
                [
                    room(
                        f"{og1}:donau",
                        "Donau",
                        1,
                        "meeting_room",
                        "meeting_room_m",
                        today,
                        floor="1",
                        capacity=8,
                        area=24,
                        product_key="meeting:donau",
                        accesses=[
                            booking(f"{og1}:donau:b1", 52871, tomorrow, (10, 0), (12, 0)),
                            booking(f"{og1}:donau:b2", 60312, in3, (14, 0), (16, 30)),
                        ],
                        with_devices=True,
                    ),
                    room(
                        f"{og1}:prater",
                        "Prater",
                        2,
                        "meeting_room",
                        "meeting_room_s",
                        today,
                        floor="1",
                        capacity=4,
                        area=12,
                        product_key="meeting:prater",
                        accesses=[booking(f"{og1}:prater:b1", 60312, in2, (9, 0), (10, 0))],
                        with_devices=True,
                    ),
                    room(
                        f"{og1}:augarten",
                        "Augarten",
                        3,
                        "meeting_room",
                        "meeting_room_l",
                        today,
                        floor="1",
                        capacity=12,
                        area=38,
                        product_key="meeting:augarten",
                        with_devices=True,
                    ),
                ],
            ),
            category(
                f"{og1}:offices",
                "Private offices",
                [
                    room(
                        f"{og1}:office-101",
                        "Office 1.01",
                        1,
                        "private_office",
                        "private_office",
                        today,
                        floor="1",
                        capacity=4,
                        area=18,
                        product_key="office:101",
                        extra={"desks": "4"},
                        accesses=[
                            booking(f"{og1}:office-101:b1", 71540, tomorrow, (8, 0), (20, 0))
                        ],
                    ),
                    room(
                        f"{og1}:office-102",
                        "Office 1.02",
                        2,
                        "private_office",
                        "private_office",
                        today,
                        floor="1",
                        capacity=6,
                        area=26,
                        product_key="office:102",
                        extra={"desks": "6"},
                    ),
                ],
            ),
        ],
    )
    leopoldstadt = building(
        "leopoldstadt",
        "Kanalwerk Leopoldstadt",
        1,
        today,
        {
            "address": "Obere Donaustraße 95",
            "postalCode": "1020",
            "district": "Leopoldstadt",
            "latitude": "48.2166",
            "longitude": "16.3743",
            "phone": "+43 1 890 45 10",
            "email": "leopoldstadt@kanalwerk.example",
        },
        [ground, first],
    )

    # --- Neubau --------------------------------------------------------------------
    og2 = "neubau:og2"
    second = floor_thing(
        og2,
        "2. Stock",
        1,
        "2",
        [
            category(
                f"{og2}:desks",
                "Desk areas",
                [
                    room(
                        f"{og2}:open-space",
                        "Open Space Zieglergasse",
                        1,
                        "desk_area",
                        "desk_area",
                        today,
                        floor="2",
                        capacity=18,
                        area=160,
                        product_key="daypass:hotdesk-neubau",
                        extra={"desks": "18", "fixedDesks": "0"},
                    )
                ],
            ),
            category(
                f"{og2}:meeting",
                "Meeting rooms",
                [
                    room(
                        f"{og2}:spittelberg",
                        "Spittelberg",
                        1,
                        "meeting_room",
                        "meeting_room_m",
                        today,
                        floor="2",
                        capacity=6,
                        area=20,
                        product_key="meeting:spittelberg",
                        accesses=[
                            booking(f"{og2}:spittelberg:b1", 52871, tomorrow, (13, 0), (14, 30))
                        ],
                        with_devices=True,
                    ),
                    room(
                        f"{og2}:mariahilf",
                        "Mariahilf",
                        2,
                        "meeting_room",
                        "meeting_room_l",
                        today,
                        floor="2",
                        capacity=10,
                        area=30,
                        product_key="meeting:mariahilf",
                        with_devices=True,
                    ),
                ],
            ),
            category(
                f"{og2}:booths",
                "Phone booths",
                [
                    room(
                        f"{og2}:booth-1",
                        "Phone booth 1",
                        1,
                        "phone_booth",
                        "phone_booth",
                        today,
                        floor="2",
                        capacity=1,
                        area=2,
                        product_key=None,
                    )
                ],
            ),
        ],
    )
    neubau = building(
        "neubau",
        "Kanalwerk Neubau",
        2,
        today,
        {
            "address": "Zieglergasse 38",
            "postalCode": "1070",
            "district": "Neubau",
            "latitude": "48.2001",
            "longitude": "16.3396",
            "phone": "+43 1 890 45 20",
            "email": "neubau@kanalwerk.example",
        },
        [second],
    )
    return [leopoldstadt, neubau]


# --- Services -------------------------------------------------------------------------

LEOPOLDSTADT = (48.2166, 16.3743)
NEUBAU = (48.2001, 16.3396)
CURRENCY = {"id": gid("currency:EUR"), "name": "Euro", "code": "EUR", "symbol": "€"}
VAT = 20  # Austrian standard rate; food and drink 10


def thing_id(key: str) -> str:
    return gid(f"thing:{key}")


def product(
    key: str,
    name: str,
    description: str,
    unit_price: float,
    *,
    minimal_price: float | None = None,
    vat: float | None = None,
    external_ids: list[str] | None = None,
    reservation: bool = False,
    request: dict | None = None,
    external: dict | None = None,
    ticket: bool = False,
) -> dict:
    """ServiceProductView; only the *Data object of the service's type is present."""
    return {
        "id": gid(f"product:{key}"),
        "name": name,
        "description": description,
        "unitPrice": unit_price,
        "minimalPrice": unit_price if minimal_price is None else minimal_price,
        "vatPercentage": vat,
        "imageUrl": f"{IMG}/products/{key.replace(':', '-')}.jpg",
        "externalId": external_ids or [],
        "reservationData": {
            "id": gid(f"reservationdata:{key}"),
            "accessTemplateGroupId": gid(f"accesstemplategroup:{key}"),
            "accessTemplateId": gid(f"accesstemplate:{key}"),
            "autoAssignAccessTemplate": True,
        }
        if reservation
        else None,
        "requestData": {"id": gid(f"requestdata:{key}"), **request} if request else None,
        "externalData": {"id": gid(f"externaldata:{key}"), **external} if external else None,
        "ticketData": {
            "id": gid(f"ticketdata:{key}"),
            "accessTemplateId": gid(f"accesstemplate:{key}"),
        }
        if ticket
        else None,
    }


def addon(
    key: str, name: str, unit_price: float, max_quantity: int | None, vat: float | None = None
) -> dict:
    return {
        "id": gid(f"addon:{key}"),
        "name": name,
        "unitPrice": unit_price,
        "vatPercentage": vat,
        "maxQuantity": max_quantity,
        "externalId": f"KW-{key.upper().replace(':', '-')}",
    }


def daily(key: str, checkin: tuple[int, int], checkout: tuple[int, int]) -> dict:
    return {
        "id": gid(f"timeoption:{key}"),
        "type": DAILY,
        "dailyOptions": {"checkin": duration(*checkin), "checkout": duration(*checkout)},
        "timespanOptions": None,
    }


def timespan(key: str, minimum: int, maximum: int, increment: int, multiplier: float) -> dict:
    return {
        "id": gid(f"timeoption:{key}"),
        "type": TIMESPAN,
        "dailyOptions": None,
        "timespanOptions": {
            "minDuration": minimum,
            "maxDuration": maximum,
            "increment": increment,
            "incrementPriceMultiplier": multiplier,
        },
    }


def persons(
    key: str,
    *,
    children: bool,
    max_adults: int | None,
    max_children: int | None,
    adult: float,
    child: float,
) -> dict:
    return {
        "id": gid(f"personoption:{key}"),
        "canSelectChildren": children,
        "maxAdultCount": max_adults,
        "maxChildrenCount": max_children,
        "adultPriceMultiplier": adult,
        "childPriceMultiplier": child,
    }


def service(
    key: str,
    service_type: int,
    name: str,
    subtitle: str,
    description: str,
    *,
    public: bool = True,
    confirmation: bool,
    payment: bool,
    location: tuple[float, float] = LEOPOLDSTADT,
    vat: float = VAT,
    products: list[dict],
    addons: list[dict],
    time_option: dict | None,
    person_option: dict,
    providers: dict[str, str],
) -> dict:
    """ServiceView, keys in the doc sample's order."""
    return {
        "id": gid(f"service:{key}"),
        "organizationId": ORG_ID,
        "serviceType": service_type,
        "name": name,
        "description": description,
        "subTitle": subtitle,
        "imageUrl": f"{IMG}/services/{key}.jpg",
        "isPublic": public,
        "requireConfirmation": confirmation,
        "requirePayment": payment,
        "latitude": location[0],
        "longitude": location[1],
        "currency": dict(CURRENCY),
        "vatPercentage": vat,
        "products": products,
        "addons": addons,
        "timeOption": time_option,
        "personOption": person_option,
        "providers": providers,
        "organization": dict(ORG_REF),
    }


PAYMENT_PROVIDER = gid("provider:payment:stripe")
ACCESS_PROVIDER = gid("provider:access:salto")
CALENDAR_PROVIDER = gid("provider:calendar:m365")


def services(today: dt.date) -> list[dict]:
    breakfast = next_weekday(today, 3)  # Thursday
    pitch = next_weekday(today, 2, at_least=8)  # a Wednesday in the second week
    kids = next_weekday(today, 5, at_least=4)  # a Saturday
    request_templates = {
        "allowComments": True,
        "approvedTemplate": 'Hello {{firstName}}, your request "{{productName}}" has been '
        "approved. The front desk will be in touch.",
        "deniedTemplate": "Hello {{firstName}}, unfortunately we cannot fulfil your request "
        '"{{productName}}". Reply to this message for details.',
        "processingTemplate": 'Hello {{firstName}}, we are working on "{{productName}}".',
    }
    return [
        service(
            "daypass",
            RESERVATION,
            "Coworking Day Pass",
            "A desk for the day, 08:00 to 18:00",
            "Work from our open spaces in Leopoldstadt or Neubau for a day: fast Wi-Fi, "
            "coffee, phone booths and a community of 200 members.",
            confirmation=False,
            payment=True,
            products=[
                product(
                    "daypass:hotdesk-leopoldstadt",
                    "Hot Desk Day Pass - Leopoldstadt",
                    "Any free desk in Open Space Kanal, ground floor, Obere Donaustraße 95.",
                    25,
                    external_ids=[thing_id("leopoldstadt:eg:open-space")],
                    reservation=True,
                ),
                product(
                    "daypass:hotdesk-neubau",
                    "Hot Desk Day Pass - Neubau",
                    "Any free desk in Open Space Zieglergasse, 2nd floor, Zieglergasse 38.",
                    22,
                    external_ids=[thing_id("neubau:og2:open-space")],
                    reservation=True,
                ),
                product(
                    "daypass:fixed-leopoldstadt",
                    "Fixed Desk Day - Leopoldstadt",
                    "Your own desk with a lockable drawer for the day, Open Space Kanal.",
                    35,
                    external_ids=[thing_id("leopoldstadt:eg:open-space")],
                    reservation=True,
                ),
            ],
            addons=[
                addon("daypass:locker", "Locker for the day", 4, 1),
                addon("daypass:print", "Print & scan credit (50 pages)", 5, 4),
                addon("daypass:coffee", "Barista coffee flatrate", 6, 1, vat=10),
            ],
            time_option=daily("daypass", (8, 0), (18, 0)),
            person_option=persons(
                "daypass", children=False, max_adults=4, max_children=0, adult=1, child=0
            ),
            providers={"Payment": PAYMENT_PROVIDER, "Access": ACCESS_PROVIDER},
        ),
        service(
            "meeting-rooms",
            RESERVATION,
            "Meeting Rooms",
            "Book by the hour, in 30-minute steps",
            "Meeting rooms for 4 to 12 people and the Kanalsaal event hall. At least one "
            "hour, at most ten hours per booking; extend in 30-minute steps.",
            confirmation=False,
            payment=True,
            products=[
                product(
                    "meeting:donau",
                    "Donau (8 people)",
                    '1st floor, Leopoldstadt. 75" display, video conferencing, whiteboard.',
                    45,
                    external_ids=[thing_id("leopoldstadt:og1:donau")],
                    reservation=True,
                ),
                product(
                    "meeting:prater",
                    "Prater (4 people)",
                    "1st floor, Leopoldstadt. Small room for interviews and 1:1s.",
                    28,
                    external_ids=[thing_id("leopoldstadt:og1:prater")],
                    reservation=True,
                ),
                product(
                    "meeting:augarten",
                    "Augarten (12 people)",
                    "1st floor, Leopoldstadt. Board room with video conferencing.",
                    65,
                    external_ids=[thing_id("leopoldstadt:og1:augarten")],
                    reservation=True,
                ),
                product(
                    "meeting:spittelberg",
                    "Spittelberg (6 people)",
                    "2nd floor, Neubau. Display and whiteboard.",
                    38,
                    external_ids=[thing_id("neubau:og2:spittelberg")],
                    reservation=True,
                ),
                product(
                    "meeting:mariahilf",
                    "Mariahilf (10 people)",
                    "2nd floor, Neubau. Video conferencing and flipchart.",
                    55,
                    external_ids=[thing_id("neubau:og2:mariahilf")],
                    reservation=True,
                ),
                product(
                    "meeting:kanalsaal",
                    "Kanalsaal event hall (60 people)",
                    "Ground floor, Leopoldstadt. Stage, PA and bar. Minimum charge two hours.",
                    150,
                    minimal_price=300,
                    external_ids=[thing_id("leopoldstadt:eg:kanalsaal")],
                    reservation=True,
                ),
            ],
            addons=[
                addon("meeting:coffee", "Coffee, tea & water (per person)", 4.5, 60, vat=10),
                addon("meeting:lunch", "Lunch catering (per person)", 16.9, 60, vat=10),
                addon("meeting:flipchart", "Extra flipchart", 6, 3),
                addon("meeting:hybrid", "Hybrid meeting kit (camera + speaker)", 25, 1),
            ],
            time_option=timespan("meeting-rooms", 60, 600, 30, 0.5),
            person_option=persons(
                "meeting-rooms", children=False, max_adults=60, max_children=0, adult=0, child=0
            ),
            providers={
                "Payment": PAYMENT_PROVIDER,
                "Access": ACCESS_PROVIDER,
                "Calendar": CALENDAR_PROVIDER,
            },
        ),
        service(
            "private-office",
            RESERVATION,
            "Private Office by the Day",
            "A lockable office for your team, 08:00 to 20:00",
            "Members only. Private offices for teams of 4 or 6, booked by the day. "
            "Bookings are confirmed by the front desk.",
            public=False,
            confirmation=True,
            payment=True,
            products=[
                product(
                    "office:101",
                    "Office 1.01 (4 desks)",
                    "1st floor, Leopoldstadt, facing the Donaukanal.",
                    160,
                    external_ids=[thing_id("leopoldstadt:og1:office-101")],
                    reservation=True,
                ),
                product(
                    "office:102",
                    "Office 1.02 (6 desks)",
                    "1st floor, Leopoldstadt, with a meeting corner.",
                    220,
                    external_ids=[thing_id("leopoldstadt:og1:office-102")],
                    reservation=True,
                ),
            ],
            addons=[
                addon("office:monitor", 'Extra 27" monitor', 8, 6),
                addon("office:print", "Print & scan credit (50 pages)", 5, 4),
            ],
            time_option=daily("private-office", (8, 0), (20, 0)),
            person_option=persons(
                "private-office", children=False, max_adults=6, max_children=0, adult=0, child=0
            ),
            providers={"Payment": PAYMENT_PROVIDER, "Access": ACCESS_PROVIDER},
        ),
        service(
            "front-desk",
            REQUEST,
            "Front Desk Requests",
            "Cards, mail, IT and business address",
            "Ask the front desk team. Requests are answered within one working day.",
            confirmation=True,
            payment=False,
            products=[
                product(
                    "request:access-card",
                    "Extra access card",
                    "An additional key card for you or a guest.",
                    15,
                    request={
                        "options": [
                            "Permanent member card",
                            "Guest card (1 day)",
                            "Replacement for a lost card",
                        ],
                        **request_templates,
                    },
                ),
                product(
                    "request:mail",
                    "Mail & parcel handling (per month)",
                    "We receive your letters and parcels at the front desk.",
                    19,
                    request={
                        "options": [
                            "Hold at the front desk",
                            "Forward weekly (Austria)",
                            "Scan letters to email",
                        ],
                        **request_templates,
                    },
                ),
                product(
                    "request:it",
                    "IT support",
                    "Help with Wi-Fi, printers and network ports.",
                    0,
                    request={
                        "options": ["Wi-Fi access", "Printer setup", "VPN / network port"],
                        **request_templates,
                    },
                ),
                product(
                    "request:address",
                    "Business address registration (per month)",
                    "Register Obere Donaustraße 95, 1020 Wien as your company seat.",
                    49,
                    request={
                        "options": ["Business address only", "Business address + mail handling"],
                        **request_templates,
                        "allowComments": False,
                    },
                ),
            ],
            addons=[addon("request:express", "Express handling (same day)", 10, 1)],
            time_option=None,
            person_option=persons(
                "front-desk", children=False, max_adults=1, max_children=0, adult=1, child=0
            ),
            providers={},
        ),
        service(
            "partner-perks",
            EXTERNAL,
            "Partner Perks",
            "Deals from our neighbours",
            "Discounts for Kanalwerk members at partner businesses around the Donaukanal. "
            "Booking happens on the partner's own site.",
            confirmation=False,
            payment=False,
            products=[
                product(
                    "external:gym",
                    "Kanalfit Gym - 10% member discount",
                    "Monthly gym membership, 10% off for Kanalwerk members.",
                    39,
                    external={
                        "serviceUrl": "https://kanalfit.example/partner/kanalwerk",
                        "latitude": 48.2179,
                        "longitude": 16.3778,
                        "rating": 4.6,
                    },
                ),
                product(
                    "external:bike",
                    "Radwerk bike service",
                    "Bike check-up while you work; pick-up and return at the front desk.",
                    29,
                    external={
                        "serviceUrl": "https://radwerk.example/book?partner=kanalwerk",
                        "latitude": 48.2149,
                        "longitude": 16.3801,
                        "rating": 4.8,
                    },
                ),
                product(
                    "external:lunch",
                    "Café Kanalblick lunch menu",
                    "Two-course lunch menu, Monday to Friday.",
                    11.9,
                    vat=10,
                    external={
                        "serviceUrl": "https://cafe-kanalblick.example/mittagsmenue",
                        "latitude": 48.2158,
                        "longitude": 16.3731,
                        "rating": 4.4,
                    },
                ),
            ],
            addons=[addon("external:towel", "Towel service (gym)", 2, 1)],
            time_option=None,
            person_option=persons(
                "partner-perks", children=False, max_adults=1, max_children=0, adult=1, child=0
            ),
            providers={},
        ),
        service(
            "events",
            TICKET,
            "Community Events",
            "Breakfasts, pitch nights and workshops",
            "Events in the Kanalsaal, open to members and guests. Your ticket opens the "
            "door of the event hall.",
            confirmation=False,
            payment=True,
            products=[
                product(
                    "ticket:breakfast",
                    f"Founders' Breakfast - {long_date(breakfast)}",
                    f"{long_date(breakfast)}, 08:30-10:00, Kanalsaal (Leopoldstadt). "
                    "Breakfast buffet and three 5-minute founder stories.",
                    12,
                    vat=10,
                    ticket=True,
                ),
                product(
                    "ticket:pitch-night",
                    f"Pitch Night: Vienna Climate Tech - {long_date(pitch)}",
                    f"{long_date(pitch)}, 18:30-21:30, Kanalsaal (Leopoldstadt). "
                    "Eight start-ups, one jury, drinks afterwards.",
                    15,
                    ticket=True,
                ),
                product(
                    "ticket:kids-coding",
                    f"Kids' Coding Saturday - {long_date(kids)}",
                    f"{long_date(kids)}, 10:00-13:00, Kanalsaal (Leopoldstadt). "
                    "Scratch and micro:bit for children aged 8-12 with a parent.",
                    20,
                    ticket=True,
                ),
            ],
            addons=[
                addon("ticket:drinks", "Drink voucher", 4.5, 4, vat=20),
                addon("ticket:recording", "Access to the event recording", 5, 1),
            ],
            time_option=None,
            person_option=persons(
                "events", children=True, max_adults=4, max_children=3, adult=1, child=0.5
            ),
            providers={"Payment": PAYMENT_PROVIDER, "Access": ACCESS_PROVIDER},
        ),
    ]


def organization(today: dt.date) -> dict:
    """OrganizationView with every part loaded (keys in the doc's order)."""
    return {
        "id": ORG_ID,
        "name": ORG_NAME,
        "code": ORG_CODE,
        "smartSpaces": smart_spaces(today),
        "services": services(today),
        "reservationConfig": {
            "timeZone": TZ_NAME,
            "locale": "de-AT",
            "currency": "EUR",
            "bookingHorizonDays": 90,
            "minimumNoticeMinutes": 30,
            "freeCancellationHours": 24,
            "openingHours": {"monFri": "08:00-20:00", "sat": "09:00-14:00", "sun": "closed"},
        },
        "featureConfig": [
            {"feature": value, "enabled": name not in DISABLED_FEATURES}
            for value, name in enumerate(FEATURES)
        ],
        "dashboardConfig": {"spaceLabel": "Location"},
    }


def seed(today: dt.date) -> dict:
    return {
        "business_user_id": BUSINESS_USER_ID,
        "organizations": {ORG_ID: organization(today)},
    }
