"""CSRF probe: every URL pattern (walked from the resolver, so a new page is covered by
itself), sent POST, PUT, PATCH and DELETE without a CSRF token by a logged-in member, and
by staff for the admin's: refused, and nothing changes. And GET, which must never change
anything either (a link or an image tag can make a browser send it)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security.conftest import World, changed, state_snapshot
from tests.security.routes import Route, all_routes, fill
from tests.security.test_access import ACCESS

pytestmark = pytest.mark.django_db

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# what a request without a token may answer: refused, not allowed, not found, or sent
# to log in; never done
REFUSED = {403, 404, 405, 302}

ROUTES = sorted(all_routes(), key=str)


def _path(route: Route, world: World) -> str:
    if route.params:
        return fill(route.route, ACCESS[route.route].args(world)[0])
    return fill(route.route)


def _user(route: Route, world: World):
    """Staff for the admin's pages (a member is stopped before anything happens there),
    member A for the rest: the owner of every booking the probe's URLs name."""
    return world.staff if route.route.startswith("admin/") else world.alice


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


# GETs that change state today: each is a finding of issue 14, fixed on another branch.
# Remove the line once the fix is merged (strict: the test fails when it passes).
GET_CHANGES_STATE: dict[str, str] = {}


def _known(route: Route):
    marks = []
    if route.route in GET_CHANGES_STATE:
        marks = [pytest.mark.xfail(strict=True, reason=GET_CHANGES_STATE[route.route])]
    return pytest.param(route, marks=marks, id=str(route))


@pytest.mark.parametrize("route", [_known(route) for route in ROUTES])
def test_nothing_changes_without_a_csrf_token_nor_on_a_get(world, route):
    path = _path(route, world)
    client = _client(_user(route, world))
    before = state_snapshot()
    for method in UNSAFE:
        # a form body a browser would send across sites: every field a form here reads
        response = client.generic(
            method,
            path,
            data="confirm=1&accept_terms=on&residents=2&reason=x&post=yes&apply=1",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in REFUSED, f"{method} {path}: {response.status_code}"
    assert not changed(before, state_snapshot()), f"{UNSAFE} {path} changed state"

    query = ACCESS[route.route].query(world) if route.params else {}
    response = client.get(path, query)
    assert response.status_code < 500, f"GET {path}: {response.status_code}"
    assert not changed(before, state_snapshot()), f"GET {path} changed state"


def test_the_same_post_with_its_token_does_change_state(world):
    """The control: the refusals above are about the missing token, not a wrong URL."""
    client = _client(world.alice)
    client.get("/accounts/profile/")  # the page with the forms sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    pending = world.bookings["pending"]
    response = client.post(f"/bookings/{pending.pk}/cancel/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "cancelled"
    response = client.post("/accounts/calendar/revoke/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    world.feed.refresh_from_db()
    assert world.feed.revoked_at is not None
