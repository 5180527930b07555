"""One amenity vocabulary across providers, so members filter on "Wi-Fi" once."""

from __future__ import annotations

import re

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# canonical name -> spellings seen at providers (compared after folding, see _fold)
VOCABULARY: dict[str, list[str]] = {
    "Wi-Fi": ["wifi", "wi fi", "wireless", "wireless internet", "internet", "high speed internet"],
    "Coffee": ["coffee", "coffee machine", "free coffee", "coffee and tea", "coffee tea"],
    "Printer": ["printer", "printing", "printer scanner", "print scan copy"],
    "Parking": ["parking", "car park", "free parking", "parking lot"],
    "Kitchen": ["kitchen", "kitchenette", "shared kitchen"],
    "Meeting rooms": ["meeting rooms", "meeting room", "conference room", "conference rooms"],
    "Air conditioning": ["air conditioning", "ac", "a c", "aircon", "climatisation"],
    "Projector": ["projector", "beamer", "video projector"],
    "Screen": ["screen", "tv screen", "display", "monitor", "tv"],
    "Whiteboard": ["whiteboard", "white board", "flipchart", "flip chart"],
    "Video conferencing": ["video conferencing", "videoconference", "video conference"],
    "Phone booth": ["phone booth", "phone booths", "call booth", "phone box"],
    "Lockers": ["lockers", "locker"],
    "Showers": ["shower", "showers"],
    "Bike storage": ["bike storage", "bike parking", "bicycle parking", "bike rack"],
    "Accessible": ["accessible", "wheelchair accessible", "step free access", "elevator", "lift"],
    "24/7 access": ["24 7 access", "24 7", "24h access", "24 hour access"],
    "Reception": ["reception", "front desk", "receptionist"],
    "Mail handling": ["mail handling", "mail", "mailbox", "postal address"],
    "Pet friendly": ["pet friendly", "dog friendly", "pets allowed"],
    "Event space": ["event space", "events", "event room"],
    "Terrace": ["terrace", "rooftop", "roof terrace", "outdoor space"],
}


# the canonical names in the reader's language (a provider's own word stays as written)
LABELS = {
    "Wi-Fi": _("Wi-Fi"),
    "Coffee": _("Coffee"),
    "Printer": _("Printer"),
    "Parking": _("Parking"),
    "Kitchen": _("Kitchen"),
    "Meeting rooms": _("Meeting rooms"),
    "Air conditioning": _("Air conditioning"),
    "Projector": _("Projector"),
    "Screen": _("Screen"),
    "Whiteboard": _("Whiteboard"),
    "Video conferencing": _("Video conferencing"),
    "Phone booth": _("Phone booth"),
    "Lockers": _("Lockers"),
    "Showers": _("Showers"),
    "Bike storage": _("Bike storage"),
    "Accessible": _("Accessible"),
    "24/7 access": _("24/7 access"),
    "Reception": _("Reception"),
    "Mail handling": _("Mail handling"),
    "Pet friendly": _("Pet friendly"),
    "Event space": _("Event space"),
    "Terrace": _("Terrace"),
}


def label(name: str) -> str:
    """An amenity's name as the member reads it."""
    return str(LABELS.get(name, name))


def _fold(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


_LOOKUP = {
    _fold(spelling): canonical
    for canonical, spellings in VOCABULARY.items()
    for spelling in [canonical, *spellings]
}


def canonical_amenity(name: str) -> tuple[str, str]:
    """(slug, display name) of an amenity as a provider spells it."""
    folded = _fold(name)
    canonical = _LOOKUP.get(folded) or _LOOKUP.get(folded.replace(" ", ""))
    if canonical is None:
        canonical = name.strip()[:1].upper() + name.strip()[1:]
    return slugify(canonical.replace("/", " "))[:60] or "other", canonical
