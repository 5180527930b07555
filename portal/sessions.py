"""Sessions in the database, read from the shared cache: Django's ``cached_db``, safe
when the cache is down.

A signed-in page read its session from PostgreSQL on every request: about a fifth of
"My bookings" in the profile (``bench/profile_pages.py``). Django's ``cached_db`` engine
reads the cache first, but three of its cache calls are not guarded: ``load()`` writing
back what it read from the database, ``exists()`` and ``delete()``. With Redis restarting
each would answer a 500, and a sign-out would fail after the session row was deleted.
Here every cache call is guarded: a cache that is down is a miss, and the database,
which always holds the session, answers.

A copy the cache could not delete (a sign-out while Redis was unreachable but kept its
data) must not outlive that by much: the cached copy lives at most ``CACHED_FOR`` seconds,
while the session itself lives as long as ``SESSION_COOKIE_AGE`` says, in the database.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)

# Seconds a session's copy lives in the cache: a warm page reads it from there; after
# this, one read from the database puts it back.
CACHED_FOR = 300


class SessionStore(cached_db.SessionStore):
    def _cache_call(self, method: str, *args, default=None):
        try:
            return getattr(self._cache, method)(*args)  # type: ignore[attr-defined]
        except Exception as exc:  # redis.ConnectionError and friends
            logger.warning("session cache %s failed (%s)", method, type(exc).__name__)
            return default

    def _kept_for(self, age: int) -> int:
        return max(0, min(age, CACHED_FOR))

    def load(self):
        data = self._cache_call("get", self.cache_key)
        if data is not None:
            return data
        row = self._get_session_from_db()  # type: ignore[attr-defined]
        if not row:
            return {}
        data = self.decode(row.session_data)
        age = self.get_expiry_age(expiry=row.expire_date)
        self._cache_call("set", self.cache_key, data, self._kept_for(age))
        return data

    def exists(self, session_key):
        if session_key and self._cache_call(
            "has_key", self.cache_key_prefix + session_key, default=False
        ):
            return True
        return super(cached_db.SessionStore, self).exists(session_key)

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()  # which saves (here) once it has a key
        # the database first: it is what counts; the cache's copy follows
        super(cached_db.SessionStore, self).save(must_create)
        age = self._kept_for(self.get_expiry_age())
        data = self._session  # type: ignore[attr-defined]
        if self._cache_call("set", self.cache_key, data, age, default=False) is False:
            # not written: an older copy must not be read in its place
            self._cache_call("delete", self.cache_key)

    def delete(self, session_key=None):
        super(cached_db.SessionStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache_call("delete", self.cache_key_prefix + session_key)
