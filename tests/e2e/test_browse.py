"""A visitor browses the catalogue in a real browser: filters update with htmx, spaces of
every provider are listed, and the week calendar pages by week."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_spaces_of_every_provider_are_listed_and_filters_update_in_place(
    page, live_server, catalogue
):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Where do you want to work?").fill("Dublin")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/spaces/?q=Dublin*")
    assert page.get_by_role("link", name="Workways Dublin Docklands").is_visible()

    page.goto(f"{live_server.url}/spaces/")
    listing = page.locator("#results")
    for provider in ["Thia", "Workways", "Zentry", "4Spaces"]:
        assert listing.get_by_text(provider).first.is_visible()
    page.get_by_label("Provider").select_option("zentry")
    page.wait_for_url("**provider=zentry*")  # htmx pushed the filter into the address bar
    assert "The Zentrys" in listing.inner_text()
    assert "Thia Hub" not in listing.inner_text()
    assert page.locator("h1").inner_text() == "Find a space"  # the page itself stayed


def test_the_space_page_and_the_week_calendar(page, live_server, catalogue):
    page.goto(f"{live_server.url}/spaces/")
    page.get_by_role("link", name="Thia Hub Victoriei").click()
    assert page.get_by_role("heading", name="Opening hours").is_visible()
    page.locator("table.listing a").first.click()
    assert "Times are local to the space: Europe/Bucharest" in page.content()
    first_week = page.locator("#week-title").inner_text()
    page.get_by_role("link", name="Next week →").click()
    page.wait_for_url("**week=*")
    assert page.locator("#week-title").inner_text() != first_week
    # a cold week fills in by itself: no reload
    page.locator("a.slot-free").first.wait_for(timeout=15_000)
    # keyboard: a free slot is a link the keyboard reaches, named with its time and state
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('slot-free')"):
            break
    else:
        pytest.fail("no free slot reachable with the keyboard")
    label = page.evaluate("document.activeElement.textContent")
    assert "free" in label
