"""Provider credentials are encrypted at rest (Fernet, from the cryptography package)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _fernet() -> Fernet:
    # CREDENTIALS_KEY lets operators rotate SECRET_KEY without losing provider secrets.
    material = getattr(settings, "CREDENTIALS_KEY", "") or settings.SECRET_KEY
    key = base64.urlsafe_b64encode(
        hashlib.sha256(b"portal-credentials:" + material.encode()).digest()
    )
    return Fernet(key)


def encrypt(data: dict[str, Any]) -> str:
    return _fernet().encrypt(json.dumps(data, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict[str, Any]:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise ImproperlyConfigured(
            "Provider credentials cannot be decrypted: SECRET_KEY (or CREDENTIALS_KEY) changed "
            "since they were saved. Restore the old key or enter the credentials again."
        ) from None


class EncryptedJSONField(models.TextField):
    """A dict stored as a Fernet token; the database never holds the plain secret."""

    # for the type checker (django-stubs): the field holds a dict, not the text it stores
    _pyi_private_set_type: dict[str, Any]  # type: ignore[assignment]
    _pyi_private_get_type: dict[str, Any]  # type: ignore[assignment]

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else {}

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        return decrypt(value) if value else {}

    def get_prep_value(self, value):
        if not value:
            return ""
        if isinstance(value, str):  # already a token
            return value
        return encrypt(value)
