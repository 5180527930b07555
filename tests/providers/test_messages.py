"""Member-facing words about a provider's answer reach every language.

Adapters return ``Message`` codes; the words live in each provider's ``SPEC.messages`` (and
``messages.SHARED``) and are rendered through gettext where they are shown.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from providers import messages, registry
from providers.messages import Message

CODES = [f"{spec.kind}.{name}" for spec in registry.specs() for name in spec.messages] + [
    code for code in messages.SHARED if code != "provider_says"
]


# units and words French writes as English does ("90 min", "2 h", "Taxes"): their
# catalogue entry is checked, not that the words differ
SAME_IN_FRENCH = {"price.minutes", "price.hours", "price.hours_minutes", "price.taxes"}


@pytest.mark.parametrize("code", CODES)
def test_every_message_has_french_words(code):
    params = {"reference": "R-1", "endpoint": "POST /api/x", "retcode": 7}
    with translation.override("en"):
        english = Message(code, params).text()
    with translation.override("fr"):
        french = Message(code, params).text()
    assert english and english != code
    with translation.override("en"):
        msgid = str(messages._template(code))
    assert msgid in translation.trans_real.translation("fr")._catalog, f"{code}: no French entry"
    if code not in SAME_IN_FRENCH:
        assert french != english, f"{code} has no French translation"


def test_a_stored_message_is_read_in_the_readers_language():
    stored = messages.stored(Message("thia.show_code"))
    with translation.override("fr"):
        assert "QR" in messages.render(stored)
        assert messages.render(stored).startswith("Présentez")
    with translation.override("en"):
        assert messages.render(stored).startswith("Show the QR code")


def test_plain_text_and_the_providers_own_words_stay_as_written():
    assert messages.render("Room closed for works") == "Room closed for works"
    said = messages.provider_words("Salle fermée")
    with translation.override("en"):
        assert messages.render(messages.stored(said)) == "Salle fermée"
