"""Every photo URL the sandbox publishes is on the sandbox's own host and answers an image
(tests of ``sandbox.photos``)."""

from __future__ import annotations

import io
import re

from PIL import Image

from sandbox.core import SELF_ORIGIN

HOST = "http://127.0.0.1:8001"


def published_photos(client, config) -> set[str]:
    """Every photo URL of every provider's catalogue answers, as a client reads them."""
    urls: set[str] = set()
    for space in config["thia"]:
        headers = {"X-API-Key": space["api_key"], "X-API-Secret": space["api_secret"]}
        base = space["base_url"].removeprefix(HOST)
        body = client.get(f"{base}/space", headers=headers).json()["data"]
        urls.add(HOST + body["cover_photo"])
        for photo in client.get(f"{base}/space/photos", headers=headers).json()["data"]:
            urls.update(HOST + photo[key] for key in ("original_path", "medium_path"))
        rooms = client.get(f"{base}/space/meeting-rooms", headers=headers).json()["data"]
        urls.update(HOST + room["photo"] for room in rooms if room["photo"])
    for room in client.get("/workways/api/rooms").json()["data"]:
        urls.add(room["image"])
    zentry = config["zentry"]
    headers = {"Authorization": f"Api-Key {zentry['api_key']}"}
    base = zentry["workspaces_url"].removeprefix(HOST)
    for path in ("/Location", "/Room"):
        answer = client.post(f"{base}{path}", json={"limit": 100}, headers=headers).json()
        for item in answer["data"]:
            urls.update(item.get("pictureUrls") or [])
    four = config["fourspaces"]
    details = client.get(
        f"{four['base_url'].removeprefix(HOST)}/organization/details",
        params={
            "OrganizationId": four["organization_id"],
            "LoadSmartSpaces": "true",
            "LoadSmartSpaceThings": "true",
            "LoadServices": "true",
        },
    ).text
    urls.update(re.findall(r'"imageUrl":\s*"([^"]+)"', details))
    return urls


def test_every_published_photo_is_an_image_on_the_sandbox(client, config):
    urls = published_photos(client, config)
    assert len(urls) > 20
    assert any("/zentry/photos/" in url for url in urls)
    assert any("/4spaces/photos/" in url for url in urls)
    for url in urls:
        assert url.startswith(HOST + "/"), url
        answer = client.get(url.removeprefix(HOST))
        assert answer.status_code == 200, url
        assert answer.headers["content-type"] in ("image/jpeg", "image/png")
        with Image.open(io.BytesIO(answer.content)) as image:
            image.verify()


def test_a_photo_is_the_same_image_every_time(client, sandbox):
    first = client.get("/storage/meeting-rooms/conference-room-a.jpg")
    again = client.get("/storage/meeting-rooms/conference-room-a.jpg")
    assert first.content == again.content
    with Image.open(io.BytesIO(first.content)) as image:
        assert image.size == (1200, 800)


def test_thia_thumbnails_are_smaller_than_originals(client):
    thumb = client.get("/storage/photos/spaces/1/thumbnails/photo-1.jpg")
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert image.size == (320, 240)


def test_a_path_no_provider_published_is_a_404(client):
    assert client.get("/storage/photos/not-published.jpg").status_code == 404
    assert client.get("/zentry/photos/nope.jpg").status_code == 404
    assert client.get("/4spaces/photos/nope.jpg").status_code == 404


def test_no_answer_names_the_placeholder_origin(client):
    state = client.get("/_sandbox/state").text
    assert SELF_ORIGIN not in state
    assert f"{HOST}/zentry/photos/" in state
