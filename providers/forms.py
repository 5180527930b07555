"""The staff form of a provider account: one typed field per declared setting and secret.

What a provider needs is declared in its ``SPEC`` (``providers.spec``): the form of an
account shows that provider's settings and secrets only. Secrets are write-only: never
rendered back, a blank field keeps the stored value, a check box clears it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from providers import registry
from providers.adapters import destinations
from providers.models import ProviderAccount
from providers.spec import ConfigField, ProviderSpec, SecretField


def _destination_error(kind: str, url: object) -> str:
    """Why staff cannot save this URL, and which URLs the deployment allows instead."""
    allowed = list(destinations.allowed_prefixes(kind))
    if destinations.sandbox_allowed():
        allowed.append(
            gettext("%(url)s (the sandbox, in development)") % {"url": "http://127.0.0.1:<port>"}
        )
    values = {
        "url": destinations.shown(url) if isinstance(url, str) else repr(url),
        "provider": registry.label(kind),
        "allowed": ", ".join(allowed),
        "variable": destinations.environment_variable(kind),
    }
    if not allowed:
        return (
            gettext(
                "This deployment allows no %(provider)s API URL yet. Its administrators "
                "list them in the environment variable %(variable)s."
            )
            % values
        )
    return (
        gettext(
            "%(url)s is not an allowed %(provider)s API URL. It must start with one of: "
            "%(allowed)s (set by the deployment in %(variable)s, not here)."
        )
        % values
    )


def config_field(declared: ConfigField) -> forms.Field:
    """The form field of one declared setting, typed as declared."""
    common: dict[str, Any] = {
        "label": declared.label,
        "help_text": declared.help_text,
        "required": declared.required,
    }
    if declared.type == "api_url":
        # a text field, not a URLField: the allow-list check (``clean``) says what is wrong
        # with a look-alike URL in words a URL validator would not
        return forms.CharField(max_length=500, widget=forms.URLInput, **common)
    if declared.type == "url":
        return forms.URLField(max_length=500, assume_scheme="https", **common)
    if declared.type == "email":
        return forms.EmailField(**common)
    if declared.type == "int":
        return forms.IntegerField(**common)
    if declared.type == "choice":
        choices = [("", "—"), *declared.choices] if not declared.required else declared.choices
        return forms.ChoiceField(choices=choices, **common)
    if declared.type == "bool":
        return forms.BooleanField(**{**common, "required": False})
    return forms.CharField(max_length=500, **common)


def secret_field(declared: SecretField) -> forms.Field:
    return forms.CharField(
        label=declared.label,
        help_text=declared.help_text,
        required=False,  # a blank field keeps the stored value (checked in ``clean``)
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


class ProviderAccountForm(forms.ModelForm):
    """The fields common to every provider; ``account_form`` adds one provider's."""

    # Set on each provider's subclass; None for an account whose provider the registry no
    # longer has (its name, state and interval stay editable, its settings untouched).
    spec: ProviderSpec | None = None

    class Meta:
        model = ProviderAccount
        fields = ("name", "enabled", "sync_interval")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spec = self.spec
        if spec is None:
            return
        self.instance.kind = spec.kind  # a new account is of the chosen provider
        config = self.instance.config or {}
        for setting in spec.config_fields:
            if setting.name in config:
                self.initial.setdefault(f"config_{setting.name}", config[setting.name])
        stored = self.instance.credentials if self.instance.pk else {}
        for declared in spec.secret_fields:
            field = self.fields[f"secret_{declared.name}"]
            state = (
                _("Stored: leave blank to keep it, or type a new one to replace it.")
                if stored.get(declared.name)
                else _("Not set.")
            )
            field.help_text = f"{declared.help_text} {state}" if declared.help_text else state

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        spec = self.spec
        if spec is None:
            return cleaned
        kind = spec.kind
        for name in spec.api_url_names:
            url = cleaned.get(f"config_{name}")
            if url and not destinations.is_allowed(kind, url):
                self.add_error(f"config_{name}", _destination_error(kind, url))
        stored = self.instance.credentials if self.instance.pk else {}
        for declared in spec.secret_fields:
            typed = cleaned.get(f"secret_{declared.name}")
            cleared = cleaned.get(f"clear_{declared.name}")
            if typed and cleared:
                self.add_error(
                    f"clear_{declared.name}",
                    _("Either type a new value or clear the stored one, not both."),
                )
            kept = stored.get(declared.name) and not cleared
            if declared.required and not typed and not kept and not self.instance.pk:
                self.add_error(f"secret_{declared.name}", _("This provider needs it."))
        return cleaned

    def save(self, commit: bool = True) -> ProviderAccount:
        spec = self.spec
        if spec is None:
            return super().save(commit)
        account = super().save(commit=False)
        account.kind = spec.kind
        # The declared settings are the whole configuration: a blank one is left out.
        config: dict[str, Any] = {}
        for setting in spec.config_fields:
            value = self.cleaned_data.get(f"config_{setting.name}")
            if value not in (None, ""):
                config[setting.name] = value.strip() if isinstance(value, str) else value
        account.config = config
        # Only this provider's secrets are kept; a blank one keeps the stored value.
        stored = dict(account.credentials or {}) if account.pk else {}
        credentials: dict[str, str] = {}
        for declared in spec.secret_fields:
            name = declared.name
            typed = self.cleaned_data.get(f"secret_{name}")
            if typed:
                credentials[name] = typed
            elif stored.get(name) and not self.cleaned_data.get(f"clear_{name}"):
                credentials[name] = stored[name]
        account.credentials = credentials
        if commit:
            account.save()
        return account


def account_form(kind: str) -> type[ProviderAccountForm]:
    """The form class of an account at provider ``kind`` (``KeyError`` if unknown)."""
    spec = registry.spec(kind)
    attrs: dict[str, Any] = {"spec": spec, "__module__": __name__}
    for declared in spec.config_fields:
        attrs[f"config_{declared.name}"] = config_field(declared)
    for secret in spec.secret_fields:
        attrs[f"secret_{secret.name}"] = secret_field(secret)
        attrs[f"clear_{secret.name}"] = forms.BooleanField(
            label=_("Clear the stored %(secret)s") % {"secret": secret.label},
            required=False,
        )
    return type(f"{kind.title()}AccountForm", (ProviderAccountForm,), attrs)


def field_names(spec: ProviderSpec) -> tuple[list[str], list[str]]:
    """The form's setting fields and secret fields (with their clear boxes), in order."""
    config = [f"config_{f.name}" for f in spec.config_fields]
    secrets: list[str] = []
    for declared in spec.secret_fields:
        secrets += [f"secret_{declared.name}", f"clear_{declared.name}"]
    return config, secrets


class KindForm(forms.Form):
    """The first step of adding an account: which provider."""

    kind = forms.ChoiceField(label=_("Provider"), choices=registry.choices)
