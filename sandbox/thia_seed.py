"""Seed data of the Thia sandbox: two partner spaces (Bucharest, Cluj) and one non-partner.

Everything is deterministic and relative to ``today`` (the seed date). Wall-clock times
are Europe/Bucharest local times stored as naive ISO strings ("YYYY-MM-DDTHH:MM:SS.ffffff");
the API renders them with a trailing "Z" as the document does (see ``thia.fmt_ts``).

Ids are global across spaces (products, rooms, hours, photos, amenities), as in a real
database, so a product of another space answers "Product not found".
"""

from __future__ import annotations

import datetime as dt
import uuid

# One key pair per space (doc: "These credentials are unique to each space").
BUCHAREST_KEY = "thia_pk_buc_4f8e2a91c3d7"
BUCHAREST_SECRET = "thia_sk_buc_9b1d5e7a20f64c38"
CLUJ_KEY = "thia_pk_clj_7a3c9e15b2d8"
CLUJ_SECRET = "thia_sk_clj_3e6f0a8d41c97b25"
# A space that is not a partner: its valid key pair answers 403 "Access denied".
NON_PARTNER_KEY = "thia_pk_tm_0c5b7d2e9f41"
NON_PARTNER_SECRET = "thia_sk_tm_6d2a8f3b17e05c94"

UUID_NAMESPACE = uuid.UUID("6f1c9a52-3b7e-4d10-9c2a-8e5f4b7d1a03")

SEATING_OPTIONS = {
    1: "Day Pass",
    2: "Hot Desk",
    3: "Dedicated Desk",
    4: "Meeting/Event Room",
    5: "Private Office",
}

# Fixed metadata timestamps (Bucharest wall clock, like every Thia timestamp).
CREATED = "2024-01-10T09:00:00.000000"
UPDATED = "2024-01-15T10:30:00.000000"

ALL_FEATURES = (
    "has_whiteboard",
    "has_projector",
    "has_monitor",
    "has_audio_conferencing_system",
    "has_video_conferencing_system",
    "has_catering",
    "has_tea_coffee",
    "has_privacy_screen",
    "has_air_conditioning",
    "has_heating",
    "has_security_lock",
    "has_natural_light",
)


def access_code_uuid(seq: int) -> str:
    """Access code ids are UUIDs; derived from a counter so runs are reproducible."""
    return str(uuid.uuid5(UUID_NAMESPACE, f"thia-access-code-{seq}"))


def _features(*present: str) -> dict:
    return {name: name in present for name in ALL_FEATURES}


def _hours(first_id: int, week: list[tuple[str | None, str | None, bool, bool]]) -> list[dict]:
    rows = []
    for index, (open_time, close_time, closed, non_stop) in enumerate(week):
        rows.append(
            {
                "id": first_id + index,
                "weekday": index + 1,
                "open_time": open_time,
                "close_time": close_time,
                "closed": closed,
                "non_stop": non_stop,
                "created_at": CREATED,
                "updated_at": UPDATED,
            }
        )
    return rows


def _photos(space_id: int, first_id: int, count: int) -> list[dict]:
    return [
        {
            "id": first_id + n,
            "original_path": f"/storage/photos/spaces/{space_id}/original/photo-{n + 1}.jpg",
            "thumbnail_path": f"/storage/photos/spaces/{space_id}/thumbnails/photo-{n + 1}.jpg",
            "medium_path": f"/storage/photos/spaces/{space_id}/medium/photo-{n + 1}.jpg",
            "order": n + 1,
            "created_at": CREATED,
            "updated_at": UPDATED,
        }
        for n in range(count)
    ]


AMENITIES = {
    1: ("WiFi", "wifi"),
    2: ("Coffee Machine", "coffee"),
    3: ("Printer", "printer"),
    4: ("Meeting Rooms", "meeting-room"),
    5: ("Parking", "parking"),
    6: ("Kitchen", "kitchen"),
    7: ("Reception", "reception"),
    8: ("Security", "security"),
    9: ("Phone Booths", "phone-booth"),
    10: ("Bike Storage", "bike"),
}


def _amenities(*ids: int) -> list[dict]:
    return [{"id": i, "name": AMENITIES[i][0], "icon": AMENITIES[i][1]} for i in ids]


