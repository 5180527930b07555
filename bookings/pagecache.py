"""Rendered pages kept in the cache under what they were rendered from.

``render_kept(request, template, context, keys)`` is ``render()`` for a page whose HTML is
a function of ``keys`` (what the view computed: the catalogue version, a week's slots, a
member's bookings' last change) and of the request's own parts, which are added here: the
template, the full path, the language, the active time zone, who is signed in. A change
in what the page shows is a change in its keys, so the next request renders afresh; no
timer decides freshness (an entry is dropped after a day only to free the memory).

The CSRF token is a part of a page that differs between two renders of the same keys:
the page is kept with a placeholder in its place (``csrf_placeholder``, a context
processor) and each answer gets its own token, as a fresh render would. So is a booking
form's one-time key (``answer_key``): each answer gets a new one. A request with a
message to show (after a form) renders afresh, as does every request while the cache is
down or when the view passes ``None`` as its first key.

``KeptAnswers`` goes further for the busiest pages (a room's slots, week and feed, a
pass's days, a member's bookings): an answer is kept in the process with the tokens of
what it was made from (``Made``: the catalogue version, the item's facts token and holds
token, a member's token) and the time the clock changes it. A request for the same page
reads only those tokens in one round trip, and gets the kept answer while they are the
same: the item, its facts and its bookings are not read and nothing is computed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid
from collections.abc import Callable

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from providers.cache import Bounded, ByContent, cache, current_tokens

KEEP_SECONDS = 24 * 3600
# in a kept page where the CSRF token was: letters only, so escaping leaves it as it is
PLACEHOLDER = "csrfplaceholderd2c1f0a7e95b4"
KEY_PLACEHOLDER = "formkeyplaceholder6a0c4e1b93f7"  # where a form's one-time key was
_RENDERING = "_portal_render_to_keep"
# the pages this process served lately, by the same keys: a key names everything a page
# is rendered from (its tokens included), so a copy here is as fresh as the cache's
_here = ByContent(256)


def csrf_placeholder(request: HttpRequest) -> dict:
    """Context processor: the placeholder as the token while a page is rendered to keep
    (listed after Django's own, so it wins then; otherwise it adds nothing)."""
    return {"csrf_token": PLACEHOLDER} if getattr(request, _RENDERING, False) else {}


def page_key(request: HttpRequest, template: str, keys: list) -> str:
    user = getattr(request, "user", None)
    who = f"{user.pk}:{user.is_staff}" if user is not None and user.is_authenticated else "-"
    parts = [
        template,
        request.get_full_path(),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        who,
        *(repr(key) for key in keys),
    ]
    return "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _keepable(request: HttpRequest, keys: list) -> bool:
    return (
        bool(keys)
        and keys[0] is not None
        and request.method in ("GET", "HEAD")
        and not len(get_messages(request))  # shown once: never kept
    )


def _render_to_keep(request: HttpRequest, template: str, context: dict) -> str:
    setattr(request, _RENDERING, True)
    try:
        return render_to_string(template, context, request)
    finally:
        delattr(request, _RENDERING)


def _with_token(request: HttpRequest, body: str) -> str:
    if PLACEHOLDER in body:  # the token a fresh render would have used (sets its cookie)
        body = body.replace(PLACEHOLDER, get_token(request))
    if KEY_PLACEHOLDER in body:  # a new key, as a fresh render would have made
        body = body.replace(KEY_PLACEHOLDER, str(uuid.uuid4()))
    return body


def answer_key(request: HttpRequest) -> Callable[[], str]:
    """A form's one-time key (``bookings.forms.OnceMixin``), as the initial value of a form
    on a page that may be kept: the page rendered to keep holds a placeholder, and each
    answer its own new key, as a fresh render would."""
    fresh = str(uuid.uuid4())
    return lambda: KEY_PLACEHOLDER if getattr(request, _RENDERING, False) else fresh


def render_kept(
    request: HttpRequest,
    template: str,
    context: dict | Callable[[], dict],
    keys: list | None,
    status: int = 200,
    *,
    answers: KeptAnswers | None = None,
    name: str = "",
    made: Made | None = None,
    shared: bool = True,
) -> HttpResponse:
    """``render(request, template, context, status=status)``, kept under ``keys``;
    ``context`` may be a function, called only when the page is rendered. With
    ``answers``: the page is also kept there as ``name``, while ``made`` holds.
    ``shared=False``: only there, never in the shared cache (a page with a secret).
    ``keys`` None: the page is a function of ``made``'s tokens alone."""
    if keys is None:
        keys = [None if made is None else made.stamps]
    if not _keepable(request, keys):
        return render(request, template, context() if callable(context) else context, status=status)

    def make() -> str:
        return _render_to_keep(request, template, context() if callable(context) else context)

    key = page_key(request, template, keys)
    body = _here.kept(key, make, KEEP_SECONDS) if shared else make()
    if answers is not None:
        answers.put(request, name, made, body, status=status)
    return HttpResponse(_with_token(request, body), status=status)


def render_kept_answer(
    request: HttpRequest,
    template: str,
    answer: Callable[[], tuple[dict, int]],
    keys: list,
    keep: int,
) -> HttpResponse:
    """``render_kept`` for a page whose status is known only once it is computed (a form
    that may be invalid): ``answer()`` gives the context and the status, both kept, for
    ``keep`` seconds at most."""
    if not _keepable(request, keys):
        context, status = answer()
        return render(request, template, context, status=status)

    def make() -> tuple[int, str]:
        context, status = answer()
        return status, _render_to_keep(request, template, context)

    key = "answer:" + page_key(request, template, keys)
    status, body = _here.kept(key, make, keep)
    return HttpResponse(_with_token(request, body), status=status)


# --- answers kept with what they were made from --------------------------------------------


@dataclasses.dataclass(frozen=True)
class Made:
    """What an answer was made from: tokens in the cache (``keys``, each replaced when
    what it names changes) as they were then (``stamps``), and the time the clock changes
    the answer (``until``)."""

    keys: tuple[str, ...]
    stamps: tuple
    until: dt.datetime


def made_of(read: dict, keys: list[str], until: dt.datetime | None) -> Made | None:
    """``Made`` from the tokens as the view read them (``read``: a ``get_many`` of at
    least ``keys``, each token read before or with what it names). None, not to be kept:
    a token was missing (not set yet, evicted: a later read of the same ``None`` would
    not mean the same value) or the answer holds for no time."""
    stamps = tuple(read.get(key) for key in keys)
    if until is None or None in stamps or until <= timezone.now():
        return None
    return Made(tuple(keys), stamps, until)


def made_of_all(read: dict | None, until: dt.datetime | None) -> Made | None:
    """``made_of`` every token of ``read`` (``tokens_now``); None when there are none."""
    return None if read is None else made_of(read, list(read), until)


def within_a_day(until: dt.datetime | None) -> dt.datetime:
    """``until`` (when the clock changes an answer; None: it never does), a day from now
    at most: what a member's page is kept for."""
    a_day = timezone.now() + dt.timedelta(days=1)
    return a_day if until is None else min(until, a_day)


def tokens_now(timeouts: dict[str, int | None], *, member=None) -> dict[str, str] | None:
    """The tokens under these keys by key (``current_tokens``: a missing one is set
    fresh), to read before what they name; with ``member`` (the signed-in user), also the
    token their row was read with (``signed_in_tokens``). None while the cache is down or
    that token is missing: nothing may be kept then."""
    tokens = current_tokens(timeouts)
    if tokens is None:
        return None
    read = dict(zip(timeouts, tokens, strict=True))
    if member is not None:
        row = signed_in_tokens(member)
        if row is None:
            return None
        read.update(row)
    return read


def signed_in_tokens(user) -> dict[str, str] | None:
    """The token the signed-in member's row was read with, by its key: the authentication
    backend (``portal.signed_in``) leaves it on the user, for a page made from the row to
    be kept with it (``made_of``). None: the cache was down, or the row came another way,
    and nothing made from it may be kept."""
    return getattr(user, "signed_in_tokens", None)


class KeptAnswers:
    """Answers kept in this process by the request's own parts (as ``page_key``: the
    path, language, zone and who asks) with what they were made from (``Made``). Bounded;
    thread-safe. Only answers a view gives as a function of those: the view says which
    (``put``); a request with a message to show is never served from here."""

    def __init__(self, size: int) -> None:
        self._entries = Bounded(size)

    def value(self, request: HttpRequest, name: str):
        """What was kept for ``request`` while what it was made from is the same (one
        cache round trip for those entries); None: the view answers."""
        if not _keepable(request, [name]):
            return None
        found = self._entries.get(page_key(request, name, []))
        if found is None:
            return None
        made, value = found
        if timezone.now() >= made.until:
            return None
        read = cache.get_many(list(made.keys))
        if tuple(read.get(key) for key in made.keys) != made.stamps:
            return None
        return value

    def keep(self, request: HttpRequest, name: str, made: Made | None, value) -> None:
        """Keep ``value`` for such requests while ``made`` holds; None: not kept."""
        if made is not None and value is not None and _keepable(request, [name]):
            self._entries.put(page_key(request, name, []), (made, value))

    def get(self, request: HttpRequest, name: str) -> HttpResponse | None:
        """The kept answer (``put``) to ``request``, else None."""
        found = self.value(request, name)
        if found is None:
            return None
        status, content_type, body = found
        if isinstance(body, str):
            body = _with_token(request, body)
        return HttpResponse(body, status=status, content_type=content_type)

    def put(
        self,
        request: HttpRequest,
        name: str,
        made: Made | None,
        body: str | bytes,
        content_type: str | None = None,
        status: int = 200,
    ) -> None:
        """Keep ``body`` (a page with the CSRF placeholder, as ``render_kept`` keeps it,
        or bytes) as the answer to such requests while ``made`` holds."""
        self.keep(request, name, made, (status, content_type, body))
