"""Members' accounts: sign up and activate, password reset, the page of a locked-out
login, and the profile page (details, calendar link)."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bookings import calendars
from bookings.http import AuthenticatedHttpRequest
from bookings.models import FeedToken
from bookings.pagecache import (
    KeptAnswers,
    made_of_all,
    render_kept,
    tokens_now,
    within_a_day,
)
from portal import accounts
from portal.forms import MemberPasswordResetForm, ProfileForm, SignUpForm


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            language=translation.get_language() or "en",
            client=accounts.client_address(request),
        )
        return redirect("signup_done")  # the same answer whether the address had an account
    return render(request, "registration/signup.html", {"form": form}, status=_status(form))


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_done.html")


def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = accounts.activate(uidb64, token)
    if user is None:
        return render(request, "registration/activation_invalid.html", status=400)
    login(request, user, backend="portal.signed_in.KeptUserBackend")
    messages.success(
        request,
        _("Welcome! Add your phone number so providers can reach you about bookings."),
    )
    return redirect("profile")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, in the member's language, within the account email limits: past them it
    answers the same and sends nothing."""

    form_class = MemberPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if accounts.may_send_account_email(email, accounts.client_address(self.request)):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The answer to a login refused after too many failures (AXES_LOCKOUT_CALLABLE): the
    member's and the staff panel's alike. Each refused try starts the pause again."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": max(1, math.ceil(seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


# the profile page, kept in this process with the tokens it was made from (``KeptAnswers``;
# never in the shared cache: it shows the private calendar link)
_profiles = KeptAnswers(256)


@login_required
@never_cache  # the page shows the member's private calendar link: no copy kept anywhere
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    # the link names the address the member came by
    name = "profile:" + request.build_absolute_uri("/")
    if (kept := _profiles.get(request, name)) is not None:
        return kept
    # what the page shows, read with or before it: the member's row (read with its token
    # when the member was signed in) and the calendar links
    read = tokens_now({calendars.LINKS_TOKEN_KEY: calendars.FEED_TIMEOUT}, member=request.user)
    made = made_of_all(read, within_a_day(None))
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        target = request.GET.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
            return redirect(target)  # back to the booking that asked for the profile
        return redirect("profile")
    feed = FeedToken.active(request.user)
    feed_url = (
        request.build_absolute_uri(reverse("member_feed", args=[feed.token])) if feed else None
    )
    return render_kept(
        request,
        "account/profile.html",
        {"form": form, "feed_url": feed_url},
        None,
        status=_status(form),
        answers=_profiles,
        name=name,
        made=made,
        shared=False,
    )


def _status(form) -> int:
    """400 for a submitted form with errors, so clients and tests can tell."""
    return 400 if form.is_bound and form.errors else 200
