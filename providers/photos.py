"""Provider photos, downloaded once by a worker and served by the portal.

Pages never load a provider's photo URL (the Content-Security-Policy allows images from
our own origin only): after each catalogue sync, ``queue_account_photos`` records every
photo URL the catalogue lists that is not stored yet and sends one ``providers.store_photo``
task per photo; ``store_photo`` downloads it (allowed destinations only, bounded size, an
image type, verified by Pillow), and keeps two WebP renditions in the media storage
(``settings.STORAGES["default"]``): a 400x300 card for result lists and a page size of at
most 1200 px. A photo is keyed by its URL: it is fetched again only when the provider
lists a new URL. A transient failure (timeout, 5xx) is tried again at later syncs, a few
times; a refusal (not an image, too large, a forbidden address) is not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import ipaddress
import logging
import socket
from collections.abc import Iterable

import httpx
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageOps

from providers import jobs
from providers.adapters import destinations
from providers.adapters.base import USER_AGENT, tls_context
from providers.models import Photo, ProviderAccount, Resource, Space

logger = logging.getLogger(__name__)

SPACE_PHOTOS = 6  # a space's page shows its first six
RESOURCE_PHOTOS = 1  # a room's first photo: the card of a space that has none of its own
CARD_SIZE = (400, 300)  # result cards crop to 4:3
PAGE_SIZE = 1200  # a space's page: the longest side at most this
MAX_PIXELS = 40_000_000  # larger images are refused before they are decoded
MAX_REDIRECTS = 3
MAX_ATTEMPTS = 3  # transient failures, then the photo is left failed
RETRY_AFTER = dt.timedelta(minutes=30)
CLAIM_EXPIRES = dt.timedelta(minutes=10)  # a worker that took a photo this long ago died
ACCEPTED_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
WEBP_QUALITY = 80


class PhotoRefused(Exception):
    """The photo will not be stored, now or later (the same URL gives the same answer)."""


class PhotoUnavailable(Exception):
    """The photo could not be fetched now (timeout, server error): try again later."""


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


# --- what to fetch ----------------------------------------------------------------------


def listed_urls(account: ProviderAccount) -> list[str]:
    """The photo URLs of the account's catalogue that pages show, in order."""
    urls: list[str] = []
    for photos in Space.objects.filter(account=account, active=True).values_list(
        "photos", flat=True
    ):
        urls += [u for u in (photos or [])[:SPACE_PHOTOS] if isinstance(u, str)]
    for photos in Resource.objects.filter(
        space__account=account, space__active=True, active=True
    ).values_list("photos", flat=True):
        urls += [u for u in (photos or [])[:RESOURCE_PHOTOS] if isinstance(u, str)]
    return list(dict.fromkeys(u for u in urls if u))


def queue_account_photos(account: ProviderAccount) -> int:
    """Record the account's photos not stored yet and send a task for each one due;
    returns how many were sent. Called after a catalogue sync; a second call sends
    nothing more (a photo already queued waits for its task)."""
    from providers.tasks import store_photo  # tasks import this module

    wanted = {url_hash(url): url for url in listed_urls(account)}
    now = timezone.now()
    known = {p.url_hash: p for p in Photo.objects.filter(url_hash__in=list(wanted))}
    due: list[int] = []
    for digest, url in wanted.items():
        photo = known.get(digest)
        if photo is None:
            photo = Photo.objects.create(url_hash=digest, source_url=url, kind=account.kind)
            due.append(photo.pk)
        elif photo.status == Photo.Status.FAILED and photo.retry_at and photo.retry_at <= now:
            Photo.objects.filter(pk=photo.pk, status=Photo.Status.FAILED).update(
                status=Photo.Status.PENDING, retry_at=None, claimed_at=None
            )
            due.append(photo.pk)
        elif photo.status == Photo.Status.PENDING and photo.created_at < now - CLAIM_EXPIRES:
            due.append(photo.pk)  # its task was lost (broker down) or its worker died
    for pk in due:
        jobs.enqueue(store_photo, pk)  # broker down: the next sync sends it again
    return len(due)


# --- fetching -----------------------------------------------------------------------------


