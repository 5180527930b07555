from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """Development only: gives the sandbox its ``manage.py sandbox`` command."""

    name = "sandbox"
    verbose_name = "Provider sandbox (development)"
