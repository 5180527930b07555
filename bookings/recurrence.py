"""Recurring bookings: when each occurrence of a series falls. Pure functions, no I/O.

A series is a local wall-clock time ("Thursday 14:00-16:00") repeated daily, weekly or
every two weeks in the space's time zone, until a last day, at most ``MAX_OCCURRENCES``
times. The dates are stepped by ``dateutil.rrule`` on naive local times and each one is
then placed in the zone, so 14:00 in Vienna stays 14:00 across a daylight-saving change
(the UTC instant moves by an hour instead). A local start that does not exist on its day
(inside the hour the clocks skip) is left out: it would be another time of day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

from dateutil import rrule
from django.utils.translation import gettext as _

# The most occurrences one series books (a year of weekly meetings).
MAX_OCCURRENCES = 52

NEVER, DAILY, WEEKLY, BIWEEKLY = "never", "daily", "weekly", "biweekly"

# what the booking form's "Repeat" offers -> (rrule frequency, interval)
REPEATS: dict[str, tuple[int, int]] = {
    DAILY: (rrule.DAILY, 1),
    WEEKLY: (rrule.WEEKLY, 1),
    BIWEEKLY: (rrule.WEEKLY, 2),
}


@dataclasses.dataclass(frozen=True)
class Rule:
    """A series' rule: its first local start, its length, how it repeats, until when."""

    first_start: dt.datetime  # aware, in the space's zone
    minutes: int
    repeat: str  # DAILY, WEEKLY or BIWEEKLY
    until: dt.date  # the last local day an occurrence may start on (inclusive)
    timezone: str
    count: int = MAX_OCCURRENCES

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_start(self) -> dt.datetime:
        return self.first_start.astimezone(self.zone)


@dataclasses.dataclass(frozen=True)
class Occurrence:
    start: dt.datetime  # aware, in the space's zone
    end: dt.datetime

    @property
    def day(self) -> dt.date:
        return self.start.date()


def rule_refusal(rule: Rule, today: dt.date, max_days_ahead: int) -> str | None:
    """Why this rule makes no series, for the member to read; None: it does."""
    if rule.repeat not in REPEATS:
        return _("Choose daily, weekly or every two weeks.")
    first_day = rule.local_start.date()
    if rule.until < first_day:
        return _("The series must end on or after its first day (%(day)s).") % {
            "day": first_day.isoformat()
        }
    if rule.until > today + dt.timedelta(days=max_days_ahead):
        return _("A series can run at most a year ahead.")
    if not 1 <= rule.count <= MAX_OCCURRENCES:
        return _("A series has between 1 and %(n)s occurrences.") % {"n": MAX_OCCURRENCES}
    return None


def _exists(local: dt.datetime) -> bool:
    """Whether this aware local time is a real one (not inside a skipped hour)."""
    back = local.astimezone(dt.UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def occurrences(rule: Rule) -> list[Occurrence]:
    """Every occurrence of ``rule`` in order, at most ``rule.count`` (and never more than
    ``MAX_OCCURRENCES``): each starts at the first start's local wall-clock time on its
    day and lasts until the same local end time (the end's wall clock, not a fixed number
    of hours: a 14:00-16:00 meeting stays 14:00-16:00)."""
    frequency, interval = REPEATS[rule.repeat]
    zone = rule.zone
    first = rule.local_start.replace(tzinfo=None)
    wall_end = first + dt.timedelta(minutes=rule.minutes)
    end_days, end_time = (wall_end.date() - first.date()).days, wall_end.time()
    last = dt.datetime.combine(rule.until, dt.time.max)
    limit = min(rule.count, MAX_OCCURRENCES)
    found: list[Occurrence] = []
    # count bounds the walk too: a series never looks past its last possible date
    for naive in rrule.rrule(frequency, dtstart=first, interval=interval, until=last):
        start = naive.replace(tzinfo=zone)
        if not _exists(start):
            continue
        end_day = naive.date() + dt.timedelta(days=end_days)
        end = dt.datetime.combine(end_day, end_time, zone)
        if end <= start:  # the end falls in a skipped hour: keep the length instead
            end = start + dt.timedelta(minutes=rule.minutes)
        found.append(Occurrence(start, end))
        if len(found) >= limit:
            break
    return found


def capped(rule: Rule) -> bool:
    """Whether the series stops before its ``until`` because of its count."""
    every = occurrences(rule)
    if len(every) < min(rule.count, MAX_OCCURRENCES):
        return False
    frequency, interval = REPEATS[rule.repeat]
    after = every[-1].start.replace(tzinfo=None)
    following = rrule.rrule(frequency, dtstart=after, interval=interval, count=2)[1]
    return following.date() <= rule.until