def _legal(space_name: str) -> dict:
    return {
        "terms": (
            f"TERMS AND CONDITIONS - {space_name}\n\n1. MEMBERSHIP TERMS\nBy purchasing a "
            "membership, you agree to abide by all space rules and regulations.\n\n2. PAYMENT "
            "TERMS\nAll payments are due in advance and are non-refundable.\n\n3. CANCELLATION "
            "POLICY\nMemberships may be cancelled with 30 days written notice."
        ),
        "privacy_policy": (
            "PRIVACY POLICY\n\nLast updated: January 1, 2024\n\n1. INFORMATION WE COLLECT\nWe "
            "collect information you provide directly to us when you create an account.\n\n"
            "2. HOW WE USE YOUR INFORMATION\nWe use it to provide and improve our services."
        ),
        "cookies_policy": (
            "COOKIES POLICY\n\nThis website uses cookies to ensure you get the best experience."
            "\n\n1. WHAT ARE COOKIES\nCookies are small text files placed on your device."
        ),
        "internal_regulations": (
            "INTERNAL REGULATIONS\n\n1. OPERATING HOURS\nSee the opening hours of the space.\n\n"
            "2. NOISE POLICY\nPlease keep calls in the phone booths.\n\n3. GUEST POLICY\n"
            "Members may bring guests but are responsible for their conduct."
        ),
    }


def _space(
    *,
    space_id: int,
    user_id: int,
    name: str,
    subdomain: str,
    street: str,
    latitude: str,
    longitude: str,
    phone: str,
    city: tuple[int, str],
    desks: tuple[int, int, int],
    api_key: str,
    api_secret: str,
    is_partner: bool,
    slogan: str | None,
    description: str | None,
    amenities: list[dict],
    hours: list[dict],
    photos: list[dict],
    legal: dict,
) -> dict:
    hot, dedicated, offices = desks
    return {
        "id": space_id,
        "user_id": user_id,
        "name": name,
        "subdomain": subdomain,
        "street": street,
        "latitude": latitude,
        "longitude": longitude,
        "phone": phone,
        "has_whatsapp": space_id == 1,
        "whatsapp_group_url": "https://chat.whatsapp.com/thia-bucharest" if space_id == 1 else None,
        "email": f"hello@{subdomain}.thia.work",
        "facebook_messenger": f"https://m.me/{subdomain}" if space_id == 1 else None,
        "slogan": slogan,
        "description": description,
        "total_hot_desks": hot,
        "total_dedicated_desks": dedicated,
        "total_private_offices": offices,
        "logo": f"/storage/logos/{subdomain}-logo.png",
        "cover_photo": f"/storage/photos/{subdomain}-cover.jpg",
        "directions": "Take the elevator to the 3rd floor, reception is on the left.",
        "directions_photo": f"/storage/photos/{subdomain}-directions.jpg"
        if space_id == 1
        else None,
        "wifi_network": f"{name.replace(' ', '')}_WiFi",
        "wifi_password": "welcome123",
        "amenities": amenities,
        "website": f"https://{subdomain}.example.com",
        "facebook": f"https://facebook.com/{subdomain}",
        "instagram": f"https://instagram.com/{subdomain}",
        "linkedin": f"https://linkedin.com/company/{subdomain}",
        "twitter": None,
        "verified_at": "2024-01-15T10:30:00.000000",
        "published_at": "2024-01-15T12:00:00.000000",
        "created_at": CREATED,
        "updated_at": "2024-01-20T14:30:00.000000",
        "country": {"id": 1, "name": "Romania"},
        "city": {"id": city[0], "name": city[1], "country": {"id": 1, "name": "Romania"}},
        # sandbox-only keys (never rendered)
        "api_key": api_key,
        "api_secret": api_secret,
        "is_partner": is_partner,
        "hours": hours,
        "photos": photos,
        "legal": legal,
    }


def _room(room_id, space_id, name, capacity, photo, description, frm, to, features) -> dict:
    return {
        "id": room_id,
        "space_id": space_id,
        "name": name,
        "capacity": capacity,
        "photo": photo,
        "description": description,
        "available_from": frm,
        "available_to": to,
        "features": features,
        "created_at": CREATED,
        "updated_at": UPDATED,
    }


