"""The portal's own pages and endpoints (site, health, catalogue, accounts), included at
the root by portal.urls."""

from django.urls import path

from portal.views import accounts, catalogue, health, site

urlpatterns = [
    path("", site.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # catalogue: pages and JSON API
    path("spaces/", catalogue.space_list, name="space_list"),
    path("spaces/<int:pk>/", catalogue.space_detail, name="space_detail"),
    path("api/spaces", catalogue.api_spaces, name="api_spaces"),
    path("api/spaces/<int:pk>", catalogue.api_space, name="api_space"),
    path("api/openapi.json", catalogue.api_openapi, name="api_openapi"),
    # accounts (the rest of accounts/ is django.contrib.auth's, included after these)
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/signup/done/", accounts.signup_done, name="signup_done"),
    path("accounts/activate/<uidb64>/<token>/", accounts.activate, name="activate"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
]
