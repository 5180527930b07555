"""Pages show the photos the worker stored, from our own origin, with alt text; a space
with none shows a placeholder, never a provider's URL or a broken image. The favicon."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from providers import photos, services
from providers.models import Photo, Space
from tests.providers import factories

pytestmark = pytest.mark.django_db

CDN = "https://cdn.example.com"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_photo(url: str) -> Photo:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="WEBP")
    photo = Photo(url_hash=photos.url_hash(url), source_url=url, kind="zentry", status="stored")
    photo.card.save("c.webp", ContentFile(out.getvalue()), save=False)
    photo.page.save("p.webp", ContentFile(out.getvalue()), save=False)
    photo.width, photo.height = 40, 30
    photo.save()
    return photo


@pytest.fixture
def spaces():
    account = factories.account(kind="zentry")
    services.apply_catalogue(
        account,
        factories.catalogue(
            factories.space("a", name="Canal Hub", photos=[f"{CDN}/a1.jpg", f"{CDN}/a2.jpg"]),
            factories.space("b", name="Dock Rooms", photos=[f"{CDN}/b1.jpg"]),
        ),
    )
    return Space.objects.get(name="Canal Hub"), Space.objects.get(name="Dock Rooms")


def images(html: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<img [^>]*>", html)]


def test_result_cards_show_the_stored_photo_or_a_placeholder(client, spaces):
    photo = stored_photo(f"{CDN}/a1.jpg")
    html = client.get("/spaces/").content.decode()
    assert CDN not in html  # no provider URL, nothing hotlinked
    cards = images(html)
    assert [(img["src"], img["alt"]) for img in cards] == [(photo.card.url, "Canal Hub")]
    assert cards[0]["src"].startswith("/media/photos/")
    assert html.count('class="space-photo photo-placeholder"') == 1  # Dock Rooms


def test_a_space_without_its_own_photo_shows_its_rooms(client, spaces):
    _, dock = spaces
    room = dock.resources.first()
    room.photos = [f"{CDN}/room.jpg"]
    room.save()
    photo = stored_photo(f"{CDN}/room.jpg")
    html = client.get("/spaces/").content.decode()
    assert (photo.card.url, "Dock Rooms") in [(i["src"], i["alt"]) for i in images(html)]


def test_a_space_page_shows_its_stored_photos_in_order(client, spaces):
    canal, _ = spaces
    second = stored_photo(f"{CDN}/a2.jpg")
    first = stored_photo(f"{CDN}/a1.jpg")
    html = client.get(f"/spaces/{canal.pk}/").content.decode()
    assert CDN not in html
    shown = [(i["src"], i["alt"]) for i in images(html)]
    assert shown == [
        (first.page.url, "Canal Hub, photo 1"),
        (second.card.url, "Canal Hub, photo 2"),
    ]


def test_a_space_page_without_stored_photos_shows_a_placeholder(client, spaces):
    _, dock = spaces
    html = client.get(f"/spaces/{dock.pk}/").content.decode()
    assert "<img" not in html
    assert 'class="photos-placeholder photo-placeholder"' in html


def test_a_photo_stored_after_a_page_was_cached_shows_at_once(client, spaces):
    canal, _ = spaces
    assert "<img" not in client.get(f"/spaces/{canal.pk}/").content.decode()  # now cached
    stored_photo(f"{CDN}/a1.jpg")
    assert "<img" not in client.get(f"/spaces/{canal.pk}/").content.decode()
    photos._catalogue_changed()  # what the worker does once a photo is stored
    assert "<img" in client.get(f"/spaces/{canal.pk}/").content.decode()


def test_stored_photos_are_served_from_the_media_url(client, spaces):
    photo = stored_photo(f"{CDN}/a1.jpg")
    answer = client.get(photo.card.url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/webp"


def test_pages_allow_images_from_our_own_origin_only(client, spaces):
    policy = client.get("/spaces/")["Content-Security-Policy"]
    assert "img-src 'self';" in policy + ";"


def test_every_page_names_its_icon_and_favicon_ico_leads_to_it(client):
    html = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert icon and icon.group(1).endswith("favicon.svg")
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    assert answer["Location"] == icon.group(1)


def test_a_space_with_photos_of_its_rooms_only_shows_those_named_by_room(client, spaces):
    _, dock = spaces
    dock.photos = []
    dock.save()
    room = dock.resources.get(name="Boardroom")
    room.photos = [f"{CDN}/boardroom.jpg"]
    room.save()
    photo = stored_photo(f"{CDN}/boardroom.jpg")
    html = client.get(f"/spaces/{dock.pk}/").content.decode()
    assert [(i["src"], i["alt"]) for i in images(html)] == [(photo.page.url, "Boardroom")]


@pytest.mark.parametrize("path", ["/media/../manage.py", "/media/%2e%2e/manage.py", "/media/"])
def test_the_media_url_serves_nothing_outside_the_media_folder(client, path):
    assert client.get(path).status_code in (400, 404)  # refused, never the file
