from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bookings import calendar_views
from bookings import views as booking_views
from portal import availability_views, catalogue_views, views
from portal.forms import MemberPasswordResetForm
from providers import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("spaces/", catalogue_views.space_list, name="space_list"),
    path("spaces/<int:pk>/", catalogue_views.space_detail, name="space_detail"),
    path("api/spaces", api.spaces, name="api_spaces"),
    path("api/spaces/<int:pk>", api.space, name="api_space"),
    path("api/openapi.json", api.openapi, name="api_openapi"),
    path("api/resources/<int:pk>/slots", availability_views.resource_slots, name="api_slots"),
    path("api/offers/<int:pk>/days", availability_views.offer_days, name="api_offer_days"),
    path("resources/<int:pk>/", availability_views.resource_detail, name="resource_detail"),
    path(
        "resources/<int:pk>/calendar.ics",
        calendar_views.resource_calendar,
        name="resource_calendar",
    ),
    path("offers/<int:pk>/", availability_views.offer_detail, name="offer_detail"),
    path("bookings/", booking_views.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/", booking_views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/cancel/", booking_views.cancel_booking, name="cancel_booking"),
    path(
        "bookings/<int:pk>/register/",
        booking_views.register_organization,
        name="register_organization",
    ),
    path("resources/<int:pk>/book/", booking_views.book_resource, name="book_resource"),
    path("offers/<int:pk>/book/", booking_views.book_offer, name="book_offer"),
    path("calendar/<str:token>.ics", calendar_views.member_feed, name="member_feed"),
    path("bookings/<int:pk>/event.ics", calendar_views.booking_event, name="booking_event"),
    path("accounts/calendar/renew/", calendar_views.renew_feed, name="renew_feed"),
    path("accounts/calendar/revoke/", calendar_views.revoke_feed, name="revoke_feed"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/profile/", views.profile, name="profile"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            form_class=MemberPasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"
