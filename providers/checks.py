"""System checks of the provider settings (``manage.py check``; ``--deploy`` adds one).

``PROVIDER_URLS_<KIND>`` is read before the providers are known (settings come first), so
a misspelt kind (``PROVIDER_URLS_THAI``) is caught here instead of silently allowing
nothing new.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from providers import registry


@checks.register()
def provider_urls_name_known_providers(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    known = registry.kinds()
    return [
        checks.Error(
            f"PROVIDER_URLS_{kind.upper()} names no provider.",
            hint="Use one of: " + ", ".join(f"PROVIDER_URLS_{k.upper()}" for k in known),
            id="providers.E001",
        )
        for kind in getattr(settings, "PROVIDER_URLS", {})
        if kind not in known
    ]


@checks.register(deploy=True)
def sandbox_is_for_development(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if getattr(settings, "PROVIDER_ALLOW_SANDBOX", False) and not settings.DEBUG:
        return [
            checks.Warning(
                "PROVIDER_ALLOW_SANDBOX is on: provider accounts may point at any port of "
                "this machine over plain http.",
                hint="Unset PROVIDER_ALLOW_SANDBOX in production.",
                id="providers.W001",
            )
        ]
    return []
