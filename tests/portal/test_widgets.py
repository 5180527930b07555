"""``QuickSelect`` writes what Django's ``Select`` templates write, byte for byte."""

from __future__ import annotations

import pytest
from django import forms

from portal.forms import ProfileForm
from portal.models import User
from portal.widgets import QuickSelect

CHOICES = [
    ("", "---"),
    ("Europe", [("Europe/Dublin", "Dublin"), ("Europe/Paris", 'Paris & "Île"')]),
    ("x<y", "a <b> label"),
    (7, 7),
]


@pytest.mark.parametrize("value", [None, "Europe/Paris", "x<y", 7, ["", "7"]])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_tz", "required": True, "disabled": False, "data-x": 'a"b'}]
)
def test_quick_select_writes_what_djangos_select_writes(value, attrs):
    django_select = forms.Select(choices=CHOICES)
    quick = QuickSelect(choices=CHOICES)
    assert quick.render("tz", value, attrs) == django_select.render("tz", value, attrs)


@pytest.mark.django_db
def test_the_profile_forms_zones_are_what_django_would_write():
    member = User.objects.create_user(email="q@example.com", password="pw-q-123456789")
    form = ProfileForm(instance=member)
    field = form["timezone"]
    django_select = forms.Select(choices=field.field.choices)
    assert field.as_widget() == field.as_widget(widget=django_select)
    assert 'value="Europe/Dublin"' in field.as_widget()