def _product(
    product_id: int,
    space_id: int,
    seating: int,
    name: str,
    price: str,
    settings: dict,
    position: int,
    *,
    description: str | None = None,
    disclaimer: str | None = None,
    photo: str | None = None,
    access_type: str = "current_space",
    accessible_spaces: list[int] | None = None,
    available_from: str | None = None,
    is_promotion: bool = False,
    is_offer: bool = False,
    is_published: bool = True,
) -> dict:
    return {
        "id": product_id,
        "space_id": space_id,
        "name": name,
        "price": price,  # doc: "Prices are returned as decimal strings"
        "photo": photo,
        "description": description,
        "disclaimer": disclaimer,
        "settings": settings,
        "access_type": access_type,
        "accessible_spaces": accessible_spaces,
        "available_from": available_from,
        "is_promotion": is_promotion,
        "is_offer": is_offer,
        "is_published": is_published,
        "position": position,
        "seating_option": {"id": seating, "name": SEATING_OPTIONS[seating]},
        "created_at": CREATED,
        "updated_at": UPDATED,
    }


def _desk(duration: int, unit: int, weekdays: list[int], mr_hours: int) -> dict:
    return {
        "duration": duration,
        "duration_unit": unit,
        "weekdays": weekdays,
        "persons": 1,
        "meeting_room_hours": mr_hours,
    }


def _day_pass(duration_type: int, start: str, end: str, duration: int = 1) -> dict:
    return {
        "duration": duration,
        "duration_type": duration_type,
        "persons": 1,
        "time_start": start,
        "time_end": end,
    }


def _room_product(room_id: int | None) -> dict:
    # One product = one room, priced per 1-hour slot (duration 1, duration_unit 1 = hours).
    # weekdays [] = doc: "An empty array ([]) signifies access for the entire week".
    return {"meeting_room_id": room_id, "weekdays": [], "duration_unit": 1, "duration": 1}


def _office(capacity: int, mr_hours: int) -> dict:
    return {"capacity": capacity, "duration": 1, "duration_unit": 3, "meeting_room_hours": mr_hours}


def _spaces() -> list[dict]:
    bucharest = _space(
        space_id=1,
        user_id=7,
        name="Thia Hub Victoriei",
        subdomain="thia-hub-victoriei",
        street="Calea Victoriei 155",
        latitude="44.4495000",
        longitude="26.0863000",
        phone="+40212345678",
        city=(1, "Bucharest"),
        desks=(20, 10, 5),
        api_key=BUCHAREST_KEY,
        api_secret=BUCHAREST_SECRET,
        is_partner=True,
        slogan="Where creativity meets productivity",
        description=(
            "A modern coworking space in the heart of Bucharest, a short walk from Piata "
            "Victoriei, for freelancers, startups and established teams."
        ),
        amenities=_amenities(1, 2, 3, 4, 5, 6, 7, 8),
        # Mon-Fri 08:00-20:00, Sat 10:00-16:00, Sun closed
        hours=_hours(
            1,
            [("08:00:00", "20:00:00", False, False)] * 5
            + [("10:00:00", "16:00:00", False, False), (None, None, True, False)],
        ),
        photos=_photos(1, 1, 3),
        legal=_legal("Thia Hub Victoriei"),
    )
    cluj = _space(
        space_id=2,
        user_id=7,
        name="Thia Cluj Innovation Hub",
        subdomain="thia-cluj",
        street="Strada Memorandumului 28",
        latitude="46.7693000",
        longitude="23.5858000",
        phone="+40264123456",
        city=(2, "Cluj-Napoca"),
        desks=(12, 6, 2),
        api_key=CLUJ_KEY,
        api_secret=CLUJ_SECRET,
        is_partner=True,
        slogan="Open around the clock on weekdays",
        description="Coworking in Cluj-Napoca's old town, open non-stop Monday to Friday.",
        amenities=_amenities(1, 2, 4, 6, 9, 10),
        # Mon-Thu non-stop, Fri 08:00-22:00, Sat 10:00-14:00, Sun closed
        hours=_hours(
            8,
            [(None, None, False, True)] * 4
            + [
                ("08:00:00", "22:00:00", False, False),
                ("10:00:00", "14:00:00", False, False),
                (None, None, True, False),
            ],
        ),
        photos=_photos(2, 4, 2),
        legal=_legal("Thia Cluj Innovation Hub"),
    )
    timisoara = _space(
        space_id=3,
        user_id=9,
        name="Bega Desk Timisoara",
        subdomain="bega-desk",
        street="Piata Victoriei 4",
        latitude="45.7537000",
        longitude="21.2257000",
        phone="+40256123456",
        city=(3, "Timisoara"),
        desks=(8, 2, 0),
        api_key=NON_PARTNER_KEY,
        api_secret=NON_PARTNER_SECRET,
        is_partner=False,
        slogan=None,
        description=None,
        amenities=_amenities(1, 2),
        hours=_hours(
            15, [("09:00:00", "18:00:00", False, False)] * 5 + [(None, None, True, False)] * 2
        ),
        photos=[],
        legal={
            "terms": None,
            "privacy_policy": None,
            "cookies_policy": None,
            "internal_regulations": None,
        },
    )
    return [bucharest, cluj, timisoara]


