"""Seed data of the Workways sandbox: sites, rooms, organizations, users, tokens, meetings.

Everything is deterministic and relative to ``today`` (the seed function's argument).
IDs are 24-hex strings because the document's IDs are MongoDB ObjectIds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo


def oid(label: str) -> str:
    """A stable MongoDB-ObjectId-shaped id (24 hex characters) for a seed label."""
    return hashlib.sha256(f"workways:{label}".encode()).hexdigest()[:24]


def token_for(label: str) -> str:
    # doc: "Format: ww_dev_<64-character-hex-string>"
    return "ww_dev_" + hashlib.sha256(f"workways-sandbox:{label}".encode()).hexdigest()


def token_hash(token: str) -> str:
    # doc: "Tokens are stored as SHA-256 hashes and never exposed in plain text after creation"
    return hashlib.sha256(token.encode()).hexdigest()


# Demo tokens (print-config hands them out).
DEV_TOKEN = token_for("dev")  # active token of an active api-developer
INACTIVE_TOKEN = token_for("inactive")  # invalidated by an admin (isActive=false)
ARCHIVED_ACCOUNT_TOKEN = token_for("archived-account")  # owner's organization is archived
ARCHIVED_USER_TOKEN = token_for("archived-user")  # owner's user account is archived

KNOWN_MEMBER_EMAIL = "sarah.murphy@acme-corp.ie"
ARCHIVED_MEMBER_EMAIL = "marc.dubois@oldco.be"  # organization archived
ARCHIVED_USER_EMAIL = "niamh.kelly@acme-corp.ie"  # user archived, organization active

S_DUBLIN, S_BRUSSELS, S_PARIS, S_LYON = (oid(f"site:{n}") for n in ("dub", "bru", "par", "lyo"))
O_ACME, O_BETA, O_GAMMA, O_OLDCO, O_PARTNER = (
    oid(f"org:{n}") for n in ("acme", "beta", "gamma", "oldco", "partner")
)
U_SARAH, U_LIAM, U_LUC, U_CAMILLE, U_MARC, U_NIAMH, U_DEV, U_TOM = (
    oid(f"user:{n}") for n in ("sarah", "liam", "luc", "camille", "marc", "niamh", "dev", "tom")
)

R_DUB_A = oid("room:dub-a")
R_DUB_B = oid("room:dub-b")
R_DUB_HOT = oid("room:dub-hot")
R_DUB_OFFICE = oid("room:dub-office")
R_DUB_PRIVATE = oid("room:dub-private")
R_BRU_A = oid("room:bru-a")
R_BRU_OFFICE = oid("room:bru-office")
R_BRU_PRIVATE = oid("room:bru-private")
R_PAR_A = oid("room:par-a")
R_PAR_HOT = oid("room:par-hot")
R_PAR_CLEAN = oid("room:par-clean")
R_PAR_ACCESS = oid("room:par-access")
R_LYO_A = oid("room:lyo-a")
R_LYO_OFFICE = oid("room:lyo-office")

TIME_ZONES = {S_DUBLIN: "Europe/Dublin", S_BRUSSELS: "Europe/Brussels"}
TIME_ZONES.update({S_PARIS: "Europe/Paris", S_LYON: "Europe/Paris"})


def _site(_id, name, country, address, contact, map_link, tz):
    return {
        "_id": _id,
        "name": name,
        "country": country,  # ISO code; doc: "ISO codes are stored internally"
        "publicAddress": address,
        "publicContact": contact,
        "mapLink": map_link,
        "timeZone": tz,
        "isPublic": True,
    }


def _room(_id, site, name, public_name, kind, **extra):
    room = {
        "_id": _id,
        "siteId": site,
        "name": name,
        "publicName": public_name,
        "type": kind,
        "surface": -1,
        "description": "",
        "defaultState": "bookable",
        "actualState": "bookable",
        "minPerson": 1,
        "maxPerson": 1,
        "nbSeat": 1,
        "configuration": "",
        "otherConfiguration": "",
        "minDurationBooking": 0,
        "maxDurationBooking": 0,
        "stepDurationBooking": 0,
        "slotWeek": "",
        "slotSaturday": "",
        "slotSunday": "",
        "pricePerHour": 0,
        "pricePerHalfDay": 0,
        "pricePerDay": 0,
        "pricePerMonth": "",
        "imageId": "img" + _id[:12],
        "publicDescriptionEn": None,
        "publicDescriptionFr": None,
        "organizationId": None,
        "contractEndDate": "",
    }
    room.update(extra)
    return room


def _meeting_room(_id, site, name, public_name, **extra):
    extra.setdefault("configuration", "boardroom")
    return _room(_id, site, name, public_name, "publicMeeting", **extra)


def _rates(site: str, keys: list[str]) -> list[dict]:
    catalogue = {
        "parking": (
            "Parking space",
            "Place de Parking",
            "Parking Space",
            "other",
            150,
            135,
            None,
            None,
            None,
            50,
            ("standard", None),
        ),
        "bike_garage": (
            "Bike garage",
            "Garage vélo sécurisé",
            "Secure bike garage",
            "other",
            25,
            20,
            None,
            None,
            None,
            0,
            ("standard", None),
        ),
        "meeting_room_package": (
            "Meeting room package",
            "Forfait réservation de salles",
            "Meeting room booking package",
            "other",
            300,
            270,
            None,
            None,
            None,
            0,
            ("standard", None),
        ),
        "tv_rental": (
            "TV Rental",
            "Location TV",
            "TV Rental",
            "quantity",
            30,
            27,
            None,
            None,
            None,
            0,
            ("standard", None),
        ),
        "service_by_month": (
            "Monthly Service",
            "Service mensuel",
            "Monthly Service",
            "promo",
            200,
            180,
            150,
            135,
            3,
            100,
            ("special", 10),
        ),
        "fridge_rental": (
            "Fridge rental",
            "Location réfrigérateur",
            "Refrigerator rental",
            "promoWithQuantity",
            20,
            18,
            10,
            9,
            2,
            0,
            ("standard", None),
        ),
        "cleaning_service": (
            "Extra cleaning",
            "Extra ménage régulier",
            "Extra regular cleaning",
            "quote",
            0,
            0,
            None,
            None,
            None,
            0,
            ("none", None),
        ),
    }
    unique = {
        "parking",
        "bike_garage",
        "meeting_room_package",
        "food_service",
        "garbage_service",
        "cleaning_service",
        "private_network",
        "private_wifi",
    }
    rates = []
    for key in keys:
        name, fr, en, kind, pub, mem, pub_promo, mem_promo, months, setup, vat = catalogue[key]
        rates.append(
            {
                "_id": oid(f"rate:{site}:{key}"),
                "siteId": site,
                "key": key,
                "name": name,
                "nameFr": fr,
                "nameEn": en,
                "type": kind,
                "isUnique": key in unique,
                "isGeneric": key not in unique,
                "supportsQuantity": kind in ("quantity", "promoWithQuantity"),
                "pricing": {
                    "publicBase": pub,
                    "memberBase": mem,
                    "publicPromo": pub_promo,
                    "memberPromo": mem_promo,
                    "promoMonthDuration": months,
                    "setupFees": setup,
                },
                "vat": {"type": vat[0], "rate": vat[1]},
            }
        )
    return rates


def _at(day: dt.date, hhmm: str, tz: str) -> dt.datetime:
    """Local wall-clock time at a site, as an aware UTC datetime."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(tz))
    return local.astimezone(dt.UTC)


