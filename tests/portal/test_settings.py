"""Settings come from the environment; nonsense fails at start with a clear message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import (
    env_bool,
    env_email,
    env_int,
    env_list,
    env_names,
    env_timezone,
    env_url,
    env_url_prefixes,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), ("yes", True), ("off", False), ("0", False), (" No ", False)],
)
def test_booleans_accept_the_usual_spellings(raw, expected):
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_a_missing_or_empty_boolean_takes_the_default():
    assert env_bool("DEBUG", True, environ={}) is True
    assert env_bool("DEBUG", False, environ={"DEBUG": "  "}) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "treu"])
def test_a_nonsense_boolean_is_refused_naming_the_variable(raw):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", True, environ={"DEBUG": raw})


def test_integers_lists_and_time_zones():
    assert env_int("N", 3, environ={"N": "42"}) == 42
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("N", 3, environ={"N": "4.2"})
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("N", 3, minimum=0, environ={"N": "-1"})
    assert env_list("HOSTS", [], environ={"HOSTS": "a.com, b.com"}) == ["a.com", "b.com"]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("HOSTS", [], environ={"HOSTS": "a.com,,b.com"})
    assert env_timezone("TZ", "UTC", environ={"TZ": "Europe/Dublin"}) == "Europe/Dublin"
    with pytest.raises(ImproperlyConfigured, match="IANA time zone"):
        env_timezone("TZ", "UTC", environ={"TZ": "Mars/Olympus"})


def test_urls_must_have_an_allowed_scheme_and_a_host():
    url = env_url("SITE_URL", "", schemes=("http", "https"), environ={"SITE_URL": "https://x.io/"})
    assert url == "https://x.io"
    with pytest.raises(ImproperlyConfigured, match="must start with"):
        env_url("SITE_URL", "", schemes=("http", "https"), environ={"SITE_URL": "x.io"})
    with pytest.raises(ImproperlyConfigured, match="not a valid URL"):
        env_url("REDIS_URL", "", schemes=("redis",), environ={"REDIS_URL": "redis://h:port/0"})
    with pytest.raises(ImproperlyConfigured, match="no host"):
        env_url("SITE_URL", "", schemes=("https",), environ={"SITE_URL": "https://"})


def test_provider_url_prefixes_are_absolute_urls_without_user_query_or_fragment():
    environ = {"PROVIDER_URLS_THIA": "https://thia.work/api/v1/partner/, https://thia.eu"}
    assert env_url_prefixes("PROVIDER_URLS_THIA", [], environ=environ) == [
        "https://thia.work/api/v1/partner",
        "https://thia.eu",
    ]
    assert env_url_prefixes("PROVIDER_URLS_THIA", ["https://a.io"], environ={}) == ["https://a.io"]
    for bad, message in [
        ("thia.work/api", "must be an absolute URL"),
        ("ftp://thia.work", "must be an absolute URL"),
        ("https://user@thia.work", "without a user, query or fragment"),
        ("https://thia.work/api?key=1", "without a user, query or fragment"),
        ("https://thia.work:port", "not a valid URL"),
        ("https://a.io,,https://b.io", "empty item"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=message):
            env_url_prefixes("PROVIDER_URLS_THIA", [], environ={"PROVIDER_URLS_THIA": bad})
    environ = {"PROVIDER_URLS_THIA": "https://t.io", "PROVIDER_URLS_ZENTRY": " ", "OTHER": "x"}
    assert env_names("PROVIDER_URLS_", environ=environ) == ["PROVIDER_URLS_THIA"]


def test_email_urls():
    smtp = env_email("E", "", environ={"E": "smtp://user:p%40ss@mail.example.com:587?tls=true"})
    assert smtp["EMAIL_HOST"] == "mail.example.com"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    assert env_email("E", "", environ={"E": "file:///var/mail"})["EMAIL_FILE_PATH"] == "/var/mail"
    assert "console" in env_email("E", "console://", environ={})["EMAIL_BACKEND"]
    with pytest.raises(ImproperlyConfigured, match="must start with"):
        env_email("E", "", environ={"E": "pigeon://coop"})


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the real settings module in a fresh interpreter with this environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import portal.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "perhaps"}, "DEBUG='perhaps' is not a boolean"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is false"),
        ({"DATABASE_URL": "mysqlx://nowhere"}, "DATABASE_URL is not a database URL"),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL='http://localhost:6379' must start"),
        ({"TIME_ZONE": "Europe/Atlantis"}, "TIME_ZONE='Europe/Atlantis' is not an IANA"),
        ({"EMAIL_URL": "pigeon://x"}, "EMAIL_URL must start with"),
        ({"PROVIDER_URLS_THIA": "thia.work"}, "PROVIDER_URLS_THIA: 'thia.work' must be"),
        ({"MEDIA_URL": "media"}, "MEDIA_URL='media' must be a path or an http(s) URL"),
        ({"MEDIA_STORAGE_OPTIONS": "{bucket"}, "MEDIA_STORAGE_OPTIONS is not JSON"),
        ({"MEDIA_STORAGE_OPTIONS": "[1]"}, "MEDIA_STORAGE_OPTIONS must be a JSON object"),
    ],
)
def test_the_portal_refuses_to_start_on_a_bad_value(env, message):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.slow
def test_defaults_need_no_server_and_database_url_selects_postgres():
    assert _load_settings().stdout.strip() == "django.db.backends.sqlite3"
    pg = _load_settings(DATABASE_URL="postgres://u:p@db.internal:5432/portal")
    assert pg.stdout.strip() == "django.db.backends.postgresql"


@pytest.mark.slow
def test_production_profile_passes_check_deploy():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DEBUG": "false",
        "SECRET_KEY": "x" * 30 + "-production-secret-key-for-the-check-1234567890",
        "ALLOWED_HOSTS": "portal.example.com",
        "SITE_URL": "https://portal.example.com",
        "DATABASE_URL": "postgres://portal:secret@db.internal:5432/portal",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "EMAIL_URL": "smtp://mailer:secret@smtp.example.com:587?tls=true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def _cache_settings(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(env)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, portal.settings as s; print(json.dumps(s.CACHES['default']))",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_without_redis_every_process_shares_one_cache_under_the_var_folder(tmp_path):
    embedded = _cache_settings(PORTAL_VAR_DIR=str(tmp_path))
    assert embedded["BACKEND"] == "diskcache.DjangoCache"  # files, not one process's memory
    assert embedded["LOCATION"] == str(tmp_path / "cache")
    redis = _cache_settings(PORTAL_VAR_DIR=str(tmp_path), REDIS_URL="redis://cache:6379/0")
    assert redis["BACKEND"] == "portal.redis_cache.RedisCache"
    assert redis["LOCATION"] == "redis://cache:6379/0"