def _rooms() -> list[dict]:
    return [
        _room(
            1, 1, "Conference Room A", 12, "/storage/meeting-rooms/conference-room-a.jpg",
            "A spacious conference room for team meetings and presentations.",
            "08:00:00", "20:00:00",
            _features(*[f for f in ALL_FEATURES if f != "has_catering"]),
        ),
        _room(
            2, 1, "Small Meeting Room", 4, None,
            "Intimate meeting space for small team discussions.", "09:00:00", "18:00:00",
            _features("has_whiteboard", "has_monitor", "has_tea_coffee", "has_air_conditioning",
                      "has_heating", "has_natural_light"),
        ),
        _room(
            3, 1, "Event Hall", 40, "/storage/meeting-rooms/event-hall.jpg",
            "Open hall for workshops, meetups and launches.", "10:00:00", "22:00:00",
            _features("has_projector", "has_audio_conferencing_system", "has_catering",
                      "has_tea_coffee", "has_air_conditioning", "has_heating"),
        ),
        _room(
            11, 2, "Somes Room", 8, "/storage/meeting-rooms/somes-room.jpg",
            "Bright room overlooking Memorandumului street.", "08:00:00", "20:00:00",
            _features("has_whiteboard", "has_monitor", "has_video_conferencing_system",
                      "has_tea_coffee", "has_heating", "has_natural_light"),
        ),
        _room(
            12, 2, "Feleac Focus Room", 3, None, None, "09:00:00", "17:00:00",
            _features("has_whiteboard", "has_heating"),
        ),
    ]  # fmt: skip