def _public(host: str, port: int) -> bool:
    """Whether every address ``host`` resolves to is a public one (no loopback, private
    network, link-local or cloud metadata address)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise PhotoUnavailable(f"cannot resolve {host}") from exc
    addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    return bool(addresses) and all(address.is_global for address in addresses)


def check_destination(kind: str, url: str) -> httpx.URL:
    """``url`` parsed, if the worker may fetch it for a provider of ``kind``: the
    provider's own API hosts (``destinations``: the deployment's allow-list, the sandbox
    in development), else an HTTPS URL whose host has only public addresses."""
    parsed = destinations.parse(url)
    if parsed is None:
        raise PhotoRefused("not an absolute http(s) URL")
    if destinations.is_allowed(kind, parsed):
        return parsed
    if parsed.scheme != "https":
        raise PhotoRefused("only https photos are fetched from other hosts")
    if not _public(parsed.host, destinations.effective_port(parsed) or 443):
        raise PhotoRefused("the host is not a public address")
    return parsed


def _client() -> httpx.Client:
    seconds = float(getattr(settings, "PROVIDER_HTTP_TIMEOUT_SECONDS", 10))
    return httpx.Client(
        timeout=httpx.Timeout(seconds, connect=min(5.0, seconds)),
        headers={"User-Agent": USER_AGENT, "Accept": ", ".join(sorted(ACCEPTED_TYPES))},
        follow_redirects=False,  # each hop is checked here
        verify=tls_context(),
    )


def download(kind: str, url: str, client: httpx.Client) -> bytes:
    """The photo's bytes. Raises ``PhotoRefused`` or ``PhotoUnavailable``."""
    limit = int(getattr(settings, "PHOTO_MAX_BYTES", 5 * 1024 * 1024))
    for _hop in range(MAX_REDIRECTS + 1):
        target = check_destination(kind, url)
        try:
            with client.stream("GET", target) as response:
                if response.is_redirect and "location" in response.headers:
                    url = str(target.join(response.headers["location"]))
                    continue
                status = response.status_code
                if status in (408, 429) or status >= 500:
                    raise PhotoUnavailable(f"HTTP {status}")
                if status != 200:
                    raise PhotoRefused(f"HTTP {status}")
                kind_of = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if kind_of not in ACCEPTED_TYPES:
                    raise PhotoRefused(f"not an image ({kind_of or 'no content type'})")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise PhotoRefused(f"larger than {limit} bytes")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise PhotoRefused(f"larger than {limit} bytes")
                return bytes(body)
        except httpx.TimeoutException as exc:
            raise PhotoUnavailable("timed out") from exc
        except httpx.HTTPError as exc:
            raise PhotoUnavailable(type(exc).__name__) from exc
    raise PhotoRefused("too many redirects")


