"""The portal speaks English and French: the browser's language for visitors, the member's
saved preference once signed in, and a French catalogue with every string translated."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from portal.models import User

pytestmark = pytest.mark.django_db

FRENCH_PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _po_entries(path: Path) -> list[dict[str, str]]:
    """The entries of a .po file as {"msgid": ..., "msgstr": ..., "msgstr[0]": ...}."""
    entries, entry, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#"):
            entry.setdefault("flags", "")
            if line.startswith("#,"):
                entry["flags"] += line[2:]
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, value = line.split(" ", 1)
            entry[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]  # the header has an empty msgid


def test_a_french_visitor_gets_the_home_page_in_french(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in page
    assert "Trouvez une salle ou un pass, où que vous travailliez" in page  # the home page
    assert "Comment ça marche" in page
    assert "Trouver un espace" in page  # the nav
    assert "Se connecter" in page
    assert "Find a room or a pass" not in page
    assert "Log in" not in page


def test_an_english_visitor_still_gets_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "Find a room or a pass, wherever you work" in response.content.decode()


def test_a_french_member_sees_their_account_in_french_whatever_the_browser_says(client):
    member = User.objects.create_user(
        email="camille@example.com", password="correct horse 42", language="fr"
    )
    client.force_login(member)
    response = client.get(reverse("profile"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert "Mon compte" in page
    assert "Connecté en tant que camille@example.com." in page
    assert "Modifier votre mot de passe" in page
    assert "Se déconnecter" in page  # the nav
    assert "Fuseau horaire" in page  # a form label
    assert "My account" not in page


def test_every_french_message_is_translated():
    entries = _po_entries(FRENCH_PO)
    assert len(entries) > 100
    untranslated = [
        e["msgid"]
        for e in entries
        if not all(v.strip() for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert untranslated == []
    assert [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")] == []


def test_the_compiled_french_catalogue_matches_the_po_file():
    """A .po edited without `manage.py compilemessages` leaves the site in the old words."""
    stale = []
    with translation.override("fr"):
        for e in _po_entries(FRENCH_PO):
            if "msgstr" in e and translation.gettext(e["msgid"]) != e["msgstr"]:
                stale.append(e["msgid"])
    assert stale == []


def test_the_language_switch_sets_a_signed_in_members_profile_language(client, django_user_model):
    """The profile language wins over the switch's cookie, so the switch must change it:
    otherwise the member picks French and the next page is English again."""
    member = django_user_model.objects.create_user(
        email="lea@example.com", password="x-lea-12345", language="en"
    )
    client.force_login(member)
    answer = client.post("/i18n/setlang/", {"language": "fr", "next": "/bookings/"})
    assert answer.status_code == 302 and answer["Location"] == "/bookings/"
    member.refresh_from_db()
    assert member.language == "fr"
    assert 'lang="fr"' in client.get("/bookings/").content.decode()
    # an unknown language changes nothing, and a visitor's switch touches no profile
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    member.refresh_from_db()
    assert member.language == "fr"
