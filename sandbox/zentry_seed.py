"""Zentry sandbox seed data, relative to ``today`` (deterministic).

Ids reuse the example ids of the documents where the documents use them for the same
kind of thing (tenant "184d3163ee1ffbbdb38b6c07", user "926d3163ee1ffbbdb47b6a76",
location "686d3163ee1ffbbdb38b6a74", ...), so a request copied from the document works.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

from sandbox.core import SELF_ORIGIN
from sandbox.zentry_common import DAYS, iso

API_KEY = "zk_dev_7f3a9c2e5b8d4f1a6e0c3b9d"
TENANT_ID = "184d3163ee1ffbbdb38b6c07"
WORKSPACE_ID = "526d3163ee1ffbbdb38b6v02"
USER_ID = "926d3163ee1ffbbdb47b6a76"  # the portal's user: a marketplace (non-member) user
MEMBER_USER_ID = "926d3163ee1ffbbdb47b6a77"  # a workspace member: pays the member price
OTHER_USER_ID = "926d3163ee1ffbbdb47b6a78"
ADMIN_USER_ID = "926d3163ee1ffbbdb47b6a79"

NY_LOCATION_ID = "686d3163ee1ffbbdb38b6a74"
LA_LOCATION_ID = "564d3163ee1iibbdb38b6c43"
CHI_LOCATION_ID = "386d3163ee1ffbbdb38b6c99"
# photos on the sandbox itself (``sandbox.photos``): the doc's CDN is not reachable here
PHOTOS = f"{SELF_ORIGIN}/zentry/photos"

NY_CONFERENCE_ROOM_ID = "184d3163ee1ffbbdb38b6c07"  # quantity 2
NY_FOCUS_ROOM_ID = "184d3163ee1ffbbdb38b6c08"
LA_BOARDROOM_ID = "284d3163ee1ffbbdb38b6d01"
LA_POD_ID = "284d3163ee1ffbbdb38b6d02"

SERVICE_FEE_RATE = 0.05  # "Service fee": 5 % of the amount
CENTS_PER_TOKEN = 500  # tokens = ceil(cents / 500) for locations and rooms created later

# Address lookups: state name -> (code, time zone); city -> geo. Used by GET /Address and
# by Location/upsert (the API derives `geo` and `timeZone` from the address).
STATES = {
    "new york": ("NY", "America/New_York"),
    "california": ("CA", "America/Los_Angeles"),
    "missouri": ("MO", "America/Chicago"),
    "illinois": ("IL", "America/Chicago"),
    "texas": ("TX", "America/Chicago"),
    "colorado": ("CO", "America/Denver"),
    "arizona": ("AZ", "America/Phoenix"),
    "washington": ("WA", "America/Los_Angeles"),
    "massachusetts": ("MA", "America/New_York"),
    "florida": ("FL", "America/New_York"),
    "georgia": ("GA", "America/New_York"),
}
CITIES = {
    "new york": (40.7128, -74.0060),
    "brooklyn": (40.6782, -73.9442),
    "los angeles": (34.0522, -118.2437),
    "san francisco": (37.7749, -122.4194),
    "st. louis": (38.6270, -90.1994),
    "saint louis": (38.6270, -90.1994),
    "chicago": (41.8781, -87.6298),
    "austin": (30.2672, -97.7431),
    "denver": (39.7392, -104.9903),
    "phoenix": (33.4484, -112.0740),
    "seattle": (47.6062, -122.3321),
    "boston": (42.3601, -71.0589),
    "miami": (25.7617, -80.1918),
    "atlanta": (33.7490, -84.3880),
}
TAX_RATES = {"NY": 0.08875, "CA": 0.095, "IL": 0.1025, "MO": 0.09679}
DEFAULT_TAX_RATE = 0.08


def tokens_for(cents: int | None) -> int | None:
    return None if cents is None else math.ceil(cents / CENTS_PER_TOKEN)


def _schedule(hours: dict[str, tuple[str, str, int | None] | None]) -> dict:
    """hours: day -> (open, close, maxVisitors) or None when closed."""
    schedule = {}
    for day in DAYS:
        entry = hours.get(day)
        if entry is None:
            schedule[day] = {
                "isOpen": False,
                "open": "00:00:00",
                "close": "00:00:00",
                "maxVisitors": 0,
            }
        else:
            schedule[day] = {
                "isOpen": True,
                "open": entry[0],
                "close": entry[1],
                "maxVisitors": entry[2],
            }
    return schedule


def _at(day: dt.date, hhmm: str, tz: str) -> str:
    hours, minutes = (int(p) for p in hhmm.split(":"))
    return iso(dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=ZoneInfo(tz)))


def _next(today: dt.date, at_least: int, weekdays: set[int]) -> dt.date:
    day = today + dt.timedelta(days=at_least)
    while day.weekday() not in weekdays:
        day += dt.timedelta(days=1)
    return day


def _previous(today: dt.date, weekdays: set[int]) -> dt.date:
    day = today - dt.timedelta(days=1)
    while day.weekday() not in weekdays:
        day -= dt.timedelta(days=1)
    return day


def _cost(amount: int, tax_rate: float) -> int:
    fee = math.floor(amount * SERVICE_FEE_RATE + 0.5)
    taxes = math.floor((amount + fee) * tax_rate + 0.5)
    return amount + fee + taxes


def seed(today: dt.date) -> dict:
    created = iso(dt.datetime.combine(today - dt.timedelta(days=200), dt.time(15), tzinfo=dt.UTC))
    booked = iso(dt.datetime.combine(today - dt.timedelta(days=3), dt.time(16), tzinfo=dt.UTC))
    ny, la, chi = "America/New_York", "America/Los_Angeles", "America/Chicago"

    def location(**fields) -> dict:
        base = {"id": None, "dateCreated": created, "dateUpdated": created}
        base.update(fields)
        return base

    locations = [
        location(
            id=NY_LOCATION_ID,
            workspaceId=WORKSPACE_ID,
            name="The Zentrys - New York Flatiron",
            address={
                "line1": "41 W 22nd St",
                "line2": "Floor 4",
                "state": "New York",
                "city": "New York",
                "zipCode": "10010",
            },
            schedule=_schedule(
                {d: ("08:00:00", "18:00:00", 40) for d in DAYS[:5]}
                | {"saturday": ("10:00:00", "16:00:00", 10)}
            ),
            price=2500,
            marketplacePrice=3000,
            geo={"latitude": 40.7416, "longitude": -73.9922},
            timeZone=ny,
            pictureUrls=[f"{PHOTOS}/ny-flatiron-1.jpg"],
            amenities=["Wi-Fi", "Coffee", "Phone Booths", "Printing"],
            phone="2125550142",
            checkInInstructions="Take the elevator to floor 4 and show your pass at the front desk",
            description="Bright loft workspace steps from Madison Square Park",
            waiverUrl="https://cdn.zentrypass.com/sandbox/ny-waiver.pdf",
            termsOfSerivceUrl="https://cdn.zentrypass.com/sandbox/ny-terms.pdf",
            autoApproveReservations=True,
            status="Active",
            tokenCost=6,
            _taxRate=TAX_RATES["NY"],
        ),
        location(
            id=LA_LOCATION_ID,
            workspaceId=WORKSPACE_ID,
            name="The Zentrys - Los Angeles Arts District",
            address={
                "line1": "800 E 3rd St",
                "line2": None,
                "state": "California",
                "city": "Los Angeles",
                "zipCode": "90013",
            },
            schedule=_schedule({d: ("09:00:00", "17:00:00", 3) for d in DAYS[:5]}),
            price=3000,
            marketplacePrice=3500,
            geo={"latitude": 34.0463, "longitude": -118.2351},
            timeZone=la,
            pictureUrls=[f"{PHOTOS}/la-arts-1.jpg"],
            amenities=["Wi-Fi", "Coffee", "Parking", "Female Only"],
            phone="2135550178",
            checkInInstructions="Ring the bell at the roll-up door; a host will let you in",
            description="Converted warehouse with a rooftop terrace",
            waiverUrl="https://cdn.zentrypass.com/sandbox/la-waiver.pdf",
            termsOfSerivceUrl="https://cdn.zentrypass.com/sandbox/la-terms.pdf",
            autoApproveReservations=False,
            status="Active",
            tokenCost=7,
            _taxRate=TAX_RATES["CA"],
        ),
        location(
            id=CHI_LOCATION_ID,
            workspaceId=WORKSPACE_ID,
            name="The Zentrys - Chicago West Loop",
            address={
                "line1": "1000 W Fulton Market",
                "line2": None,
                "state": "Illinois",
                "city": "Chicago",
                "zipCode": "60607",
            },
            schedule=_schedule({d: ("08:00:00", "17:00:00", 25) for d in DAYS[:5]}),
            price=2000,
            marketplacePrice=None,
            geo={"latitude": 41.8868, "longitude": -87.6524},
            timeZone=chi,
            pictureUrls=[],
            amenities=["Wi-Fi"],
            phone="3125550199",
            checkInInstructions="Opening soon",
            description="Opening soon: not on the marketplace yet",
            waiverUrl="https://cdn.zentrypass.com/sandbox/chi-waiver.pdf",
            termsOfSerivceUrl="https://cdn.zentrypass.com/sandbox/chi-terms.pdf",
            autoApproveReservations=True,
            status="Inactive",
            tokenCost=4,
            _taxRate=TAX_RATES["IL"],
        ),
    ]

    def room(**fields) -> dict:
        base = {"id": None, "dateCreated": created, "dateUpdated": created}
        base.update(fields)
        base["tokenCostPerHour"] = tokens_for(base["pricePerHour"])
        base["tokenCostPerDay"] = tokens_for(base["pricePerDay"])
        return base

    rooms = [
        room(
            id=NY_CONFERENCE_ROOM_ID,
            locationId=NY_LOCATION_ID,
            name="Hudson Conference Room",
            pricePerHour=5000,
            pricePerDay=30000,
            marketplacePricePerHour=6000,
            marketplacePricePerDay=36000,
            quantity=2,
            amenities=["White board", "TV", "Video conferencing"],
            capacity=10,
            maxReservationMinutes=240,
            pictureUrls=[f"{PHOTOS}/ny-hudson.jpg"],
            autoApproveReservations=True,
        ),
        room(
            id=NY_FOCUS_ROOM_ID,
            locationId=NY_LOCATION_ID,
            name="Liberty Focus Room",
            pricePerHour=2500,
            pricePerDay=None,
            marketplacePricePerHour=3000,
            marketplacePricePerDay=None,
            quantity=1,
            amenities=["White board"],
            capacity=4,
            maxReservationMinutes=120,
            pictureUrls=[f"{PHOTOS}/ny-liberty.jpg"],
            autoApproveReservations=True,
        ),
        room(
            id=LA_BOARDROOM_ID,
            locationId=LA_LOCATION_ID,
            name="Sunset Boardroom",
            pricePerHour=7500,
            pricePerDay=45000,
            marketplacePricePerHour=8000,
            marketplacePricePerDay=48000,
            quantity=1,
            amenities=["TV", "White board", "Video conferencing"],
            capacity=12,
            maxReservationMinutes=480,
            pictureUrls=[f"{PHOTOS}/la-sunset.jpg"],
            autoApproveReservations=False,
        ),
        room(
            id=LA_POD_ID,
            locationId=LA_LOCATION_ID,
            name="Venice Call Pod",
            pricePerHour=1500,
            pricePerDay=None,
            marketplacePricePerHour=None,  # not on the marketplace
            marketplacePricePerDay=None,
            quantity=1,
            amenities=["Soundproofing"],
            capacity=2,
            maxReservationMinutes=60,
            pictureUrls=[],
            autoApproveReservations=False,
        ),
    ]

    weekdays = {0, 1, 2, 3, 4}
    ny_day = _next(today, 1, weekdays)  # next NY weekday
    la_day = _next(today, 1, weekdays)  # next LA weekday (maxVisitors 3, 2 taken)
    la_room_day = _next(today, 2, {0, 1, 2, 3})  # Mon-Thu: the Friday closure is elsewhere
    holiday = _next(today, 14, {1, 2, 3, 4})
    last_monday = today - dt.timedelta(days=today.weekday() + 7)
    last_friday = last_monday + dt.timedelta(days=4)
    past_day = _previous(today - dt.timedelta(days=6), weekdays)

    def closure(cid: str, start: str, end: str, recurrence: str, until: str | None, **extra):
        record = {
            "id": cid,
            "dateCreated": created,
            "dateUpdated": created,
            "dateRange": {"from": start, "to": end},
            "workspaceId": WORKSPACE_ID,
            "recurrence": recurrence,
            "recurrenceEndDate": until,
        }
        record.update(extra)
        return record

    location_closures = [
        # one-off: the NY location is closed all day on `holiday`
        closure(
            "7c1d3163ee1ffbbdb38b6e01",
            _at(holiday, "00:00", ny),
            _at(holiday + dt.timedelta(days=1), "00:00", ny),
            "None",
            None,
            locationId=NY_LOCATION_ID,
            type="Default",
        ),
        # weekly: LA closes every Friday 13:00-17:00 local (staff meeting), no end date
        closure(
            "7c1d3163ee1ffbbdb38b6e02",
            _at(last_friday, "13:00", la),
            _at(last_friday, "17:00", la),
            "Weekly",
            None,
            locationId=LA_LOCATION_ID,
            type="Default",
        ),
        # Chicago is "coming soon" for the next two months
        closure(
            "7c1d3163ee1ffbbdb38b6e03",
            _at(today - dt.timedelta(days=30), "00:00", chi),
            _at(today + dt.timedelta(days=60), "00:00", chi),
            "None",
            None,
            locationId=CHI_LOCATION_ID,
            type="ComingSoon",
        ),
    ]
    room_closures = [
        # weekly: the Hudson room is cleaned every Monday 08:00-10:00 local for 90 days
        closure(
            "8d1d3163ee1ffbbdb38b6f01",
            _at(last_monday, "08:00", ny),
            _at(last_monday, "10:00", ny),
            "Weekly",
            _at(today + dt.timedelta(days=90), "00:00", ny),
            roomId=NY_CONFERENCE_ROOM_ID,
            type="Default",
        ),
    ]

    def reservation(
        rid,
        kind,
        status,
        location_id,
        user_id,
        day,
        start,
        end=None,
        room_id=None,
        guests=None,
        amount=0,
        tokens=0,
        marketplace=True,
        tz=ny,
    ):
        tax = TAX_RATES["NY"] if location_id == NY_LOCATION_ID else TAX_RATES["CA"]
        record = {
            "id": rid,
            "dateCreated": booked,
            "dateUpdated": booked,
            "reservationType": kind,
            "status": status,
            "locationId": location_id,
            "workspaceId": WORKSPACE_ID,
            "userId": user_id,
            "tenantId": TENANT_ID,
            "employerId": TENANT_ID,
            "reservationDate": _at(day, start, tz),
            "price": _cost(amount, tax),
            "tokenCost": tokens,
            "paymentId": "187g" + rid[4:],
            "isMarketplace": marketplace,
            "_day": day.isoformat(),
        }
        if kind == "Room":
            record.update(
                roomId=room_id, reservationEndDate=_at(day, end, tz), numberOfGuests=guests
            )
            record["_end"] = record["reservationEndDate"]
        else:
            record["_end"] = _at(day + dt.timedelta(days=1), "00:00", tz)
        return record

    reservations = [
        reservation(
            "9a1d3163ee1ffbbdb38b7a01",
            "Room",
            "Approved",
            NY_LOCATION_ID,
            MEMBER_USER_ID,
            ny_day,
            "10:00",
            "11:00",
            NY_CONFERENCE_ROOM_ID,
            6,
            5000,
            10,
            False,
        ),
        reservation(
            "9a1d3163ee1ffbbdb38b7a02",
            "DayPass",
            "Approved",
            NY_LOCATION_ID,
            USER_ID,
            ny_day,
            "00:00",
            amount=3000,
            tokens=6,
        ),
        reservation(
            "9a1d3163ee1ffbbdb38b7a03",
            "DayPass",
            "Approved",
            LA_LOCATION_ID,
            MEMBER_USER_ID,
            la_day,
            "00:00",
            amount=3000,
            tokens=7,
            marketplace=False,
            tz=la,
        ),
        reservation(
            "9a1d3163ee1ffbbdb38b7a04",
            "DayPass",
            "Pending",
            LA_LOCATION_ID,
            OTHER_USER_ID,
            la_day,
            "00:00",
            amount=3500,
            tokens=7,
            tz=la,
        ),
        reservation(
            "9a1d3163ee1ffbbdb38b7a05",
            "Room",
            "Pending",
            LA_LOCATION_ID,
            USER_ID,
            la_room_day,
            "14:00",
            "16:00",
            LA_BOARDROOM_ID,
            8,
            16000,
            30,
            tz=la,
        ),
        reservation(
            "9a1d3163ee1ffbbdb38b7a06",
            "DayPass",
            "Completed",
            NY_LOCATION_ID,
            USER_ID,
            past_day,
            "00:00",
            amount=3000,
            tokens=6,
        ),
        reservation(
            "9a1d3163ee1ffbbdb38b7a07",
            "Room",
            "Cancelled",
            NY_LOCATION_ID,
            USER_ID,
            ny_day,
            "13:00",
            "14:00",
            NY_FOCUS_ROOM_ID,
            2,
            3000,
            5,
        ),
    ]
    past = reservations[5]
    check_ins = [
        {
            "id": "5b1d3163ee1ffbbdb38b8c01",
            "dateCreated": _at(past_day, "09:12", ny),
            "dateUpdated": _at(past_day, "17:03", ny),
            "userId": USER_ID,
            "locationId": NY_LOCATION_ID,
            "workspaceId": WORKSPACE_ID,
            "tenantId": TENANT_ID,
            "employerId": TENANT_ID,
            "reservationDate": past["reservationDate"],
            "reservationType": "DayPass",
            "timeIn": _at(past_day, "09:12", ny),
            "checkInGeo": {"latitude": 40.7416, "longitude": -73.9922},
            "timeOut": _at(past_day, "17:03", ny),
            "checkOutGeo": {"latitude": 40.7417, "longitude": -73.9921},
            "checkedInByUserId": USER_ID,
            "checkedOutByUserId": USER_ID,
            "price": past["price"],
            "tokenCost": past["tokenCost"],
            "paymentId": past["paymentId"],
            "isMarketplace": True,
            "_reservationId": past["id"],
        }
    ]

    def user(uid, email, first, last):
        return {
            "id": uid,
            "email": email,
            "firstName": first,
            "lastName": last,
            "pictureUrl": None,
            "_tenantId": TENANT_ID,
        }

    return {
        "apiKeys": {API_KEY: {"workspaceId": WORKSPACE_ID, "tenantId": TENANT_ID}},
        "tenants": [{"id": TENANT_ID, "name": "Acme Portal Tenant"}],
        "users": [
            user(USER_ID, "portal@acme.example", "Jordan", "Rivera"),
            user(MEMBER_USER_ID, "morgan.lee@acme.example", "Morgan", "Lee"),
            user(OTHER_USER_ID, "sam.patel@acme.example", "Sam", "Patel"),
            user(ADMIN_USER_ID, "alex.kim@zentrys.example", "Alex", "Kim"),
        ],
        "workspaces": [
            {
                "id": WORKSPACE_ID,
                "dateCreated": created,
                "dateUpdated": created,
                "name": "The Zentrys",
                "email": "hello@zentrys.example",
                "logoUrl": f"{PHOTOS}/zentrys-logo.png",
            }
        ],
        "roles": [{"userId": ADMIN_USER_ID, "role": "LocationAdmin", "workspaceId": WORKSPACE_ID}],
        "workspaceMembers": [
            {
                "id": "3e1d3163ee1ffbbdb38b9a01",
                "dateCreated": created,
                "dateUpdated": created,
                "workspaceId": WORKSPACE_ID,
                "locationId": NY_LOCATION_ID,
                "userId": MEMBER_USER_ID,
            }
        ],
        "userLocations": [
            {
                "id": "4f1d3163ee1ffbbdb38b9b01",
                "dateCreated": created,
                "dateUpdated": created,
                "userId": MEMBER_USER_ID,
                "workspaceId": WORKSPACE_ID,
                "locationId": NY_LOCATION_ID,
            }
        ],
        "locations": locations,
        "rooms": rooms,
        "locationClosures": location_closures,
        "roomClosures": room_closures,
        "reservations": reservations,
        "checkIns": check_ins,
        "applications": [
            {
                "id": "2a1d3163ee1ffbbdb38b9c01",
                "dateCreated": created,
                "dateUpdated": created,
                "status": "Inquiry",
                "name": "Brooklyn Desk Co.",
                "contact": {
                    "name": "Riley Brooks",
                    "email": "riley@brooklyndesk.example",
                    "phone": "7185550101",
                    "firstName": "Riley",
                    "lastName": "Brooks",
                },
                "description": "Two floors of desks in DUMBO",
                "locations": None,
                "ownerId": None,
                "ownerEmail": "riley@brooklyndesk.example",
                "workspaceId": None,
                "wasInvited": False,
            }
        ],
        "memberApplications": [
            {
                "id": "2b1d3163ee1ffbbdb38b9d01",
                "dateCreated": created,
                "dateUpdated": created,
                "workspaceId": WORKSPACE_ID,
                "userId": OTHER_USER_ID,
                "workspaceLicenseTemplateId": "1c1d3163ee1ffbbdb38b9e01",
                "locationId": NY_LOCATION_ID,
                "status": "Request",
                "requestedActivationDate": _at(today + dt.timedelta(days=7), "00:00", ny),
                "activationDate": None,
            }
        ],
        "seq": 0,
    }
