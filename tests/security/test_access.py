"""Access probe: every URL that carries an id or a token, tried with member A's objects
by another member (B) and by an anonymous visitor.

``ACCESS`` lists every such pattern (walked from the resolver, admin included) with how
to build its arguments and who may read it. A new pattern with an argument fails
``test_every_pattern_with_an_argument_is_in_the_table`` until it is listed here: decide
who may see it, then add its line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import resolve_url
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bookings.availability import local_today_for
from tests.security.conftest import A_SECRETS, World, changed, state_snapshot
from tests.security.routes import fill, routes_with_arguments

pytestmark = pytest.mark.django_db

# Who may read a pattern's answer.
PUBLIC = "public"  # anyone: the catalogue; must show nothing of a member
LOGIN = "login"  # any member (a booking form); anonymous is sent to log in
OWNER = "owner"  # only the member it belongs to: B gets 404/403, anonymous logs in
STAFF = "staff"  # the admin: members and anonymous are sent to the admin's login
TOKEN = "token"  # a secret in the URL: a wrong, forged or revoked one is a 404 or 400
RESET_TOKEN = "reset token"  # the password reset link: a wrong one shows no form


@dataclass(frozen=True)
class Probe:
    who: str
    args: Callable[[World], list[dict]]  # one or more argument sets to try
    methods: tuple[str, ...] = ("GET",)
    query: Callable[[World], dict] = field(default=lambda w: {})


def _tomorrow(world: World) -> dict:
    day = local_today_for(world.space.timezone) + dt.timedelta(days=1)
    return {"date": day.isoformat()}


def _each_booking(world: World) -> list[dict]:
    return [{"pk": booking.pk} for booking in world.bookings.values()]


def _series(w: World) -> list[dict]:
    return [{"pk": w.series.pk}]


def _series_bookings(w: World) -> list[dict]:
    return [{"pk": w.series.pk, "booking": b.pk} for b in w.series.occurrences.all()]


def _space(w: World) -> list[dict]:
    return [{"pk": w.space.pk}]


def _room(w: World) -> list[dict]:
    return [{"pk": w.room.pk}]


def _offers(w: World) -> list[dict]:
    return [{"pk": w.day_pass.pk}, {"pk": w.service.pk}]


def _wrong_feed_tokens(w: World) -> list[dict]:
    live = w.feed.token
    forged = live[:-1] + ("A" if live[-1] != "A" else "B")
    return [
        {"token": w.revoked_feed.token},  # turned off by A
        {"token": forged},
        {"token": "x" * 500},
        {"token": "%00"},
    ]


def _wrong_reset_links(w: World) -> list[dict]:
    uid = urlsafe_base64_encode(force_bytes(w.alice.pk))
    return [
        {"uidb64": uid, "token": "bad-token"},
        # a real reset token, but B's: it must not open A's account
        {"uidb64": uid, "token": default_token_generator.make_token(w.bob)},
        {"uidb64": "MQ", "token": "set-password"},
    ]


def _wrong_activation_links(w: World) -> list[dict]:
    from portal.accounts import activation_tokens

    carol = urlsafe_base64_encode(force_bytes(w.carol.pk))
    return [
        {"uidb64": carol, "token": "bad-token"},
        # a password reset token is no activation token
        {"uidb64": carol, "token": default_token_generator.make_token(w.carol)},
        # B's activation token does not open C's account
        {"uidb64": carol, "token": activation_tokens.make_token(w.bob)},
        # an active account is not activated again
        {
            "uidb64": urlsafe_base64_encode(force_bytes(w.alice.pk)),
            "token": activation_tokens.make_token(w.alice),
        },
    ]


def _admin_rows(model_route: str, objects: Callable[[World], object]) -> dict[str, Probe]:
    """The four object pages the admin makes for each registered model."""
    args = lambda w: [{"object_id": objects(w).pk}]  # noqa: E731
    base = f"admin/{model_route}/<path:object_id>/"
    return {
        f"{base}{page}": Probe(STAFF, args, methods=("GET", "POST"))
        for page in ("history/", "delete/", "change/", "")
    }


def _group(w: World):
    return Group.objects.get(name="Front desk")


ACCESS: dict[str, Probe] = {
    # catalogue: public pages, APIs and the busy-times calendar
    "spaces/<int:pk>/": Probe(PUBLIC, _space),
    "api/spaces/<int:pk>": Probe(PUBLIC, _space),
    "resources/<int:pk>/": Probe(PUBLIC, _room),
    "resources/<int:pk>/day/": Probe(PUBLIC, _room, query=_tomorrow),
    "api/resources/<int:pk>/slots": Probe(PUBLIC, _room, query=_tomorrow),
    "resources/<int:pk>/calendar.ics": Probe(PUBLIC, _room),
    "offers/<int:pk>/": Probe(PUBLIC, _offers),
    "api/offers/<int:pk>/days": Probe(PUBLIC, lambda w: [{"pk": w.day_pass.pk}]),
    # provider photos the worker stored (SERVE_MEDIA): a space's photo is no secret
    "^media/(?P<path>.+)$": Probe(PUBLIC, lambda w: [{"path": _stored_photo()}]),
    # booking forms: any member books for themselves
    "resources/<int:pk>/book/": Probe(LOGIN, _room, methods=("GET", "POST")),
    "offers/<int:pk>/book/": Probe(LOGIN, _offers, methods=("GET", "POST")),
    "resources/<int:pk>/book/series/": Probe(LOGIN, _room, methods=("GET", "POST")),
    # a member's own bookings, in every status that matters
    "bookings/<int:pk>/": Probe(OWNER, _each_booking),
    "bookings/<int:pk>/event.ics": Probe(OWNER, _each_booking),
    "bookings/<int:pk>/cancel/": Probe(OWNER, _each_booking, methods=("POST",)),
    "bookings/<int:pk>/register/": Probe(OWNER, _each_booking, methods=("POST",)),
    # a member's own waitlist entries
    "waitlist/<int:pk>/drop/": Probe(OWNER, lambda w: [{"pk": w.waitlist.pk}], methods=("POST",)),
    "bookings/<int:pk>/check-in/": Probe(OWNER, _each_booking, methods=("POST",)),
    "bookings/<int:pk>/check-out/": Probe(OWNER, _each_booking, methods=("POST",)),
    # a member's own recurring bookings: the series page, cancelling one date or the rest
    "series/<int:pk>/": Probe(OWNER, _series),
    "series/<int:pk>/cancel/": Probe(OWNER, _series, methods=("POST",)),
    "series/<int:pk>/bookings/<int:booking>/cancel/": Probe(
        OWNER, _series_bookings, methods=("POST",)
    ),
    # secrets in the URL
    "calendar/<str:token>.ics": Probe(TOKEN, _wrong_feed_tokens),
    "accounts/activate/<uidb64>/<token>/": Probe(TOKEN, _wrong_activation_links),
    "accounts/reset/<uidb64>/<token>/": Probe(
        RESET_TOKEN, _wrong_reset_links, methods=("GET", "POST")
    ),
    # the admin
    "admin/r/<path:content_type_id>/<path:object_id>/": Probe(
        STAFF,
        lambda w: [
            {
                "content_type_id": ContentType.objects.get_for_model(w.bookings["confirmed"]).pk,
                "object_id": w.bookings["confirmed"].pk,
            }
        ],
    ),
    "admin/^(?P<app_label>auth|portal|providers|bookings)/$": Probe(
        STAFF, lambda w: [{"app_label": label} for label in ("portal", "bookings")]
    ),
    "admin/(?P<url>.*)$": Probe(
        STAFF, lambda w: [{"url": f"bookings/booking/{w.bookings['confirmed'].pk}"}]
    ),
    "admin/portal/user/<id>/password/": Probe(
        STAFF, lambda w: [{"id": w.alice.pk}], methods=("GET", "POST")
    ),
    "admin/portal/user/<id>/disable/": Probe(
        STAFF, lambda w: [{"id": w.alice.pk}], methods=("GET", "POST")
    ),
    "admin/providers/provideraccount/<int:pk>/sync/": Probe(
        STAFF, lambda w: [{"pk": w.account.pk}], methods=("GET", "POST")
    ),
    "admin/providers/provideraccount/<int:pk>/test-connection/": Probe(
        STAFF, lambda w: [{"pk": w.account.pk}], methods=("GET", "POST")
    ),
    "admin/providers/syncrun/<int:pk>/progress/": Probe(
        STAFF, lambda w: [{"pk": w.account.sync_runs.first().pk}]
    ),
    **_admin_rows("auth/group", _group),
    **_admin_rows("portal/user", lambda w: w.alice),
    **_admin_rows("providers/provideraccount", lambda w: w.account),
    **_admin_rows("providers/syncrun", lambda w: w.account.sync_runs.first()),
    **_admin_rows("providers/space", lambda w: w.space),
    **_admin_rows("providers/resource", lambda w: w.room),
    **_admin_rows("providers/offer", lambda w: w.day_pass),
    **_admin_rows("providers/amenity", lambda w: w.space.amenities.first()),
    **_admin_rows("bookings/booking", lambda w: w.bookings["confirmed"]),
    **_admin_rows("bookings/provideridentity", lambda w: w.alice.provider_identities.first()),
    **_admin_rows("bookings/feedtoken", lambda w: w.feed),
    **_admin_rows("bookings/exchangerate", lambda w: _rate()),
}


def _stored_photo() -> str:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    return default_storage.save("photos/probe.webp", ContentFile(b"RIFF\0\0\0\0WEBPVP8 "))


def _rate():
    from bookings.models import ExchangeRate

    return ExchangeRate.objects.get(currency="USD")


def test_every_pattern_with_an_argument_is_in_the_table():
    found = {route.route for route in routes_with_arguments()}
    missing = sorted(found - ACCESS.keys())
    assert not missing, (
        f"URL patterns with an argument not in ACCESS (tests/security/test_access.py): "
        f"{missing}. Say who may read each (PUBLIC, LOGIN, OWNER, STAFF, TOKEN) and how to "
        f"build its arguments."
    )
    gone = sorted(ACCESS.keys() - found)
    assert not gone, f"ACCESS lists patterns that no longer exist: {gone}"


# --- the probe ------------------------------------------------------------------------


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _send(client: Client, method: str, path: str, query: dict, **headers):
    if method == "GET":
        return client.get(path, query, headers=headers)
    return client.generic(method, path, data=b"", headers=headers)


def _is_login_redirect(response, *, admin: bool = False) -> bool:
    login = "/admin/login/" if admin else resolve_url(settings.LOGIN_URL)
    return response.status_code == 302 and response["Location"].startswith(login)


def _leaks(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    shown = body.decode(errors="replace") + repr(sorted(response.headers.items()))
    return [secret for secret in A_SECRETS if secret in shown]


def _allows(method: str, probe: Probe) -> bool:
    return method in probe.methods


def _check_denied(who: str, response, probe: Probe, method: str, *, anonymous: bool, label):
    status = response.status_code
    assert status < 500, f"{label}: {status}"
    assert not _leaks(response), f"{label} shows A's data: {_leaks(response)}"
    if who == PUBLIC:
        assert status == 200, f"{label}: a public page answers {status}"
    elif who == LOGIN:
        if anonymous:
            assert _is_login_redirect(response), f"{label}: anonymous got {status}"
    elif who == OWNER:
        if anonymous:
            assert _is_login_redirect(response) or status in (403, 404), f"{label}: {status}"
        else:  # 405 only tells which methods the page takes
            assert status in (403, 404, 405), f"{label}: B got {status}"
    elif who == STAFF:
        assert _is_login_redirect(response, admin=True), f"{label}: {status}"
    elif who == TOKEN:
        assert status in (400, 404), f"{label}: a wrong token answers {status}"
    elif who == RESET_TOKEN:
        assert status == 200 and "new_password1" not in response.content.decode(), label
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(f"unknown audience {who!r}")


@pytest.mark.parametrize("route", sorted(ACCESS))
def test_no_one_else_reaches_a_members_objects(world, route):
    probe = ACCESS[route]
    visitors = {"anonymous": _client(), "member B": _client(world.bob)}
    if probe.who == STAFF:
        visitors["member A"] = _client(world.alice)  # A is no staff either
    paths = [fill(route, kwargs) for kwargs in probe.args(world)]
    query = probe.query(world)
    before = state_snapshot()
    for path in paths:
        for method in probe.methods:
            for htmx in ({}, {"HX-Request": "true"}):
                for name, client in visitors.items():
                    response = _send(client, method, path, query, **htmx)
                    label = f"{name} {method} {path} {htmx or ''}"
                    _check_denied(
                        probe.who,
                        response,
                        probe,
                        method,
                        anonymous=name == "anonymous",
                        label=label,
                    )
    if probe.who in (OWNER, STAFF, RESET_TOKEN, TOKEN):
        assert not changed(before, state_snapshot()), f"{route}: others changed state"
    for path in paths:
        _control(world, route, probe, path, query)


def _control(world: World, route: str, probe: Probe, path: str, query: dict) -> None:
    """The owner (or staff) reaches the same URL: the denials above are about who asks,
    not about a wrong URL."""
    if "GET" not in probe.methods:
        return
    if probe.who == OWNER:
        response = _client(world.alice).get(path, query)
        assert response.status_code == 200, f"A cannot open her own {path}"
        assert _leaks(response) or route.endswith("event.ics"), f"{path} shows A nothing"
    elif probe.who == STAFF:
        response = _client(world.staff).get(path, query)
        assert response.status_code < 500, f"staff {path}: {response.status_code}"
        assert not _is_login_redirect(response, admin=True), f"staff cannot open {path}"


def test_a_members_live_calendar_link_works_so_the_404s_mean_something(world):
    response = _client().get(fill("calendar/<str:token>.ics", {"token": world.feed.token}))
    assert response.status_code == 200
    assert "Merger talks with Globex" in response.content.decode()


def test_another_member_cannot_cancel_or_register_a_booking(world):
    bob = _client(world.bob)
    for booking in world.bookings.values():
        for action in ("cancel", "register"):
            response = bob.post(f"/bookings/{booking.pk}/{action}/", {"residents": 3})
            assert response.status_code == 404
    for name, booking in world.bookings.items():
        booking.refresh_from_db()
        assert booking.status == name.replace("past", "confirmed")
