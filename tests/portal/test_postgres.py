"""The suite's real PostgreSQL server: the database the portal runs on in production."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from portal.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_suite_runs_on_a_real_postgresql_server():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    assert int(version.split(".")[0]) >= 13


def test_postgresql_enforces_one_account_per_email():
    User.objects.create_user(email="one@example.com", password="pw-one-two-three")
    with pytest.raises(IntegrityError), transaction.atomic():
        # bypass the form and the manager: the database itself refuses the duplicate
        User.objects.bulk_create([User(email="one@example.com", password="x")])
    assert User.objects.filter(email="one@example.com").count() == 1