def _products() -> list[dict]:
    return [
        # --- Bucharest (space 1) ---
        _product(
            1, 1, 1, "Day Pass", "35.00", _day_pass(2, "09:00:00", "18:00:00"), 1,
            description="Single day access to workspace facilities.",
            disclaimer="Valid for one day only. No refunds.",
            photo="/storage/spaces/products/day-pass.jpg", is_promotion=True,
        ),
        _product(
            2, 1, 1, "Half-Day Pass (Morning)", "20.00", _day_pass(1, "08:00:00", "13:00:00"), 2,
            description="Morning access, 08:00 to 13:00.",
        ),
        _product(
            3, 1, 2, "Hot Desk Monthly", "299.00", _desk(1, 3, [1, 2, 3, 4, 5], 10), 3,
            description="Flexible workspace access with a monthly membership.",
            disclaimer="Subject to availability.",
            photo="/storage/spaces/products/hot-desk-photo.jpg", available_from="2024-02-01",
        ),
        _product(
            4, 1, 3, "Dedicated Desk Monthly", "450.00", _desk(1, 3, [], 15), 4,
            description="Your own desk with a locker, any day of the week.",
        ),
        _product(
            5, 1, 5, "Private Office for 4", "1800.00", _office(4, 20), 5,
            description="Lockable office for a team of four.",
            disclaimer="Minimum 3-month commitment required.",
        ),
        _product(
            6, 1, 4, "Conference Room A", "120.00", _room_product(1), 6,
            description="Conference Room A, per hour.",
        ),
        _product(
            7, 1, 4, "Small Meeting Room", "60.00", _room_product(2), 7,
            description="Small Meeting Room, per hour.",
        ),
        _product(
            8, 1, 4, "Event Hall", "250.00", _room_product(3), 8,
            description="Event Hall, per hour.",
        ),
        _product(
            9, 1, 3, "Dedicated Desk Corporate Offer", "399.00",
            _desk(3, 3, [1, 2, 3, 4, 5], 20), 9,
            description="Personalized offer for a corporate client.",
            access_type="selected_spaces", accessible_spaces=[1, 2], is_offer=True,
        ),
        _product(
            10, 1, 2, "Hot Desk Annual", "2990.00", _desk(1, 4, [], 120), 10,
            description="Not on sale yet.", is_published=False,
        ),
        _product(
            11, 1, 4, "Rooftop Terrace", "300.00", _room_product(None), 11,
            description="Coming soon: no meeting room configured yet.", is_published=False,
        ),
        _product(
            12, 1, 4, "Old Boardroom", "90.00", _room_product(99), 12,
            description="The room of this product was removed.", is_published=False,
        ),
        # --- Cluj (space 2) ---
        _product(
            21, 2, 1, "Day Pass", "30.00", _day_pass(2, "00:00:00", "23:59:00"), 1,
            description="One day, non-stop on weekdays.",
        ),
        _product(
            22, 2, 2, "Hot Desk Monthly", "249.00", _desk(1, 3, [], 8), 2,
            description="Any free desk, any day.", access_type="all_spaces",
        ),
        _product(
            23, 2, 2, "Hot Desk 10 Days", "150.00", _desk(10, 2, [1, 2, 3, 4, 5], 0), 3,
            description="Ten consecutive days of hot desk access.", is_promotion=True,
        ),
        _product(
            24, 2, 3, "Dedicated Desk Monthly", "399.00", _desk(1, 3, [], 10), 4,
        ),
        _product(
            25, 2, 5, "Private Office for 2", "950.00", _office(2, 10), 5,
        ),
        _product(
            26, 2, 4, "Somes Room", "80.00", _room_product(11), 6,
            description="Somes Room, per hour.",
        ),
        _product(
            27, 2, 4, "Feleac Focus Room", "40.00", _room_product(12), 7,
        ),
        _product(
            28, 2, 5, "Private Office Startup Offer", "700.00", _office(2, 5), 8,
            is_offer=True,
        ),
        _product(
            29, 2, 3, "Dedicated Desk Night Shift", "199.00", _desk(1, 3, [1, 2, 3, 4], 0), 9,
            is_published=False,
        ),
    ]  # fmt: skip


