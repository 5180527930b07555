"""Provider photos: downloaded once by a worker, checked, resized and stored; pages show
the stored copies, never the provider's URL (``providers.photos``)."""

from __future__ import annotations

import io
import socket

import httpx
import pytest
import respx
from django.core.files.storage import default_storage
from PIL import Image

from providers import photos, services
from providers.models import Photo, Space
from tests.providers import factories

pytestmark = pytest.mark.django_db

CDN = "https://cdn.example.com"


def jpeg(size=(1600, 1000), color=(200, 80, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROVIDER_ALLOW_SANDBOX = True
    return settings.MEDIA_ROOT


@pytest.fixture
def public_dns(monkeypatch):
    """Every host resolves to a public address (example.com's), or to what a test sets."""
    answers: dict[str, str] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        address = answers.get(host, "93.184.215.14")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def photo_for(url: str, kind: str = "zentry") -> Photo:
    return Photo.objects.create(url_hash=photos.url_hash(url), source_url=url, kind=kind)


def store(photo: Photo) -> str:
    with httpx.Client() as client:
        return photos.store_photo(photo.pk, client=client)


# --- download, resize, store -------------------------------------------------------------


def test_a_photo_is_stored_as_a_card_and_a_page_size(public_dns):
    photo = photo_for(f"{CDN}/room.jpg")
    with respx.mock:
        respx.get(f"{CDN}/room.jpg").respond(
            200, content=jpeg(), headers={"Content-Type": "image/jpeg"}
        )
        assert store(photo) == "stored"
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (1200, 750)
    with default_storage.open(photo.card.name) as card:
        image = Image.open(card)
        assert (image.format, image.size) == ("WEBP", (400, 300))
    with default_storage.open(photo.page.name) as page:
        assert Image.open(page).size == (1200, 750)
    assert photo.card.url.startswith("/media/photos/")


def test_a_second_delivery_of_the_task_downloads_nothing(public_dns):
    photo = photo_for(f"{CDN}/room.jpg")
    with respx.mock:
        route = respx.get(f"{CDN}/room.jpg").respond(
            200, content=jpeg(), headers={"Content-Type": "image/jpeg"}
        )
        assert store(photo) == "stored"
        assert photos.store_photo(photo.pk) == "not pending"
    assert route.call_count == 1


def test_a_small_photo_is_not_enlarged(public_dns):
    photo = photo_for(f"{CDN}/small.png")
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(out, format="PNG")
    with respx.mock:
        respx.get(f"{CDN}/small.png").respond(
            200, content=out.getvalue(), headers={"Content-Type": "image/png"}
        )
        assert store(photo) == "stored"
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (300, 200)


def test_a_redirect_to_a_public_host_is_followed(public_dns):
    photo = photo_for(f"{CDN}/old.jpg")
    with respx.mock:
        respx.get(f"{CDN}/old.jpg").respond(301, headers={"Location": "/new.jpg"})
        respx.get(f"{CDN}/new.jpg").respond(
            200, content=jpeg(), headers={"Content-Type": "image/jpeg"}
        )
        assert store(photo) == "stored"


# --- refusals: never retried -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"content": b"<html>hi</html>", "headers": {"Content-Type": "text/html"}}, "not an image"),
        (
            {"content": b"\xff\xd8 not really a jpeg", "headers": {"Content-Type": "image/jpeg"}},
            "not a readable image",
        ),
        ({"content": b"", "status_code": 404}, "HTTP 404"),
    ],
)
def test_what_is_not_an_image_is_refused_for_good(public_dns, answer, reason):
    photo = photo_for(f"{CDN}/x.jpg")
    with respx.mock:
        respx.get(f"{CDN}/x.jpg").mock(
            return_value=httpx.Response(answer.pop("status_code", 200), **answer)
        )
        assert store(photo) == "failed"
    photo.refresh_from_db()
    assert reason in photo.error
    assert photo.retry_at is None
    assert not photo.card


def test_a_photo_over_the_size_limit_is_refused(public_dns, settings):
    settings.PHOTO_MAX_BYTES = 10_000
    photo = photo_for(f"{CDN}/huge.jpg")
    with respx.mock:
        respx.get(f"{CDN}/huge.jpg").respond(
            200, content=jpeg((3000, 3000)), headers={"Content-Type": "image/jpeg"}
        )
        assert store(photo) == "failed"
    photo.refresh_from_db()
    assert "larger than 10000 bytes" in photo.error


def test_too_many_pixels_are_refused_before_decoding(public_dns, monkeypatch):
    monkeypatch.setattr(photos, "MAX_PIXELS", 1000)
    with pytest.raises(photos.PhotoRefused, match="too many pixels"):
        photos.renditions(jpeg((100, 100)))


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://metadata.example/latest.jpg", "169.254.169.254"),
        ("https://intranet.example/a.jpg", "10.1.2.3"),
        ("https://localhost.example/a.jpg", "127.0.0.1"),
    ],
)
def test_a_host_with_a_private_address_is_never_asked(public_dns, url, address):
    public_dns[httpx.URL(url).host] = address
    photo = photo_for(url)
    with respx.mock:  # any request would fail the test: no route is set
        assert store(photo) == "failed"
    photo.refresh_from_db()
    assert photo.error == "the host is not a public address"


