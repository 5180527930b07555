"""Photos in a real browser: after the demo sync a real worker downloads every provider's
photos from the sandbox, and the home page, the spaces list and each provider's space
pages show them, loaded from the portal itself, with no failed image and no console
error."""

from __future__ import annotations

import time

import pytest

from providers.models import Photo, Space

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def wait_for_photos(seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not Photo.objects.filter(status=Photo.Status.PENDING).exists():
            return
        time.sleep(0.5)
    pending = list(Photo.objects.filter(status=Photo.Status.PENDING).values_list("source_url"))
    raise AssertionError(f"photos still waiting for the worker: {pending[:5]}")


def loaded(image, seconds: float = 10.0) -> int:
    """The image's natural width once the browser is done with it (0: it failed)."""
    image.scroll_into_view_if_needed()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if image.evaluate("img => img.complete"):
            break
        time.sleep(0.1)
    return image.evaluate("img => img.naturalWidth")


def test_pages_show_the_photos_the_worker_stored(browser, live_server, catalogue, worker):
    wait_for_photos()
    failed = Photo.objects.filter(status=Photo.Status.FAILED)
    failed = list(failed.values_list("source_url", "error"))
    assert failed == []
    assert Photo.objects.filter(status=Photo.Status.STORED).count() >= 10

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: list[str] = []
    images: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request {r.url}"))
    page.on("request", lambda r: r.resource_type == "image" and images.append(r.url))

    url = live_server.url
    spaces = [
        Space.objects.filter(account__kind=kind, active=True).earliest("pk")
        for kind in ("thia", "workways", "zentry", "fourspaces")
    ]
    shown = 0
    for path in ["/", "/spaces/", *(f"/spaces/{space.pk}/" for space in spaces)]:
        page.goto(f"{url}{path}")
        page.wait_for_load_state("networkidle")
        for image in page.locator("img").element_handles():
            assert loaded(image) > 0, f"{path}: {image.get_attribute('src')} did not load"
            assert image.get_attribute("alt"), f"{path}: an image without alt text"
            shown += 1
        if path == "/spaces/":
            assert page.locator("#results img.space-photo").count() >= 4  # every provider
        if path.startswith("/spaces/") and path != "/spaces/":
            # a space's page: its photos, or (Workways sites publish none) the placeholder
            page.locator("ul.photos img, .photos-placeholder").first.wait_for()
    context.close()

    assert shown > 0
    assert problems == []
    others = [u for u in images if not u.startswith(url)]
    assert others == [], "images asked from another host than the portal"