# --- resizing -----------------------------------------------------------------------------


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def renditions(data: bytes) -> tuple[bytes, bytes, tuple[int, int]]:
    """(card, page, page size) as WebP, from an image's bytes. Raises ``PhotoRefused``
    for anything Pillow does not read as a whole, sane image."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoRefused(f"not a photo format ({probe.format})")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise PhotoRefused(f"too many pixels ({width}x{height})")
            probe.verify()  # a truncated or corrupt file fails here
        with Image.open(io.BytesIO(data)) as source:
            source.seek(0)  # an animated GIF: its first frame
            image = ImageOps.exif_transpose(source)
            image.load()
    except PhotoRefused:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoRefused("not a readable image") from exc
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    card = ImageOps.fit(image, CARD_SIZE, Image.Resampling.LANCZOS)
    page = image.copy()
    page.thumbnail((PAGE_SIZE, PAGE_SIZE), Image.Resampling.LANCZOS)
    return _encode(card), _encode(page), page.size


# --- the task's service -----------------------------------------------------------------


def claim(photo_id: int) -> Photo | None:
    """The photo, taken by this worker; None when another has it or it is not pending."""
    now = timezone.now()
    taken = (
        Photo.objects.filter(pk=photo_id, status=Photo.Status.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES))
        .update(claimed_at=now)
    )
    return Photo.objects.get(pk=photo_id) if taken else None


def store_photo(photo_id: int, client: httpx.Client | None = None) -> str:
    """Download, check, resize and store one pending photo; returns its new status."""
    photo = claim(photo_id)
    if photo is None:
        return "not pending"
    own_client = client is None
    http = client or _client()
    try:
        data = download(photo.kind, photo.source_url, http)
        card, page, (width, height) = renditions(data)
    except PhotoRefused as exc:
        _failed(photo, str(exc), retry=False)
    except PhotoUnavailable as exc:
        _failed(photo, str(exc), retry=True)
    else:
        name = f"{photo.url_hash[:2]}/{photo.url_hash[:32]}"
        photo.card.save(f"{name}-card.webp", ContentFile(card), save=False)
        photo.page.save(f"{name}-page.webp", ContentFile(page), save=False)
        photo.width, photo.height = width, height
        photo.status, photo.error, photo.retry_at = Photo.Status.STORED, "", None
        photo.stored_at = timezone.now()
        photo.save()
        _catalogue_changed()
    finally:
        if own_client:
            http.close()
    return photo.status


def _failed(photo: Photo, reason: str, *, retry: bool) -> None:
    photo.attempts += 1
    photo.status = Photo.Status.FAILED
    photo.error = reason[:300]
    again = retry and photo.attempts < MAX_ATTEMPTS
    photo.retry_at = timezone.now() + RETRY_AFTER * photo.attempts if again else None
    photo.save(update_fields=["attempts", "status", "error", "retry_at"])
    logger.info(
        "photo %s of %s not stored: %s%s",
        photo.pk,
        photo.kind,
        reason,
        "; tried again at a later sync" if again else "",
    )


def _catalogue_changed() -> None:
    from providers.selectors import catalogue_changed  # pages cached by version show it

    catalogue_changed()


# --- reading (pages) ----------------------------------------------------------------------


def stored(urls: Iterable[str]) -> dict[str, Photo]:
    """The stored photos among ``urls``, by URL (one query)."""
    by_hash = {url_hash(url): url for url in urls if isinstance(url, str) and url}
    if not by_hash:
        return {}
    rows = Photo.objects.filter(url_hash__in=list(by_hash), status=Photo.Status.STORED)
    return {by_hash[row.url_hash]: row for row in rows}


def attach_card_photos(spaces: Iterable[Space]) -> None:
    """Set ``card_photo`` on each space: its first stored photo, else the first stored
    photo of one of its rooms, else None (the card shows a placeholder). One query."""
    spaces = list(spaces)
    listed: dict[int, list[str]] = {}
    for space in spaces:
        urls = [u for u in (space.photos or [])[:SPACE_PHOTOS] if isinstance(u, str)]
        for resource in space.resources.all():
            urls += [u for u in (resource.photos or [])[:RESOURCE_PHOTOS] if isinstance(u, str)]
        listed[space.pk] = urls
    found = stored(url for urls in listed.values() for url in urls)
    for space in spaces:
        space.card_photo = next((found[u] for u in listed[space.pk] if u in found), None)  # type: ignore[attr-defined]


def space_photos(space: Space) -> list[dict]:
    """The photos a space's page shows, in the provider's order: ``{"photo", "alt"}``.
    Its own stored photos (``alt`` empty: the page names them), else, for a provider that
    publishes photos of rooms only, each room's first stored photo, named by the room."""
    urls = [u for u in (space.photos or [])[:SPACE_PHOTOS] if isinstance(u, str)]
    found = stored(urls)
    own = [{"photo": found[u], "alt": ""} for u in dict.fromkeys(urls) if u in found]
    if own:
        return own
    rooms = [
        (r.name, r.photos[0])
        for r in space.resources.filter(active=True).order_by("name")
        if r.photos and isinstance(r.photos[0], str)
    ][:SPACE_PHOTOS]
    found = stored(url for _, url in rooms)
    return [{"photo": found[url], "alt": name} for name, url in rooms if url in found]


def resource_photos(resources: Iterable[Resource]) -> None:
    """Set ``card_photo`` on each room: its first stored photo or None. One query."""
    resources = list(resources)
    found = stored(u for r in resources for u in (r.photos or [])[:RESOURCE_PHOTOS])
    for resource in resources:
        first = next(iter((resource.photos or [])[:RESOURCE_PHOTOS]), None)
        resource.card_photo = found.get(first) if isinstance(first, str) else None  # type: ignore[attr-defined]