def test_plain_http_elsewhere_than_the_provider_is_refused(public_dns, settings):
    settings.PROVIDER_ALLOW_SANDBOX = False
    photo = photo_for("http://cdn.example.com/a.jpg")
    with respx.mock:
        assert store(photo) == "failed"
    photo.refresh_from_db()
    assert photo.error == "only https photos are fetched from other hosts"


def test_a_redirect_to_a_private_address_is_not_followed(public_dns):
    public_dns["internal.example"] = "192.168.0.10"
    photo = photo_for(f"{CDN}/a.jpg")
    with respx.mock:
        respx.get(f"{CDN}/a.jpg").respond(302, headers={"Location": "https://internal.example/"})
        assert store(photo) == "failed"
    photo.refresh_from_db()
    assert photo.error == "the host is not a public address"


def test_the_sandbox_on_this_machine_is_fetched_only_when_allowed(settings):
    settings.PROVIDER_ALLOW_SANDBOX = True
    assert photos.check_destination("zentry", "http://127.0.0.1:8001/zentry/photos/a.jpg")
    settings.PROVIDER_ALLOW_SANDBOX = False
    with pytest.raises(photos.PhotoRefused):
        photos.check_destination("zentry", "http://127.0.0.1:8001/zentry/photos/a.jpg")


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://user@cdn.example.com/a.jpg", "/relative.jpg", ""]
)
def test_what_is_no_absolute_web_url_is_refused(url):
    with pytest.raises(photos.PhotoRefused, match="not an absolute"):
        photos.check_destination("zentry", url)


# --- transient failures: tried again at a later sync, a few times ------------------------------


def test_a_server_error_is_tried_again_later_then_given_up(public_dns):
    photo = photo_for(f"{CDN}/flaky.jpg")
    with respx.mock:
        respx.get(f"{CDN}/flaky.jpg").respond(503)
        for attempt in range(1, photos.MAX_ATTEMPTS + 1):
            assert store(photo) == "failed"
            photo.refresh_from_db()
            assert photo.attempts == attempt
            assert (photo.retry_at is not None) == (attempt < photos.MAX_ATTEMPTS)
            Photo.objects.filter(pk=photo.pk).update(status="pending", claimed_at=None)


def test_a_timeout_is_tried_again_later(public_dns):
    photo = photo_for(f"{CDN}/slow.jpg")
    with respx.mock:
        respx.get(f"{CDN}/slow.jpg").mock(side_effect=httpx.ReadTimeout("slow"))
        assert store(photo) == "failed"
    photo.refresh_from_db()
    assert photo.error == "timed out"
    assert photo.retry_at is not None


# --- after a sync: what is queued ----------------------------------------------------------------


@pytest.fixture
def sent(monkeypatch):
    """The photo ids whose task was sent (the broker is not used)."""
    from providers import jobs

    ids: list[int] = []
    monkeypatch.setattr(jobs, "enqueue", lambda task, pk, **kw: ids.append(pk))
    return ids


def test_a_sync_queues_each_new_photo_once(sent):
    account = factories.account(kind="zentry")
    data = factories.space("s1", photos=[f"{CDN}/a.jpg", f"{CDN}/b.jpg"])
    data.resources[0].photos = [f"{CDN}/room.jpg"]
    services.apply_catalogue(account, factories.catalogue(data))
    assert photos.queue_account_photos(account) == 3
    assert photos.queue_account_photos(account) == 0  # already waiting for their tasks
    assert len(sent) == 3
    assert set(Photo.objects.values_list("source_url", flat=True)) == {
        f"{CDN}/a.jpg",
        f"{CDN}/b.jpg",
        f"{CDN}/room.jpg",
    }


def test_a_stored_photo_is_downloaded_again_only_when_its_url_changes(sent):
    account = factories.account(kind="zentry")
    services.apply_catalogue(account, factories.catalogue(factories.space("s1", photos=[])))
    space = Space.objects.get()
    space.photos = [f"{CDN}/a.jpg"]
    space.save()
    photos.queue_account_photos(account)
    Photo.objects.update(status="stored")
    assert photos.queue_account_photos(account) == 0
    space.photos = [f"{CDN}/a-v2.jpg"]
    space.save()
    assert photos.queue_account_photos(account) == 1
    assert Photo.objects.get(pk=sent[-1]).source_url == f"{CDN}/a-v2.jpg"


def test_a_failed_photo_is_queued_again_only_once_its_retry_time_came(sent):
    import datetime as dt

    from django.utils import timezone

    account = factories.account(kind="zentry")
    services.apply_catalogue(account, factories.catalogue(factories.space("s1")))
    photos.queue_account_photos(account)
    later = timezone.now() + dt.timedelta(hours=1)
    Photo.objects.update(status="failed", retry_at=later)
    assert photos.queue_account_photos(account) == 0
    Photo.objects.update(retry_at=timezone.now() - dt.timedelta(seconds=1))
    assert photos.queue_account_photos(account) == 1
    assert Photo.objects.get().status == "pending"
    Photo.objects.update(status="failed", retry_at=None)  # refused for good
    assert photos.queue_account_photos(account) == 0
