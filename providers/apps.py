from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers and catalogue"

    def ready(self) -> None:
        from providers import checks, selectors  # noqa: F401 - checks register themselves

        selectors.watch_catalogue()
