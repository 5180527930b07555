"""The waitlist with a real worker and the sandbox on a socket: a Zentry room someone else
booked at the provider is waited for; once it is cancelled there, one index refresh run
by the worker emails the member a link into the booking form, pre-filled; a second
refresh tells nobody twice."""

from __future__ import annotations

import datetime as dt
import time
from email import message_from_bytes
from urllib.parse import urlsplit

import httpx
import pytest
from django.utils import timezone

from bookings import index, tasks
from bookings.models import AvailabilityWindow, WaitlistEntry, WaitlistState, WindowState
from providers.models import Resource
from sandbox import zentry_seed as zseed
from tests.providers.vendors.zentry.test_zentry_booking import NEW_YORK, weekday_ahead

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HEADERS = {"Api-Key": zseed.API_KEY}


def wait_for(predicate, timeout=90, step=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def mails(worker) -> list:
    files = sorted(worker.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(p.read_bytes()) for p in files]


def covering(room: Resource, start: dt.datetime, end: dt.datetime) -> bool:
    """Whether the index says ``room`` is free for the whole of start-end."""
    return AvailabilityWindow.objects.filter(
        resource=room, state=WindowState.FREE, start__lte=start, end__gte=end
    ).exists()


def test_a_waitlisted_member_is_emailed_after_one_refresh_once_the_room_frees_up(
    catalogue, sandbox_live, worker, member, client
):
    [account] = [a for a in catalogue if a.kind == "zentry"]
    room = Resource.objects.select_related("space").get(
        space__account=account,
        external_id=zseed.NY_FOCUS_ROOM_ID,  # quantity 1
    )
    day = weekday_ahead(6)
    start = dt.datetime.combine(day, dt.time(14), NEW_YORK)
    end = start + dt.timedelta(hours=2)

    # someone else books it at Zentry directly (doc: POST /Reservation/create/room)
    with httpx.Client(base_url=sandbox_live.base_url, headers=HEADERS) as http:
        taken = http.post(
            "/zentry/checkins/Reservation/create/room",
            json={
                "userId": zseed.OTHER_USER_ID,
                "tenantId": zseed.TENANT_ID,
                "locationId": zseed.NY_LOCATION_ID,
                "roomId": zseed.NY_FOCUS_ROOM_ID,
                "reservationDate": start.isoformat(),
                "reservationEndDate": end.isoformat(),
                "numberOfGuests": 2,
            },
        )
    assert taken.status_code == 200, taken.text
    index.index_resource_days(room, [day], newer_than=timezone.now())
    assert not covering(room, start, end)  # the index knows it is taken

    # the member asks to be told (the page's form)
    client.force_login(member)
    joined = client.post(
        "/waitlist/new/",
        {
            "resource": room.pk,
            "date": day.isoformat(),
            "start": "14:00",
            "end": "16:00",
            "people": "2",
        },
    )
    assert joined.status_code == 302, joined.content.decode()[-2000:]
    entry = WaitlistEntry.objects.get(member=member)

    # the other booking is cancelled at Zentry (doc: DELETE /Reservation)
    with httpx.Client(base_url=sandbox_live.base_url, headers=HEADERS) as http:
        gone = http.request(
            "DELETE", "/zentry/checkins/Reservation", json={"reservationId": taken.json()["id"]}
        )
    assert gone.status_code == 200, gone.text
    assert mails(worker) == []

    # one refresh of the room's day, with facts read after the change, run by the worker
    tasks.index_item.delay("resource", room.pk, [day.isoformat()], timezone.now().isoformat())
    assert wait_for(lambda: mails(worker)), worker.log.read_text()[-3000:]
    [email] = mails(worker)
    assert email["To"] == member.email
    assert room.name in email["Subject"]
    body = email.get_payload(decode=True).decode()
    link = next(word for word in body.split() if "/book/?" in word)
    expected = f"/resources/{room.pk}/book/?start={day.isoformat()}T14%3A00&minutes=120"
    assert expected in link and "attendees=2" in link
    assert covering(room, start, end)
    entry.refresh_from_db()
    assert entry.state == WaitlistState.NOTIFIED

    # one click: the booking form, filled in with the freed time
    form = client.get(urlsplit(link).path + "?" + urlsplit(link).query)
    assert form.status_code == 200
    page = form.content.decode()
    assert f'value="{day.isoformat()}T14:00"' in page

    # the next refresh tells nobody twice
    tasks.index_item.delay("resource", room.pk, [day.isoformat()], timezone.now().isoformat())
    time.sleep(5)
    assert len(mails(worker)) == 1
