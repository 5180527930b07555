"""Place names as members type them: one normalized text per space for search.

``normalize`` lower-cases, strips accents and punctuation ("Bucureşti" -> "bucuresti",
"Cluj-Napoca" -> "cluj napoca"); search applies it to what the member types and matches
the result against ``Space.search_text``, which the catalogue sync writes with
``search_text``: the space's own words plus every other name of its country and city.

Where the other names come from:

* Countries and time-zone cities: the Unicode CLDR data shipped by Babel, in English,
  French (the portal's two languages) and each country's official languages ("Österreich"
  /"Austria"/"Autriche", "Wien"/"Vienna"/"Vienne", "București"/"Bucharest"/"Bucarest").
  Babel was picked over pycountry because one maintained source gives both: pycountry's
  ISO 3166 translations name countries only, while CLDR also names the exemplar city of
  every time zone in every language, which covers the capitals members ask for. It is a
  pure-Python wheel on PyPI whose data ships inside it (nothing fetched at run time).
* ``ALIASES``: the other names of the catalogue's cities that are not time-zone cities
  (what the sandbox seeds: Thia Bucharest, Cluj-Napoca, Timisoara; Workways Dublin,
  Brussels (Ixelles), Paris, Lyon; Zentry New York, Los Angeles, Chicago; 4Spaces Wien),
  and the short names CLDR lacks ("USA", "NYC").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# One set per place: every name a member may type for it (normalized when used). A text
# naming one of them gets all the others.
ALIASES: list[set[str]] = [
    {"bucuresti", "bucharest", "bucarest", "bukarest"},
    {"cluj napoca", "cluj", "klausenburg", "kolozsvar"},
    {"timisoara", "temesvar", "temeswar"},
    {"dublin", "baile atha cliath"},
    # Workways Brussels Louise's address is "1050 Ixelles", a commune of Brussels.
    {"bruxelles", "brussels", "brussel", "ixelles", "elsene"},
    {"lyon", "lyons"},
    {"wien", "vienna", "vienne"},
    {"new york", "nyc", "new york city"},
    {"united states", "usa", "etats unis", "united states of america"},
]

# Letters NFKD does not take apart.
_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "\u0131": "i"})
_NOT_WORD = re.compile(r"[^\w]+|_")


def normalize(text: str) -> str:
    """Lower case, accents and cedillas removed, punctuation as spaces, spaces collapsed:
    "Bucureşti" and "Bucuresti" (and "București", with a comma below) give one text."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", plain.translate(_LETTERS)).split())


def _contains(padded: str, name: str) -> bool:
    return f" {name} " in padded


def other_names(text: str) -> set[str]:
    """The other names of every place of ``ALIASES`` named in ``text`` (normalized)."""
    found: set[str] = set()
    padded = f" {normalize(text)} "
    for names in ALIASES:
        if any(_contains(padded, normalize(name)) for name in names):
            found |= {normalize(name) for name in names}
    return found


def _languages(territory: str) -> tuple[str, ...]:
    from babel.languages import get_official_languages

    return ("en", "fr", *get_official_languages(territory, de_facto=True))


def _locale(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return None


@lru_cache(maxsize=1024)
def country_name(code: str, language: str, fallback: str = "") -> str:
    """A country's name in ``language`` (CLDR, through babel) from its ISO 3166 code;
    ``fallback`` (the provider's word) for an unknown code or language."""
    locale = _locale((language or "en").replace("-", "_"))
    code = (code or "").upper()
    if locale is None or len(code) != 2:
        return fallback
    return locale.territories.get(code) or fallback


@lru_cache(maxsize=512)
def country_names(code: str) -> frozenset[str]:
    """A country's names (normalized) in English, French and its own languages, from its
    ISO 3166 code; empty for an unknown code."""
    code = (code or "").upper()
    if len(code) != 2 or not code.isalpha():
        return frozenset()
    names = set()
    for language in _languages(code):
        locale = _locale(language)
        if locale is not None and locale.territories.get(code):
            names.add(normalize(locale.territories[code]))
    return frozenset(names)


@lru_cache(maxsize=512)
def zone_city_names(zone: str) -> frozenset[str]:
    """The names (normalized) of a time zone's exemplar city ("Europe/Vienna": wien,
    vienna, vienne), in English, French and its country's languages."""
    from babel.core import get_global

    if "/" not in (zone or ""):
        return frozenset()
    names = {normalize(zone.rsplit("/", 1)[1].replace("_", " "))}
    territory = get_global("zone_territories").get(zone)
    for language in _languages(territory) if territory else ("en", "fr"):
        locale = _locale(language)
        city = locale.time_zones.get(zone, {}).get("city") if locale is not None else None
        if city:
            names.add(normalize(city))
    return frozenset(names)


def search_text(*parts: str, country_code: str = "", timezone: str = "") -> str:
    """What search matches for a space: its own words plus the other names of its places.

    ``parts`` are the space's name, city, country, address...; ``country_code`` adds the
    country's names; ``timezone`` adds its city's names when the space is in that city
    (a Cluj-Napoca space in Europe/Bucharest does not become a Bucharest one)."""
    own = normalize(" ".join(p for p in parts if p))
    padded = f" {own} "
    extra = other_names(own) | set(country_names(country_code))
    city = zone_city_names(timezone) if timezone else frozenset()
    if any(_contains(padded, name) for name in city):
        extra |= city
    for name in list(extra):  # a name met again through its aliases
        extra |= other_names(name)
    missing = sorted(name for name in extra if name and not _contains(padded, name))
    return " ".join([own, *missing]).strip()
