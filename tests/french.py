"""English phrases a French page, email or calendar must not contain: the literal runs of
the translation catalogue's strings that French renders differently."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}")


@cache
def english_phrases() -> tuple[str, ...]:
    """Whole phrases only: short runs ("Day", "Status") may be the same in both."""
    phrases = set()
    for entry in polib.pofile(str(CATALOGUE)):
        if not entry.msgstr or entry.msgstr == entry.msgid or entry.obsolete:
            continue
        for run in PLACEHOLDER.split(entry.msgid):
            run = " ".join(run.split()).strip(" .,:;!?()·—-")
            if len(run) >= 18 and " " in run and run not in entry.msgstr:
                phrases.add(run)
    return tuple(sorted(phrases))


def english_left(text: str) -> list[str]:
    """The catalogue's English phrases found in ``text`` (spaces normalised)."""
    flat = " ".join(text.split())
    return [phrase for phrase in english_phrases() if phrase in flat]