def _utc(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _meeting(label, room, site, day, start, end, name, user, org, email, **extra):
    tz = TIME_ZONES[site]
    meeting = {
        "_id": oid(f"meeting:{label}"),
        "roomId": room,
        "name": name,
        "description": extra.pop("description", ""),
        "status": "confirmed",
        "allDay": False,
        "start": _utc(_at(day, start, tz)),
        "end": _utc(_at(day, end, tz)),
        "rrule": None,
        "exdates": [],
        "contactEmail": email,
        "contactName": "",
        "userId": user,
        "organizationId": org,
        "bookedUser": 1,
        "createdAt": "2025-01-06T08:00:00Z",
    }
    meeting.update(extra)
    if meeting["allDay"]:
        meeting["start"] = meeting["end"] = None
    return meeting


def seed(today: dt.date) -> dict:
    d = dt.timedelta
    monday = today - d(days=today.weekday())
    sites = [
        _site(
            S_DUBLIN,
            "Workways Dublin Docklands",
            "IE",
            "1 Grand Canal Square, Dublin 2, D02 P820, Ireland",
            "dublin@workways.com",
            "https://maps.google.com/?q=53.3396,-6.2376",
            "Europe/Dublin",
        ),
        _site(
            S_BRUSSELS,
            "Workways Brussels Louise",
            "BE",
            "Avenue Louise 54, 1050 Ixelles, Belgium",
            "bruxelles@workways.com",
            "https://maps.google.com/?q=50.8322,4.3587",
            "Europe/Brussels",
        ),
        _site(
            S_PARIS,
            "Workways Paris Bastille",
            "FR",
            "12 Rue de la Roquette, 75011 Paris, France",
            "paris@workways.com",
            "https://maps.google.com/?q=48.8546,2.3725",
            "Europe/Paris",
        ),
        _site(S_LYON, "Workways Lyon Part-Dieu", "FR", None, None, None, "Europe/Paris"),
    ]
    contract_end = (today + d(days=200)).isoformat()
    rooms = [
        _meeting_room(
            R_DUB_A,
            S_DUBLIN,
            "Meeting Room A",
            "Liffey Meeting Room",
            surface=25,
            description="Modern meeting room with video conferencing",
            minPerson=2,
            maxPerson=8,
            nbSeat=8,
            otherConfiguration="Video conferencing, whiteboard",
            minDurationBooking=60,
            maxDurationBooking=480,
            stepDurationBooking=30,
            slotWeek="09:00-18:00",
            pricePerHour=35,
            pricePerHalfDay=120,
            pricePerDay=220,
            publicDescriptionEn="A bright meeting room with natural light and modern equipment.",
            publicDescriptionFr=(
                "Une salle de réunion lumineuse avec éclairage naturel et équipement moderne."
            ),
        ),
        _meeting_room(
            R_DUB_B,
            S_DUBLIN,
            "Meeting Room B",
            "Docklands Boardroom",
            surface=40,
            description="Boardroom for up to 14 people",
            minPerson=4,
            maxPerson=14,
            nbSeat=14,
            otherConfiguration="Screen, conference phone",
            minDurationBooking=60,
            maxDurationBooking=600,
            stepDurationBooking=60,
            slotWeek="08:00-20:00",
            slotSaturday="09:00-13:00",
            pricePerHour=60,
            pricePerHalfDay=200,
            pricePerDay=380,
            publicDescriptionEn="Our largest boardroom, overlooking the docks.",
            publicDescriptionFr="Notre plus grande salle du conseil, avec vue sur les docks.",
        ),
        _room(
            R_DUB_HOT,
            S_DUBLIN,
            "Hot Desk 1",
            "Hot Desk Area",
            "publicOffice",
            description="Open-space hot desk",
            configuration="open-space",
            minDurationBooking=240,
            maxDurationBooking=480,
            stepDurationBooking=240,
            slotWeek="08:00-19:00",
            pricePerHour=8,
            pricePerHalfDay=15,
            pricePerDay=25,
            pricePerMonth="250",
            publicDescriptionEn="A desk in our open space.",
            publicDescriptionFr="Un poste de travail dans notre espace ouvert.",
        ),
        _room(
            R_DUB_OFFICE,
            S_DUBLIN,
            "Office 12",
            "Canal View Office",
            "publicOffice",
            surface=18,
            description="Closed office for 4",
            defaultState="forrent",
            actualState="forrent",
            maxPerson=4,
            nbSeat=4,
            configuration="office",
            pricePerMonth="1600",
            publicDescriptionEn="A quiet 4-desk office facing the canal.",
            publicDescriptionFr="Un bureau calme de 4 postes face au canal.",
        ),
        _room(
            R_DUB_PRIVATE,
            S_DUBLIN,
            "Private Office 101",
            "Executive Suite",
            "privateOffice",
            surface=45,
            description="Fully equipped private office",
            defaultState="rented",
            actualState="rented",
            maxPerson=4,
            nbSeat=4,
            configuration="office",
            pricePerMonth="1500",
            organizationId=O_ACME,
            contractEndDate=contract_end,
            publicDescriptionEn="Spacious private office with panoramic views.",
            publicDescriptionFr="Bureau privé spacieux avec vue panoramique.",
        ),
        _meeting_room(
            R_BRU_A,
            S_BRUSSELS,
            "Salle Horta",
            "Horta Meeting Room",
            surface=20,
            description="Art nouveau meeting room",
            minPerson=2,
            maxPerson=6,
            nbSeat=6,
            minDurationBooking=30,
            maxDurationBooking=240,
            stepDurationBooking=30,
            slotWeek="08:30-18:30",
            pricePerHour=30,
            pricePerHalfDay=100,
            pricePerDay=180,
            publicDescriptionEn="An art nouveau room near Avenue Louise.",
            publicDescriptionFr="Une salle Art nouveau près de l'avenue Louise.",
        ),
        _room(
            R_BRU_OFFICE,
            S_BRUSSELS,
            "Bureau 3.02",
            "Louise Private Office",
            "publicOffice",
            surface=22,
            description="Office for 5",
            defaultState="forrent",
            actualState="forrent",
            maxPerson=5,
            nbSeat=5,
            configuration="office",
            pricePerMonth="1400",
            publicDescriptionEn="Office for 5 on the third floor.",
            publicDescriptionFr="Bureau pour 5 personnes au troisième étage.",
        ),
        _room(
            R_BRU_PRIVATE,
            S_BRUSSELS,
            "Salle Magritte",
            "Magritte Board Room",
            "privateMeeting",
            surface=30,
            description="Members-only board room",
            minPerson=2,
            maxPerson=10,
            nbSeat=10,
            configuration="boardroom",
            minDurationBooking=60,
            maxDurationBooking=480,
            stepDurationBooking=30,
            slotWeek="08:00-20:00",
            pricePerHour=50,
            pricePerHalfDay=170,
            pricePerDay=300,
        ),
        _meeting_room(
            R_PAR_A,
            S_PARIS,
            "Salle Voltaire",
            "Voltaire Meeting Room",
            surface=18,
            description="Meeting room with screen",
            minPerson=2,
            maxPerson=6,
            nbSeat=6,
            minDurationBooking=60,
            maxDurationBooking=480,
            stepDurationBooking=60,
            slotWeek="09:00-19:00",
            slotSaturday="10:00-16:00",
            pricePerHour=40,
            pricePerHalfDay=140,
            pricePerDay=250,
            publicDescriptionEn="A cosy room a few steps from Place de la Bastille.",
            publicDescriptionFr="Une salle chaleureuse à deux pas de la place de la Bastille.",
        ),
        _room(
            R_PAR_HOT,
            S_PARIS,
            "Open Space",
            "Bastille Coworking Desk",
            "publicOffice",
            description="Flexible desk",
            configuration="open-space",
            minDurationBooking=120,
            maxDurationBooking=600,
            stepDurationBooking=60,
            slotWeek="08:00-20:00",
            pricePerHour=6,
            pricePerHalfDay=18,
            pricePerDay=30,
            pricePerMonth="290",
            publicDescriptionEn="A flexible desk in the Bastille open space.",
            publicDescriptionFr="Un poste flexible dans l'open space de Bastille.",
        ),
        _room(
            R_PAR_CLEAN,
            S_PARIS,
            "Salle Daumier",
            "Daumier Room",
            "meeting",
            surface=12,
            description="Small meeting room (being cleaned)",
            defaultState="toclean",
            actualState="toclean",
            maxPerson=4,
            nbSeat=4,
            pricePerHour=25,
        ),
        _room(
            R_PAR_ACCESS,
            S_PARIS,
            "Parking Access",
            "Parking Access",
            "privateAccess",
            description="Car park access",
            defaultState="rented",
            actualState="rented",
        ),
        _meeting_room(
            R_LYO_A,
            S_LYON,
            "Salle Bellecour",
            "Bellecour Meeting Room",
            surface=15,
            description="Small meeting room",
            minPerson=1,
            maxPerson=5,
            nbSeat=5,
            minDurationBooking=30,
            maxDurationBooking=300,
            stepDurationBooking=15,
            slotWeek="08:00-18:00",
            pricePerHour=25,
            pricePerHalfDay=90,
            pricePerDay=160,
        ),
        _room(
            R_LYO_OFFICE,
            S_LYON,
            "Bureau A12",
            "Part-Dieu Office",
            "publicOffice",
            surface=-1,
            description="Office for 2",
            defaultState="forrent",
            actualState="forrent",
            maxPerson=2,
            nbSeat=2,
            configuration="office",
            pricePerMonth="900",
        ),
    ]

    def org(_id, name, **extra):
        base = {
            "_id": _id,
            "name": name,
            "description": None,
            "language": "en",
            "isArchived": False,
            "memberOf": [],
            "maxResidentUsers": 1,
            "isMember": True,
            "contractStartDate": None,
            "contractEndDate": None,
            "renewalMonths": None,
            "basePrice": None,
            "lastAccessDate": None,
            "accountType": "customer",
            "billingName": None,
            "billingEmail": None,
            "billingAddress": None,
            "vatNumber": None,
            "companyNumber": None,
            "contactName": None,
            "contactPhone": None,
            "updatedAt": "2025-01-15",
            "contractOptions": [],
            "nextOptionId": 1,
            "rentalComment": "",
            "rentalUrl": "",
            "country": None,
        }
        base.update(extra)
        return base

    organizations = [
        org(
            O_ACME,
            "Acme Corp",
            description="Technology solutions company",
            memberOf=[S_DUBLIN],
            maxResidentUsers=10,
            contractStartDate="2024-01-01",
            contractEndDate=contract_end,
            renewalMonths=12,
            basePrice=1500,
            lastAccessDate=(today - d(days=1)).isoformat(),
            billingName="Acme Corp Ltd",
            billingEmail="accounts@acme-corp.ie",
            billingAddress="1 Grand Canal Square, Dublin 2",
            vatNumber="IE1234567T",
            companyNumber="654321",
            contactName="Sarah Murphy",
            contactPhone="+353 1 555 0101",
            country="IE",
            nextOptionId=2,
            contractOptions=[
                {
                    "id": 1,
                    "optionModelId": oid(f"rate:{S_DUBLIN}:parking"),
                    "name": "Place de parking",
                    "key": "parking",
                    "quantity": 2,
                    "price": 150,
                    "pricePromo": None,
                    "startDate": "2024-01-01",
                    "endDate": "",
                }
            ],
        ),
        org(
            O_BETA,
            "Beta Industries",
            language="nl",
            memberOf=[S_BRUSSELS],
            maxResidentUsers=5,
            contractStartDate="2024-06-01",
            basePrice=800,
            billingName="Beta Industries SRL",
            billingEmail="finance@beta-industries.be",
            billingAddress="Rue de la Loi 45, 1040 Brussels",
            vatNumber="BE0123456789",
            companyNumber="0123.456.789",
            contactName="Luc Peeters",
            contactPhone="+32 2 123 45 67",
            country="BE",
        ),
        org(
            O_GAMMA,
            "Gamma Conseil",
            language="fr",
            memberOf=[S_PARIS, S_LYON],
            maxResidentUsers=3,
            contractStartDate="2024-09-01",
            billingName="Gamma Conseil SAS",
            country="FR",
            billingEmail="compta@gamma-conseil.fr",
            companyNumber="85234567800017",
            contactName="Camille Bernard",
            contactPhone="+33 1 23 45 67 89",
        ),
        org(
            O_OLDCO,
            "OldCo SPRL",
            isArchived=True,
            language="fr",
            memberOf=[S_BRUSSELS],
            isMember=False,
            contractStartDate="2021-01-01",
            contractEndDate="2023-12-31",
            country="BE",
        ),
        org(
            O_PARTNER,
            "Portal Partner Ltd",
            memberOf=[S_DUBLIN],
            isMember=False,
            accountType="test",
            country="IE",
        ),
    ]

    def user(_id, first, last, email, org_id, **extra):
        base = {
            "_id": _id,
            "firstName": first,
            "lastName": last,
            "email": email,
            "title": None,
            "language": "en",
            "phone": None,
            "mobilePhone": None,
            "role": "user",
            "newsOptin": False,
            "mailValid": True,
            "isArchived": False,
            "organizationId": org_id,
            "updatedAt": "2025-01-10",
        }
        base.update(extra)
        return base

    users = [
        user(
            U_SARAH,
            "Sarah",
            "Murphy",
            KNOWN_MEMBER_EMAIL,
            O_ACME,
            role="principal-admin",
            title="Operations Manager",
            phone="+353 1 555 0101",
            mobilePhone="+353 87 555 0101",
            newsOptin=True,
            updatedAt="2025-01-15",
        ),
        user(U_LIAM, "Liam", "Byrne", "liam.byrne@acme-corp.ie", O_ACME),
        user(
            U_LUC,
            "Luc",
            "Peeters",
            "luc.peeters@beta-industries.be",
            O_BETA,
            role="principal-admin",
            language="nl",
        ),
        user(
            U_CAMILLE,
            "Camille",
            "Bernard",
            "camille.bernard@gamma-conseil.fr",
            O_GAMMA,
            role="principal-admin",
            language="fr",
            title="Directrice",
            newsOptin=True,
        ),
        user(
            U_MARC,
            "Marc",
            "Dubois",
            ARCHIVED_MEMBER_EMAIL,
            O_OLDCO,
            role="principal-admin",
            language="fr",
        ),
        user(U_NIAMH, "Niamh", "Kelly", ARCHIVED_USER_EMAIL, O_ACME, isArchived=True),
        user(U_DEV, "Dev", "Integrator", "dev@portal-partner.example", O_PARTNER, role="admin"),
        user(U_TOM, "Tom", "", "tom.walsh@example.org", None, role="temp", mailValid=False),
    ]

    tokens = [
        {
            "_id": oid(f"token:{label}"),
            "name": name,
            "hash": token_hash(tok),
            "prefix": tok[:11],
            "userId": owner,
            "isActive": active,
            "createdAt": "2025-01-02T09:00:00Z",
        }
        for label, name, tok, owner, active in [
            ("dev", "Portal sandbox", DEV_TOKEN, U_DEV, True),
            ("inactive", "Revoked by admin", INACTIVE_TOKEN, U_DEV, False),
            ("archived-account", "OldCo integration", ARCHIVED_ACCOUNT_TOKEN, U_MARC, True),
            ("archived-user", "Former employee", ARCHIVED_USER_TOKEN, U_NIAMH, True),
        ]
    ]

    tuesday_last_week = monday - d(days=6)
    thursday_last_week = monday - d(days=4)
    standup = _meeting(
        "dub-standup",
        R_DUB_A,
        S_DUBLIN,
        tuesday_last_week,
        "09:00",
        "10:00",
        "Team Stand-up",
        U_SARAH,
        O_ACME,
        KNOWN_MEMBER_EMAIL,
        description="Weekly team sync",
        rrule="FREQ=WEEKLY;COUNT=12",
    )
    # one occurrence (in two weeks) is cancelled: EXDATE
    skipped = dt.datetime.fromisoformat(standup["start"]) + d(weeks=3)
    standup["exdates"] = [_utc(skipped)]
    until = _at(thursday_last_week + d(weeks=7), "23:59", "Europe/Paris")
    meetings = [
        standup,
        _meeting(
            "dub-workshop",
            R_DUB_A,
            S_DUBLIN,
            today + d(days=1),
            "10:00",
            "11:00",
            "Client workshop",
            U_SARAH,
            O_ACME,
            KNOWN_MEMBER_EMAIL,
        ),
        _meeting(
            "dub-board",
            R_DUB_B,
            S_DUBLIN,
            today + d(days=2),
            "13:00",
            "15:00",
            "Board meeting",
            U_LIAM,
            O_ACME,
            "liam.byrne@acme-corp.ie",
        ),
        _meeting(
            "bru-seminar",
            R_BRU_A,
            S_BRUSSELS,
            today + d(days=3),
            "00:00",
            "00:00",
            "Séminaire Beta",
            U_LUC,
            O_BETA,
            "luc.peeters@beta-industries.be",
            allDay=True,
            date=(today + d(days=3)).isoformat(),
            description="Salle réservée toute la journée",
        ),
        _meeting(
            "bru-review",
            R_BRU_A,
            S_BRUSSELS,
            today + d(days=2),
            "14:00",
            "16:00",
            "Quarterly Review",
            U_LUC,
            O_BETA,
            "luc.peeters@beta-industries.be",
        ),
        _meeting(
            "bru-private",
            R_BRU_PRIVATE,
            S_BRUSSELS,
            today + d(days=1),
            "09:00",
            "12:00",
            "Members breakfast",
            U_LUC,
            O_BETA,
            "luc.peeters@beta-industries.be",
        ),
        _meeting(
            "par-weekly",
            R_PAR_A,
            S_PARIS,
            thursday_last_week,
            "16:00",
            "17:00",
            "Point hebdo",
            U_CAMILLE,
            O_GAMMA,
            "camille.bernard@gamma-conseil.fr",
            rrule="FREQ=WEEKLY;UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ"),
        ),
        _meeting(
            "par-client",
            R_PAR_A,
            S_PARIS,
            today + d(days=5),
            "11:00",
            "12:30",
            "Rendez-vous client",
            U_CAMILLE,
            O_GAMMA,
            "camille.bernard@gamma-conseil.fr",
        ),
        _meeting(
            "lyo-training",
            R_LYO_A,
            S_LYON,
            today + d(days=1),
            "14:00",
            "15:00",
            "Formation",
            U_CAMILLE,
            O_GAMMA,
            "camille.bernard@gamma-conseil.fr",
        ),
        _meeting(
            "par-pending",
            R_PAR_A,
            S_PARIS,
            today + d(days=10),
            "10:00",
            "11:00",
            "Discovery meeting",
            U_TOM,
            None,
            "tom.walsh@example.org",
            status="pending",
        ),
    ]

    rates = (
        _rates(
            S_DUBLIN,
            ["parking", "bike_garage", "tv_rental", "service_by_month", "meeting_room_package"],
        )
        + _rates(S_BRUSSELS, ["parking", "tv_rental", "service_by_month", "cleaning_service"])
        + _rates(S_PARIS, ["bike_garage", "tv_rental", "fridge_rental", "service_by_month"])
        + _rates(S_LYON, ["parking", "tv_rental"])
    )

    return {
        "sites": sites,
        "rooms": rooms,
        "organizations": organizations,
        "users": users,
        "tokens": tokens,
        "meetings": meetings,
        "rates": rates,
        "nextId": 1,
    }
