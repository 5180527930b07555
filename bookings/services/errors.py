"""Errors of the booking services: what a member is told, and the task's retry signal."""

from __future__ import annotations

from django.utils.translation import gettext as _


class BookingError(Exception):
    """Bad input or a rule broken: the message is for the member; the view answers 4xx."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class SlotTaken(BookingError):
    def __init__(self, message: str | None = None):
        super().__init__(
            message or _("Someone has just booked this time. Please pick another slot."),
            status=409,
        )


class Retry(Exception):
    """The task should try again in ``countdown`` seconds."""

    def __init__(self, countdown: float):
        super().__init__(countdown)
        self.countdown = countdown
