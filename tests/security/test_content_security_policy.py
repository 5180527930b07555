"""Every page sends a strict Content-Security-Policy (django-csp): scripts and styles only
from our own files, no inline code, no framing. What the browser makes of it is in
tests/e2e/test_csp.py; here, the header itself and the markup that must fit it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/spaces/", "/accounts/login/", "/admin/login/"])
def test_pages_send_the_strict_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    for name, values in STRICT.items():
        assert policy[name] == values, name
    # provider photos are stored and served by the portal: images from our origin only
    assert policy["img-src"] == ["'self'"]
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_an_htmx_fragment_and_a_not_found_page_carry_it_too(client):
    fragment = client.get("/spaces/", headers={"HX-Request": "true", "HX-Target": "results"})
    assert directives(fragment["Content-Security-Policy"])["script-src"] == ["'self'"]
    missing = client.get("/spaces/999999/")
    assert missing.status_code == 404
    assert directives(missing["Content-Security-Policy"])["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_a_page_that_fits_the_policy():
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "a@example.com", "password": "x"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form has expired" in page
    assert "reload the page and try again" in page
    assert "<style" not in page  # Django's built-in page has one, refused by the policy
    assert directives(response["Content-Security-Policy"])["style-src"] == ["'self'"]


@pytest.mark.slow
def test_the_production_profile_allows_images_of_our_origin_and_the_media_cdn():
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DEBUG": "false",
        "SECRET_KEY": "x" * 30 + "-production-secret-key-for-the-check-1234567890",
        "SITE_URL": "https://portal.example.com",
        "MEDIA_URL": "https://media.example.net/portal/",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from csp.utils import build_policy; print(build_policy())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    policy = directives(result.stdout.strip())
    for name, values in STRICT.items():
        assert policy[name] == values, name
    # stored photos come from the media storage's own host when MEDIA_URL names one
    assert policy["img-src"] == ["'self'", "https://media.example.net"]


# Markup the policy refuses: event-handler attributes, inline <script>, style attributes
# and <style> blocks, htmx's eval-based hx-on / hx-vars and js: values.
INLINE = re.compile(
    r"""<[a-z][^>]*\s(on[a-z]+|style|hx-on[:\w-]*|hx-vars)\s*=   # attribute
      | <script(?![^>]*\bsrc=)[^>]*>                             # inline script
      | <style\b                                                 # style block
      | hx-vals\s*=\s*["']js:                                    # evaluated values""",
    re.IGNORECASE | re.VERBOSE,
)


def markup_files() -> list[Path]:
    files = [p for p in (ROOT / "templates").rglob("*.html")]
    for package in ("portal", "providers", "bookings"):
        files += (ROOT / package).rglob("*.html")
        files += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return files


def test_no_template_or_admin_markup_needs_inline_script_or_style():
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in markup_files()
        for match in INLINE.finditer(path.read_text())
    ]
    assert offenders == []
