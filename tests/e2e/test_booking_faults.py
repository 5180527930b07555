"""Provider faults during submission, with a real worker and the sandbox on a socket.

* timeouts, 5xx and 429 while a booking is sent: it completes once the provider
  recovers, and the provider holds exactly one booking;
* a worker killed while the provider is answering: after a restart the booking is
  reconciled, not sent again — exactly one booking at the provider.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import time

import pytest

from bookings import availability, services
from bookings.models import Booking, Status
from bookings.services import submission
from providers.models import Resource
from tests.e2e.conftest import ROOT, _worker_env
from tests.workers import celery_worker_args

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def thia_codes(sandbox, email):
    state = sandbox.store.data["providers"]["thia"]
    ids = {c["id"] for c in state["customers"] if c["email"].lower() == email.lower()}
    return [c for c in state["access_codes"] if c["customer_id"] in ids]


def free_room_slot():
    room = (
        Resource.objects.select_related("space__account")
        .filter(space__account__kind="thia", kind="meeting_room", active=True)
        .first()
    )
    today = availability.local_today_for(room.space.timezone)
    for offset in range(1, 10):
        answer = availability.resource_day(room, today + dt.timedelta(days=offset))
        free = [s for s in answer.slots if s.available]
        if free:
            return room, free[0].start, free[0].end
    pytest.fail("no free Thia slot in the next days")


def wait_for(predicate, timeout=90, step=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


@pytest.fixture
def fast_worker_env(monkeypatch):
    monkeypatch.setenv("PROVIDER_HTTP_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("BOOKING_STALE_SUBMISSION_SECONDS", "10")


@pytest.mark.parametrize(
    "fault",
    [
        {"error_rate": 1.0},
        {"rate_limit_rate": 1.0, "retry_after": 1},
        {"hang_rate": 1.0, "hang_seconds": 4},
    ],
    ids=["5xx", "429", "timeout"],
)
def test_a_booking_sent_during_a_provider_fault_completes_once_after_recovery(
    fast_worker_env,
    catalogue,
    sandbox_live,
    member,
    fault,
    django_capture_on_commit_callbacks,
    request,
):
    worker = request.getfixturevalue("worker")
    room, start, end = free_room_slot()
    sandbox_live.apply_faults({"thia": fault})
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create_room(member=member, resource=room, start=start, end=end)
    assert wait_for(lambda: Booking.objects.get(pk=booking.pk).submit_attempts >= 2, timeout=60), (
        worker.log.read_text()[-3000:]
    )
    assert Booking.objects.get(pk=booking.pk).status in (Status.PENDING, Status.SUBMITTING)
    sandbox_live.faults.clear()
    done = wait_for(
        lambda: Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED, timeout=90
    )
    assert done, worker.log.read_text()[-3000:]
    assert len(thia_codes(sandbox_live, member.email)) == 1
    booking.refresh_from_db()
    assert booking.access_code and booking.provider_reference


def test_a_worker_killed_while_the_provider_answers_books_exactly_once(
    fast_worker_env,
    catalogue,
    sandbox_live,
    member,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    env = _worker_env(tmp_path)

    def start_worker(name):
        return subprocess.Popen(
            celery_worker_args(concurrency=2, extra=("-n", f"{name}@%h")),
            cwd=ROOT,
            env=env,
            stdout=open(tmp_path / f"{name}.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    room, start, end = free_room_slot()
    # Thia carries the booking out, then holds its answer back for 30 s
    sandbox_live.apply_faults({"thia": {"slow_answer_ms": 30000}})
    first = start_worker("first")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            booking = services.booking_create_room(
                member=member, resource=room, start=start, end=end
            )
        assert wait_for(lambda: thia_codes(sandbox_live, member.email), timeout=60), (
            tmp_path / "first.log"
        ).read_text()[-3000:]
        assert Booking.objects.get(pk=booking.pk).status == Status.SUBMITTING
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker dies mid-submission
        first.wait(10)
    sandbox_live.faults.clear()

    monkeypatch.setattr(submission, "STALE_SUBMISSION", dt.timedelta(seconds=10))
    second = start_worker("second")
    try:
        # the periodic sweep finds the orphan once it is stale and sends it again
        assert wait_for(lambda: services.sweep() > 0, timeout=40, step=1)
        done = wait_for(
            lambda: Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED, timeout=60
        )
        assert done, (tmp_path / "second.log").read_text()[-3000:]
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)
    codes = thia_codes(sandbox_live, member.email)
    assert len(codes) == 1  # reconciled, not booked twice
    booking.refresh_from_db()
    assert booking.provider_reference == codes[0]["id"]
    reasons = list(booking.events.values_list("reason", flat=True))
    assert "reclaimed after an interrupted submission" in reasons
