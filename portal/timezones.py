"""The time zones a member picks from: canonical Area/City zones only, named by their
city and country in the member's language and grouped by region.

``zoneinfo.available_timezones()`` is every file of the tz database: about 600 names,
among them "Factory", "localtime", "Etc/GMT+5", old aliases ("Asia/Calcutta" beside
"Asia/Kolkata") and "US/Pacific"-style links. CLDR (through babel, already used for place
names) says which names are aliases and which city and country each zone is.
"""

from __future__ import annotations

import functools
import zoneinfo

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# the tz database's regions, in the order the list shows them
REGIONS = {
    "Europe": _("Europe"),
    "America": _("Americas"),
    "Africa": _("Africa"),
    "Asia": _("Asia"),
    "Australia": _("Australia"),
    "Pacific": _("Pacific"),
    "Atlantic": _("Atlantic Ocean"),
    "Indian": _("Indian Ocean"),
    "Antarctica": _("Antarctica"),
}


@functools.cache
def canonical_zones() -> tuple[str, ...]:
    """Every zone a member can live in: Area/City, not an alias of another."""
    aliases = get_global("zone_aliases")
    return tuple(
        sorted(
            zone
            for zone in zoneinfo.available_timezones()
            if zone.split("/")[0] in REGIONS and "/" in zone and zone not in aliases
        )
    )


@functools.cache
def _choices(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    locale = Locale.parse(translation.to_locale(language or "en"))
    territories = get_global("zone_territories")
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for zone in canonical_zones():
        city = get_timezone_location(zone, locale=locale, return_city=True)
        country = locale.territories.get(territories.get(zone, ""), "")
        label = f"{city} ({country})" if country and country != city else city
        groups[zone.split("/")[0]].append((zone, label))
    with translation.override(language):
        return [
            (str(REGIONS[region]), sorted(zones, key=lambda choice: choice[1]))
            for region, zones in groups.items()
            if zones
        ]


def timezone_choices(current: str = "") -> list:
    """Grouped choices in the active language; UTC first, and ``current`` (a zone saved
    before, perhaps an alias) kept so the member's own setting is never refused."""
    choices: list = [("UTC", "UTC")]
    if current and current != "UTC" and current not in canonical_zones():
        choices.append((current, current.replace("_", " ")))
    return choices + _choices(translation.get_language() or "en")
