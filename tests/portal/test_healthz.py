"""/healthz tells a load balancer whether the portal can serve, and why not."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.services import free_port


@pytest.mark.django_db
def test_healthy_portal_answers_200_with_every_part_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["cache"]["ok"] and body["broker"]["ok"]
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_it_answers_503(client):
    """Point the live connection at a server that is not there (a closed port, or a
    SQLite file in a folder that does not exist): the check must fail for real."""
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-folder/portal.sqlite3"
    else:
        connection.settings_dict["PORT"] = str(free_port())
        connection.settings_dict["HOST"] = "127.0.0.1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"]["ok"] is False
    assert "OperationalError" in body["database"]["error"]
    assert "password" not in response.content.decode().lower()


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