class _Builder:
    """Creates customers, subscriptions, access codes and bookings with running ids."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.state_rows: dict[str, list] = {
            "customers": [],
            "subscriptions": [],
            "access_codes": [],
            "bookings": [],
        }
        self.next = {"customer": 101, "subscription": 41, "access_code": 1, "booking": 1}

    def day(self, offset: int) -> str:
        return (self.today + dt.timedelta(days=offset)).isoformat()

    def customer(self, first: str, last: str, phone: str | None = None) -> int:
        cid = self.next["customer"]
        self.next["customer"] += 1
        email = f"{first}.{last}@example.com".lower().replace(" ", "")
        self.state_rows["customers"].append(
            {"id": cid, "first_name": first, "last_name": last, "email": email, "phone": phone}
        )
        return cid

    def code(
        self,
        space_id: int,
        customer_id: int,
        start: int,
        end: int,
        *,
        product_id: int | None = None,
        status: str | None = None,
        customer_type: str = "user",
        scans: tuple[int, int] = (0, 0),
        created: int = -1,
        valid_times: tuple[str, str] = ("00:00:00", "23:59:59"),
    ) -> str:
        subscription_id = None
        valid_from = f"{self.day(start)}T{valid_times[0]}.000000"
        valid_to = f"{self.day(end)}T{valid_times[1]}.000000"
        if product_id is not None:
            subscription_id = self.next["subscription"]
            self.next["subscription"] += 1
            self.state_rows["subscriptions"].append(
                {
                    "id": subscription_id,
                    "space_id": space_id,
                    "product_id": product_id,
                    "customer_id": customer_id,
                    "starts_at": valid_from,
                    "ends_at": valid_to,
                }
            )
        seq = self.next["access_code"]
        self.next["access_code"] += 1
        code_id = access_code_uuid(seq)
        created_at = f"{self.day(created)}T10:30:00.000000"
        self.state_rows["access_codes"].append(
            {
                "id": code_id,
                "customer_id": customer_id,
                "customer_type": customer_type,
                "space_id": space_id,
                "subscription_id": subscription_id,
                "product_id": product_id,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "is_primary": True,
                "unique_scans": scans[0],
                "total_scans": scans[1],
                # None: derived from the validity and the clock; else a fixed status
                "status": status,
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        return code_id

    def booking(
        self,
        space_id: int,
        product_id: int,
        room_id: int,
        customer_id: int,
        day: int,
        slots: list[str],
        *,
        status: str = "active",
    ) -> None:
        code_id = self.code(
            space_id,
            customer_id,
            day,
            day,
            product_id=product_id,
            status="canceled" if status == "canceled" else None,
        )
        booking_id = self.next["booking"]
        self.next["booking"] += 1
        self.state_rows["bookings"].append(
            {
                "id": booking_id,
                "space_id": space_id,
                "product_id": product_id,
                "meeting_room_id": room_id,
                "date": self.day(day),
                "slots": slots,
                "status": status,
                "access_code_id": code_id,
                "customer_id": customer_id,
            }
        )


def seed(today: dt.date) -> dict:
    b = _Builder(today)
    ana = b.customer("Ana", "Popescu", "+40721000001")
    mihai = b.customer("Mihai", "Ionescu", "+40721000002")
    elena = b.customer("Elena", "Dumitrescu")
    guest = b.customer("Radu", "Stan", "+40721000004")
    ioana = b.customer("Ioana", "Marin", "+40721000005")
    andrei = b.customer("Andrei", "Georgescu", "+40721000006")
    cristina = b.customer("Cristina", "Pop", "+40721000007")
    vlad = b.customer("Vlad", "Muresan", "+40721000008")
    sorin = b.customer("Sorin", "Toma")

    # --- Bucharest desks (30 = 20 hot + 10 dedicated) ---
    b.code(1, ana, -10, 19, product_id=3, scans=(8, 15), created=-11)  # hot desk month
    b.code(1, mihai, 0, 2, scans=(1, 1), created=-2)  # standalone, today..+2
    b.code(1, elena, 1, 1, product_id=1, created=-1)  # day pass tomorrow
    b.code(1, guest, 1, 3, customer_type="guest", created=-1)  # guest, +1..+3
    b.code(1, ioana, 1, 5, status="canceled", created=-3)  # canceled: not counted
    b.code(1, ioana, -5, -3, status="expired", scans=(3, 3), created=-6)  # expired
    b.code(1, sorin, 2, 92, product_id=4, created=-1)  # dedicated desk from +2
    # --- Bucharest meeting rooms ---
    b.booking(1, 6, 1, andrei, 1, ["10:00 - 11:00", "11:00 - 12:00"])
    b.booking(1, 6, 1, ioana, 1, ["15:00 - 16:00"], status="canceled")  # slot stays free
    b.booking(1, 7, 2, mihai, 3, ["14:00 - 15:00"])
    b.booking(1, 7, 2, elena, 0, ["09:00 - 10:00"])
    # --- Cluj (18 desks = 12 hot + 6 dedicated) ---
    b.code(2, cristina, 0, 29, product_id=22, scans=(2, 4), created=-1)
    b.booking(2, 26, 11, vlad, 2, ["09:00 - 10:00", "10:00 - 11:00"])
    b.booking(2, 27, 12, cristina, 4, ["13:00 - 14:00"])
    # A hackathon in 6 days takes 19 standalone codes: more than the 18 desks, so
    # available_desks is 0 (doc: "will never be negative").
    for n in range(19):
        person = b.customer(f"Hacker{n + 1:02d}", "Cluj")
        b.code(2, person, 6, 6, created=-2)

    return {
        "spaces": _spaces(),
        "meeting_rooms": _rooms(),
        "products": _products(),
        **b.state_rows,
        "next_ids": b.next,
    }
