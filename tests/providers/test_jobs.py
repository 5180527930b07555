"""providers.jobs.enqueue: sent after commit; a broker that is down never raises."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from providers import jobs

pytestmark = pytest.mark.django_db


class FakeTask:
    name = "tests.fake"

    def __init__(self, down: bool = False):
        self.down = down
        self.sent: list[tuple] = []

    def delay(self, *args, **kwargs):
        if self.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1. Connection refused.")
        self.sent.append((args, kwargs))


def test_a_task_is_sent_only_once_the_transaction_commits(django_capture_on_commit_callbacks):
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        jobs.enqueue(task, 7, "x", flag=True)
        assert task.sent == []  # not before the commit
    assert len(callbacks) == 1
    assert task.sent == [((7, "x"), {"flag": True})]


def test_nothing_is_sent_for_a_transaction_that_rolls_back(django_capture_on_commit_callbacks):
    task = FakeTask()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                jobs.enqueue(task, 1)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == [] and task.sent == []


def test_on_commit_false_sends_at_once():
    task = FakeTask()
    jobs.enqueue(task, 3, on_commit=False)
    assert task.sent == [((3,), {})]


def test_a_broker_that_is_down_is_logged_not_raised(caplog, django_capture_on_commit_callbacks):
    task = FakeTask(down=True)
    with caplog.at_level(logging.WARNING, logger="providers.jobs"):
        with django_capture_on_commit_callbacks(execute=True):
            jobs.enqueue(task, 42)
        jobs.enqueue(task, 43, on_commit=False)
    assert "broker unreachable: tests.fake(42,)" in caplog.text
    assert "left for the periodic job" in caplog.text


def test_the_fallback_runs_when_the_broker_is_down():
    done = []
    jobs.enqueue(FakeTask(down=True), 5, on_commit=False, fallback=lambda: done.append(5))
    jobs.enqueue(FakeTask(), 6, on_commit=False, fallback=lambda: done.append(6))
    assert done == [5]


def test_a_sync_whose_task_was_lost_is_restarted_by_the_beat(
    monkeypatch, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from providers import tasks
    from providers.models import SyncRun
    from tests.providers import factories

    monkeypatch.setattr(tasks.sync_provider, "delay", FakeTask(down=True).delay)
    account = factories.account()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sync_due_accounts() == 1  # queued, but the broker is down
    lost = SyncRun.objects.get()
    assert lost.status == SyncRun.Status.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sync_due_accounts() == 0  # not started twice while it may still run

    SyncRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    sent = FakeTask()
    monkeypatch.setattr(tasks.sync_provider, "delay", sent.delay)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sync_due_accounts() == 1
    lost.refresh_from_db()
    assert lost.status == SyncRun.Status.FAILED
    new = SyncRun.objects.exclude(pk=lost.pk).get()
    assert sent.sent == [((account.pk, new.pk), {})]
