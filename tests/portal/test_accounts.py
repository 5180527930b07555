"""Members sign up, log in and out, reset a forgotten password, and edit their profile."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return User.objects.create_user(
        email="ada@example.com", password="correct horse 42", first_name="Ada", last_name="L"
    )


def test_sign_up_then_the_emailed_link_activates_the_member_and_logs_them_in(client):
    response = client.post(
        reverse("signup"),
        {
            "email": "New.Member@Example.com",
            "first_name": "New",
            "last_name": "Member",
            "password1": "a-long-enough-pass-42",
            "password2": "a-long-enough-pass-42",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("signup_done")
    assert "Check your inbox" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["new.member@example.com"]
    link = re.search(r"https?://[^/]+(/accounts/activate/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("profile")
    assert "Signed in as new.member@example.com" in response.content.decode()
    assert User.objects.get().email == "new.member@example.com"


def test_sign_up_with_a_taken_email_emails_its_owner_instead_of_saying_so(client, member):
    response = client.post(
        reverse("signup"),
        {
            "email": "ADA@example.com",
            "first_name": "A",
            "last_name": "B",
            "password1": "a-long-enough-pass-42",
            "password2": "a-long-enough-pass-42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("signup_done")
    assert User.objects.count() == 1
    assert "already have an account" in mail.outbox[0].body


def test_log_in_and_out(client, member):
    response = client.post(
        reverse("login"), {"username": "ada@example.com", "password": "correct horse 42"}
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("profile")).status_code == 302  # back to the login page


def test_a_wrong_password_shows_an_error(client, member):
    response = client.post(reverse("login"), {"username": "ada@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct" in response.content.decode().lower()


def test_password_reset_by_email(client, member):
    response = client.post(reverse("password_reset"), {"email": "ada@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"},
    )
    assert response.status_code == 302
    login = {"username": "ada@example.com", "password": "brand-new-secret-77"}
    assert client.post(reverse("login"), login).status_code == 302
    assert not client.get(link, follow=True).context["validlink"]  # the link works once


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "ghost@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_the_time_zone_list_is_cities_by_region_without_raw_entries(client, member):
    client.force_login(member)
    page = client.get(reverse("profile")).content.decode()
    select = page[
        page.index('name="timezone"') : page.index("</select>", page.index('name="timezone"'))
    ]
    values = re.findall(r'<option value="([^"]+)"', select)
    assert "Europe/Paris" in values and "UTC" in values
    for raw in ("Factory", "localtime", "Etc/GMT+5", "US/Pacific", "Asia/Calcutta"):
        assert raw not in values
    assert len(values) < 450
    assert '<optgroup label="Europe">' in select
    assert ">Paris (France)</option>" in select


def test_a_saved_zone_outside_the_list_stays_selectable(client, member):
    member.timezone = "Asia/Calcutta"  # an alias, saved before the list was curated
    member.save()
    client.force_login(member)
    page = client.get(reverse("profile")).content.decode()
    assert '<option value="Asia/Calcutta" selected>' in page


def test_profile_edit_saves_what_providers_need(client, member):
    client.force_login(member)
    response = client.post(
        reverse("profile"),
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "phone": "+44 20 7946 0958",
            "company": "Analytical Engines Ltd",
            "language": "fr",
            "timezone": "Europe/London",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.last_name, member.phone, member.language, member.timezone) == (
        "Lovelace",
        "+44 20 7946 0958",
        "fr",
        "Europe/London",
    )
    assert member.profile_complete
    # the member's language now drives the pages
    assert client.get(reverse("profile"))["Content-Language"] == "fr"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call me maybe", "phone number"),
        ("timezone", "Mars/Olympus", "Select a valid choice"),
        ("language", "de", "Select a valid choice"),
        ("first_name", "", "This field is required"),
    ],
)
def test_profile_edit_with_bad_input_is_a_400_with_a_message(client, member, field, value, message):
    client.force_login(member)
    data = {
        "first_name": "Ada",
        "last_name": "L",
        "phone": "+44 20 7946 0958",
        "company": "",
        "language": "en",
        "timezone": "Europe/London",
        field: value,
    }
    response = client.post(reverse("profile"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.timezone == "Europe/Paris"  # nothing saved


def test_staff_reach_the_admin_and_members_do_not(client, member):
    client.force_login(member)
    assert client.get("/admin/").status_code == 302
    staff = User.objects.create_superuser(email="boss@example.com", password="x-admin-pass-99")
    client.force_login(staff)
    page = client.get("/admin/portal/user/")
    assert page.status_code == 200
    assert "ada@example.com" in page.content.decode()


def test_the_reset_email_is_in_the_members_language(client):
    User.objects.create_user(email="zoe@example.com", password="pw-zoe-123456", language="fr")
    client.post(reverse("password_reset"), {"email": "zoe@example.com"}, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        mail.outbox[0].subject
        == "Réinitialisation du mot de passe de votre compte Portail Coworking"
    )
    assert "Choisissez" in mail.outbox[0].body or "mot de passe" in mail.outbox[0].body
