"""Settings of the test suite: the portal's own, on servers started for the run."""

from tests.services import configure

configure()

from portal.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
