"""Members. The profile fields are what providers ask for when a member books."""

from __future__ import annotations

import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings import reminders, rules


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


phone_validator = RegexValidator(
    r"^\+?[0-9 ().-]{6,20}$",
    _("Enter a phone number such as +33 1 23 45 67 89."),
)


class MemberQuerySet(models.QuerySet):
    """A bulk ``update()`` sends no signal: it tells ``portal.signed_in`` itself, so a
    signed-in member's kept row is not read again."""

    def update(self, **kwargs):
        from portal import signed_in

        pks = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        if count:
            signed_in.changed(pks)
        return count


class MemberManager(UserManager.from_queryset(MemberQuerySet)):  # type: ignore[misc]
    """Members log in with their email address; there is no separate user name."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None  # type: ignore[assignment]  # the email address is the login
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[phone_validator])
    company = models.CharField(_("company"), max_length=200, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Paris", validators=[validate_timezone]
    )
    # Prices are also shown in this currency, converted at staff's rates (approximate).
    display_currency = models.CharField(_("display currency"), max_length=3, default="EUR")
    # Reminder emails (and the invitation's alarms): minutes before each booking's start,
    # out of ``bookings.reminders.CHOICES``; empty: no reminders.
    reminder_offsets = models.JSONField(
        _("reminders"), default=reminders.default_offsets, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[MemberManager] = MemberManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.email

    @property
    def profile_complete(self) -> bool:
        """Providers need a name and a phone number to book (``bookings.rules``)."""
        return not rules.profile_missing(self)
