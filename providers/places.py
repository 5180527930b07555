"""Place names as members type them: one normalized text per space for search.

``normalize`` lower-cases and strips accents ("Bucureşti" -> "bucuresti"); ``ALIASES``
adds the other names of a city or country, so "Vienna" finds "Wien" and "Bucarest" finds
"Bucharest". ``search_text`` is what the catalogue sync stores in ``Space.search_text``.
"""

from __future__ import annotations

import unicodedata

# One set per place: every name a member may type for it (normalized when used).
ALIASES: list[set[str]] = [
    {"wien", "vienna", "vienne"},
    {"bucuresti", "bucharest", "bucarest", "bukarest"},
    {"dublin", "baile atha cliath"},
    {"bruxelles", "brussels", "brussel"},
    {"lyon", "lyons"},
    {"new york", "nyc", "new york city"},
    {"osterreich", "austria", "autriche"},
    {"romania", "roumanie", "rumanien"},
    {"ireland", "irlande", "eire"},
    {"belgique", "belgium", "belgie"},
    {"france", "frankreich"},
    {"united states", "usa", "etats-unis", "united states of america"},
]


def normalize(text: str) -> str:
    """Lower case, accents and cedillas removed, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def other_names(text: str) -> set[str]:
    """The other names of every place named in ``text`` (normalized)."""
    found: set[str] = set()
    padded = f" {normalize(text)} "
    for names in ALIASES:
        if any(f" {name} " in padded for name in names):
            found |= names
    return found


def search_text(*parts: str) -> str:
    """What search matches for a space: its own words plus its places' other names."""
    own = normalize(" ".join(p for p in parts if p))
    extra = " ".join(sorted(other_names(own) - {own}))
    return f"{own} {extra}".strip()
