"""Benchmark: building a member's calendar feed of 1 000 bookings.

Baseline in the same run: icalendar building 1 000 bare events (UID, times, summary).
Reported as a ratio, plus the feed's size.

Run: ``.venv/bin/python bench/bench_member_feed.py``
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from django.core.management import call_command
from icalendar import Calendar, Event

from bench import harness  # sets up Django first
from bookings import calendars
from bookings.models import Booking, Status
from portal.models import User
from providers import services
from providers.adapters.types import Catalogue, ResourceData, SpaceData
from providers.models import ProviderAccount, Resource

N = 1000


def setup() -> tuple[User, list[Booking]]:
    call_command("migrate", verbosity=0, interactive=False)
    account = ProviderAccount.objects.create(kind="workways", name="bench", config={})
    space = SpaceData(
        external_id="s",
        name="Bench Space",
        timezone="Europe/Dublin",
        city="Dublin",
        address="1 Quay",
        resources=[ResourceData("r", "Room", "meeting_room", capacity=8)],
    )
    services.apply_catalogue(account, Catalogue(spaces=[space]))
    room = Resource.objects.get()
    member = User.objects.create_user(email="bench@example.com", password="x" * 12)
    start = dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)
    Booking.objects.bulk_create(
        Booking(
            member=member,
            kind="room",
            space=room.space,
            resource=room,
            status=Status.CANCELLED if i % 10 == 0 else Status.CONFIRMED,
            start=start + dt.timedelta(hours=i),
            end=start + dt.timedelta(hours=i + 1),
            title=f"Meeting {i}, with; escapes",
            access_code=f"{i:06d}",
        )
        for i in range(N)
    )
    bookings = list(Booking.objects.select_related("space", "resource", "offer"))
    return member, bookings


def baseline(bookings: list[Booking]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//bench//")
    cal.add("version", "2.0")
    for b in bookings:
        event = Event()
        event.add("uid", str(b.uid))
        event.add("dtstamp", b.updated_at)
        event.add("dtstart", b.start)
        event.add("dtend", b.end)
        event.add("summary", b.title)
        cal.add_component(event)
    return cal.to_ical()


def main() -> None:
    member, bookings = setup()
    base = harness.timed(lambda: baseline(bookings), 5)
    feed = harness.timed(lambda: calendars.member_feed(member, bookings), 5)
    body = calendars.member_feed(member, bookings)
    ratio = sorted(feed)[2] / sorted(base)[2]
    assert len(calendars.cached_member_feed(member)[0]) == len(body)  # the view, warmed
    warm = harness.timed(lambda: calendars.cached_member_feed(member), 20)
    print(f"bookings: {len(bookings)}; feed size {len(body) / 1024:.0f} KiB")
    print(f"baseline (bare icalendar events): {harness.summary(base)}")
    print(f"member feed, rendered            : {harness.summary(feed)}")
    print(f"member feed, as the view (warm)  : {harness.summary(warm)}")
    print(f"rendered / baseline (median): {ratio:.2f}x")


if __name__ == "__main__":
    main()
