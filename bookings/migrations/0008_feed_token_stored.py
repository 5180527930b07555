"""Feed tokens are stored random values, no longer HMACs of a nonce under SECRET_KEY.

Until now the link was rebuilt from the row's nonce and ``SECRET_KEY`` each time it was
shown, while the feed accepted the token whose SHA-256 was stored: after a change of
``SECRET_KEY`` the profile and the emails showed a link that did not work, and the old one
kept working. This stores each active token as the profile shows it today.

Existing links keep working: the token is rebuilt here exactly as the portal built it (run
this with the ``SECRET_KEY`` the portal runs with), and its digest is the stored one. A row
whose stored digest does not match the rebuilt token was made under an older
``SECRET_KEY``: the link shown and emailed since that change never worked, and the token
subscriptions use cannot be rebuilt. Such a row takes the token shown since the change, so
the link the member sees works (subscriptions made before the key change must subscribe
again). Revoked rows get a fresh random token (their links never work again).

Reversing keeps the stored digests (the links keep working) but the old code shows links
built from new nonces: members would need to renew their link.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import migrations, models

import bookings.models


def _hmac_token(member_id: int, nonce: str) -> str:
    """The token as bookings.models.FeedToken.token built it before this migration."""
    key = hashlib.sha256(b"portal-feed-token:" + settings.SECRET_KEY.encode()).digest()
    mac = hmac.new(key, f"{member_id}:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def store_tokens(apps, schema_editor):
    FeedToken = apps.get_model("bookings", "FeedToken")
    for row in list(FeedToken.objects.only("pk", "member_id", "nonce", "revoked_at")):
        if row.revoked_at is None:
            token = _hmac_token(row.member_id, row.nonce)
        else:
            token = secrets.token_urlsafe(32)
        digest = hashlib.sha256(token.encode()).hexdigest()
        FeedToken.objects.filter(pk=row.pk).update(token=token, digest=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_search_covering_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedtoken",
            name="token",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(store_tokens, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="feedtoken",
            name="token",
            field=models.CharField(
                default=bookings.models._feed_token, editable=False, max_length=64
            ),
        ),
        migrations.RemoveField(
            model_name="feedtoken",
            name="nonce",
        ),
    ]
