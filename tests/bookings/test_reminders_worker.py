"""Reminders with real Celery workers on the suite's broker and database: the beat task
finds nothing before the member's chosen time, the reminder arrives once when it is due,
and neither a worker restart nor scans and sends delivered again send it twice."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from django.utils import timezone

from bookings import tasks
from bookings.models import Booking, Kind, Reminder, Status
from tests.e2e.conftest import _worker_env
from tests.workers import celery_worker_args

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workers(tmp_path):
    """Starts real workers (one at a time here) that write emails to one folder."""
    from portal.celery import ensure_broker_folders

    ensure_broker_folders()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115 - with the process
        proc = subprocess.Popen(
            celery_worker_args(),
            cwd=ROOT,
            env=_worker_env(mail_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(proc)
        return proc

    def stop(proc: subprocess.Popen) -> None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    start.stop = stop  # type: ignore[attr-defined]
    start.mail_dir = mail_dir  # type: ignore[attr-defined]
    yield start
    for proc in started:
        if proc.poll() is None:
            stop(proc)


def mails(mail_dir: Path) -> list:
    return [message_from_bytes(p.read_bytes()) for p in sorted(mail_dir.glob("*.log"))]


def wait_for(predicate, timeout=60, step=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(step)
    return None


def test_a_reminder_arrives_once_at_its_time_across_a_worker_restart(workers, room, member):
    member.reminder_offsets = [60]
    member.save()
    now = timezone.now()
    booking = Booking.objects.create(
        member=member,
        kind=Kind.ROOM,
        space=room.space,
        resource=room,
        status=Status.CONFIRMED,
        start=now + dt.timedelta(hours=2),
        end=now + dt.timedelta(hours=3),
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=now - dt.timedelta(days=3))
    first = workers()

    # two hours ahead: the one-hour reminder is not due, beat's scan queues nothing
    assert tasks.scan_reminders.delay().get(timeout=90) == 0

    # an hour later (the booking is brought forward instead of waiting): due now
    soon = timezone.now() + dt.timedelta(minutes=59)
    Booking.objects.filter(pk=booking.pk).update(start=soon, end=soon + dt.timedelta(hours=1))
    assert tasks.scan_reminders.delay().get(timeout=60) == 1
    assert wait_for(lambda: len(mails(workers.mail_dir)) == 1)
    assert wait_for(lambda: Reminder.objects.filter(sent_at__isnull=False).exists())

    # the worker restarts; beat scans again and a send is delivered again: nothing more
    workers.stop(first)
    workers()
    assert tasks.scan_reminders.delay().get(timeout=90) == 0
    assert tasks.scan_reminders.delay().get(timeout=60) == 0
    assert tasks.send_reminder.delay(booking.pk, 60).get(timeout=60) == "claimed already"
    (reminder,) = mails(workers.mail_dir)
    assert reminder["To"] == member.email
    assert reminder["Subject"] == f"Reminder: {room.name} at {room.space.name}"
    assert Reminder.objects.get().minutes == 60
