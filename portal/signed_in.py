"""Who is signed in, read from the shared cache: Django's ``ModelBackend`` whose
``get_user`` keeps the member's row under a token.

Every signed-in page asked PostgreSQL for the member's row (``AuthenticationMiddleware``
through ``get_user``): with the session's query, half of "My bookings" in the profile
(``bench/profile_pages.py``). The row is now kept in the cache under a token per member
(``providers.cache.kept_under_token``) that every write of the row replaces, at once and
on commit: a save or a delete by signal (``PortalConfig.ready``), a bulk ``update()``
through ``MemberQuerySet``. So a member disabled, a password changed (which signs out
the other sessions through the session's hash), a role given, shows on the next request;
no timer decides it. Permissions are not kept: Django reads them per request, as before.
The cache down is a miss: the row is read from the database, as Django does.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from providers.cache import kept_under_token, replace_tokens

# Seconds a token and the row kept under it live unread; evicted or expired, one read
# from the database puts them back.
KEPT_FOR = 24 * 3600


def _keys(pk) -> tuple[str, str]:
    return f"signed-in:token:{pk}", f"signed-in:user:{pk}"


def changed(pks: Iterable) -> None:
    """These members' rows changed: their kept copies are not read again."""
    replace_tokens([_keys(pk)[0] for pk in pks], KEPT_FOR)


def on_write(sender, instance, **kwargs) -> None:
    """``post_save`` / ``post_delete`` of a member."""
    changed([instance.pk])


class KeptUserBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()

        def from_db():
            return model._default_manager.filter(pk=user_id).first()

        token, user = kept_under_token(*_keys(user_id), from_db, KEPT_FOR)
        if user is None or not self.user_can_authenticate(user):
            return None
        if token is not None:  # what the row was read with (``pagecache.signed_in_tokens``)
            user.signed_in_tokens = {_keys(user_id)[0]: token}
        return user
