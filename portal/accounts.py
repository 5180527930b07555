"""Members' accounts: sign-up with an activation link, and the limits that keep the
account pages from being used to guess passwords, flood an inbox or learn who is a member.

Sign-up answers every visitor the same way ("check your inbox") and tells only the owner
of the address what happened: a new address gets a link that activates the account and
logs the member in; an address that already has an account gets an email saying so, with
the ways to log in or choose a new password. Nothing on the page or in its timing says
which addresses are members.

Login throttling is django-axes (``AXES_*`` in the settings); this module gives it the
member's login name and the client's address. The emails the account pages send on
request (sign-up, password reset) are counted per recipient and per client address in the
shared cache: past ``ACCOUNT_EMAILS_PER_*`` within the window, nothing is sent and the page
answers as usual.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from portal.models import User

logger = logging.getLogger(__name__)


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Django's signed, expiring reset token (``PASSWORD_RESET_TIMEOUT``), for activation
    links: its own salt, and it stops working once the account is active."""

    key_salt = "portal.accounts.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


activation_tokens = ActivationTokenGenerator()


# --- who is asking ---------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's address (AXES_CLIENT_IP_CALLABLE). Behind ``TRUSTED_PROXY_COUNT``
    proxies, the address the outermost of them received the request from: it is the one
    they appended to X-Forwarded-For; entries to its left are the client's to write."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The email address a login is for, as axes counts it (AXES_USERNAME_CALLABLE):
    trimmed and lower-cased, so "ADA@x" and " ada@x" share one count of failures."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()


# --- emails sent on request ------------------------------------------------------------


def _count(key: str, window: int) -> int:
    """One more under ``key``, in a window of ``window`` seconds from its first count."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this is the first of a new window
        cache.add(key, 1, window)
        return 1


def may_send_account_email(recipient: str, client: str) -> bool:
    """Count one account email to ``recipient`` asked for by ``client``; False past
    either limit. Every request counts, whether or not the address has an account."""
    window = settings.ACCOUNT_EMAILS_WINDOW_MINUTES * 60
    digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()  # no address kept
    try:
        to_recipient = _count(f"account-emails:to:{digest}", window)
        from_client = _count(f"account-emails:from:{client}", window)
    except Exception as exc:  # the cache is down: the account pages keep working
        logger.warning("account email limit not checked (%s)", type(exc).__name__)
        return True
    if to_recipient > settings.ACCOUNT_EMAILS_PER_RECIPIENT:
        logger.info("account email not sent: too many for one recipient")
        return False
    if from_client > settings.ACCOUNT_EMAILS_PER_CLIENT:
        logger.info("account email not sent: too many from %s", client)
        return False
    return True


# --- sign-up ---------------------------------------------------------------------------


def sign_up(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    language: str,
    client: str,
) -> None:
    """Start an account for ``email``, telling only the owner of the inbox whether one
    existed (the caller answers the same either way)."""
    email = email.strip().lower()
    if not may_send_account_email(email, client):
        return
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                    language=language,
                    is_active=False,
                )
        except IntegrityError:  # the same address signed up at the same moment
            return
        _send(user, "activation")
    elif _awaiting_activation(user):
        # Signed up before and never followed the link: the latest sign-up wins, and its
        # new link replaces the old one (the token covers the password hash).
        user.set_password(password)
        user.first_name, user.last_name, user.language = first_name, last_name, language
        user.save(update_fields=["password", "first_name", "last_name", "language"])
        _send(user, "activation")
    else:
        make_password(password)  # the work a new account costs: the timing tells nothing
        _send(user, "registered")


def _awaiting_activation(user: User) -> bool:
    return not user.is_active and user.last_login is None


def activate(uidb64: str, token: str) -> User | None:
    """The account an activation link names, now active; None for a link that does not
    work (altered, expired, replaced by a newer sign-up, or already used)."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, ValidationError, User.DoesNotExist):
        return None
    if not _awaiting_activation(user) or not activation_tokens.check_token(user, token):
        return None
    # conditional: two clicks at once activate (and log in) once
    if not User.objects.filter(pk=user.pk, is_active=False).update(is_active=True):
        return None
    user.is_active = True
    return user


def _send(user: User, kind: str) -> None:
    """Send ``registration/<kind>_email.txt`` to the member, in their language. A mail
    server that fails is logged, like Django's password reset: the page answers the same."""
    context = {
        "user": user,
        "login_url": settings.SITE_URL + reverse("login"),
        "reset_url": settings.SITE_URL + reverse("password_reset"),
    }
    if kind == "activation":
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = activation_tokens.make_token(user)
        context["activate_url"] = settings.SITE_URL + reverse("activate", args=[uid, token])
    with translation.override(user.language):
        subject = render_to_string(f"registration/{kind}_subject.txt", context)
        body = render_to_string(f"registration/{kind}_email.txt", context)
    message = EmailMessage("".join(subject.splitlines()), body, to=[user.email])
    try:
        message.send()
    except Exception:
        logger.exception("account email %r to member %s not sent", kind, user.pk)
