"""The re-check with a real worker and the sandbox on a socket: a Zentry reservation the
space moves, then cancels (through Zentry's own API and the sandbox's control), shows on
the member's page, in the email and in the .ics (same UID, higher SEQUENCE) after one
re-check each."""

from __future__ import annotations

import datetime as dt
import re
import time
from email import message_from_bytes

import httpx
import pytest
import vobject
from icalendar import Calendar

from bookings import tasks
from bookings.models import Booking, Status
from sandbox import zentry_seed as zseed
from tests.providers.vendors.zentry.test_zentry_booking import book_room, weekday_ahead

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def wait_for(predicate, timeout=90, step=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def mails(worker) -> list:
    # in the order they were written: the file backend names files by the second and an
    # object id, so two emails of one second do not sort by name in the order sent
    files = sorted(worker.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(p.read_bytes()) for p in files]


def ics_of(message) -> str:
    [ics] = [
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]
    return ics


def field(ics: str, name: str) -> str:
    match = re.search(rf"^{name}[;:](.*)$", ics.replace("\r\n ", ""), re.MULTILINE)
    assert match, f"{name} not in {ics}"
    return match.group(1).strip()


@pytest.fixture
def short_recheck(monkeypatch):
    monkeypatch.setenv("BOOKING_RECHECK_SECONDS", "1")  # read by the worker at start


def test_a_zentry_reservation_moved_then_cancelled_by_the_space(
    short_recheck, catalogue, sandbox_live, worker, member, client
):
    [account] = [a for a in catalogue if a.kind == "zentry"]
    booking = book_room(member, account, zseed.NY_CONFERENCE_ROOM_ID, weekday_ahead(6), 14)
    confirmed = wait_for(
        lambda: Booking.objects.filter(pk=booking.pk, status=Status.CONFIRMED).first()
    )
    assert confirmed, worker.log.read_text()[-3000:]
    reference = confirmed.provider_reference
    assert wait_for(lambda: len(mails(worker)) == 1)  # the confirmation
    first = ics_of(mails(worker)[0])
    uid, sequence = field(first, "UID"), int(field(first, "SEQUENCE"))
    assert str(confirmed.uid) in uid

    # the space moves it two hours later (the sandbox's stand-in for Zentry's admin)
    new_start = confirmed.start + dt.timedelta(hours=2)
    with httpx.Client(base_url=sandbox_live.base_url) as http:
        moved = http.post(
            f"/_sandbox/zentry/reservations/{reference}/move",
            json={
                "reservationDate": new_start.isoformat(),
                "reservationEndDate": (new_start + dt.timedelta(hours=1)).isoformat(),
            },
        )
    assert moved.status_code == 200, moved.text
    tasks.recheck_upcoming.delay()  # what beat sends every minute
    assert wait_for(lambda: Booking.objects.get(pk=booking.pk).start == new_start), (
        worker.log.read_text()[-3000:]
    )
    assert wait_for(lambda: len(mails(worker)) == 2)
    ics = ics_of(mails(worker)[1])
    assert field(ics, "UID") == uid
    assert int(field(ics, "SEQUENCE")) > sequence
    assert field(ics, "DTSTART").endswith(new_start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ"))
    client.force_login(member)
    events = Booking.objects.get(pk=booking.pk).events.values_list("reason", flat=True)
    assert any("changed at the provider: new time" in reason for reason in events)
    after_move = Booking.objects.get(pk=booking.pk).sequence

    # the space cancels it at Zentry (doc: DELETE /Reservation)
    with httpx.Client(base_url=sandbox_live.base_url) as http:
        gone = http.request(
            "DELETE",
            "/zentry/checkins/Reservation",
            json={"reservationId": reference},
            headers={"Api-Key": zseed.API_KEY},
        )
    assert gone.status_code == 200, gone.text
    time.sleep(1.2)  # one BOOKING_RECHECK_SECONDS
    tasks.recheck_upcoming.delay()
    assert wait_for(
        lambda: Booking.objects.filter(pk=booking.pk, status=Status.CANCELLED_BY_PROVIDER).exists()
    ), worker.log.read_text()[-3000:]
    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Cancelled by the space" in page
    assert "The space cancelled this booking." in page
    ics = client.get(f"/bookings/{booking.pk}/event.ics").content.decode()
    assert field(ics, "UID") == uid
    assert field(ics, "STATUS") == "CANCELLED"
    assert int(field(ics, "SEQUENCE")) > after_move
    # ... and the member is told by email, with the cancelled event to update their calendar
    assert wait_for(lambda: len(mails(worker)) == 3), worker.log.read_text()[-3000:]
    told = mails(worker)[2]
    assert "Cancelled by the space" in str(told["Subject"])
    cancelled = ics_of(told)
    assert field(cancelled, "UID") == uid
    assert field(cancelled, "STATUS") == "CANCELLED"
    assert_one_invitation_updated_then_cancelled(mails(worker), member)


def assert_one_invitation_updated_then_cancelled(messages, member) -> None:
    """The confirmation, the move and the cancellation, as mail clients read them: one
    invitation (icalendar and vobject agree) from the portal to the member, updated by
    the same UID with a rising SEQUENCE, then cancelled."""
    seen = []
    for message in messages:
        assert message.get_content_type() == "multipart/mixed"
        alternative, attachment = message.get_payload()
        inline = alternative.get_payload()[-1]
        assert inline.get_content_type() == "text/calendar"
        assert attachment.get_filename() == "invite.ics"
        ics = attachment.get_payload(decode=True)
        assert inline.get_payload(decode=True).replace(b"\r\n", b"\n") == ics.replace(
            b"\r\n", b"\n"
        )
        (event,) = Calendar.from_ical(ics).walk("VEVENT")
        other = vobject.readOne(ics.decode())
        assert inline.get_param("method") == other.method.value
        assert other.vevent.uid.value == str(event["UID"])
        assert int(other.vevent.sequence.value) == int(event["SEQUENCE"])
        assert str(event["ATTENDEE"]) == other.vevent.attendee.value == f"mailto:{member.email}"
        assert str(event["ORGANIZER"]) == other.vevent.organizer.value
        seen.append((other.method.value, str(event["UID"]), int(event["SEQUENCE"])))
    assert [method for method, _, _ in seen] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({uid for _, uid, _ in seen}) == 1
    sequences = [sequence for _, _, sequence in seen]
    assert sequences == sorted(set(sequences))
