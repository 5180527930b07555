from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import catalogue_views, views
from providers import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("spaces/", catalogue_views.space_list, name="space_list"),
    path("spaces/<int:pk>/", catalogue_views.space_detail, name="space_detail"),
    path("api/spaces", api.spaces, name="api_spaces"),
    path("api/spaces/<int:pk>", api.space, name="api_space"),
    path("api/openapi.json", api.openapi, name="api_openapi"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/profile/", views.profile, name="profile"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
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
