"""Hearth's URLs. Every view is marked as reading personal data or not (hearth.audit)."""

from django.urls import include, path

from config.api import api
from hearth.accounts import views as account_views
from hearth.core import views as core_views

handler403 = "hearth.core.views.forbidden"
handler404 = "hearth.core.views.not_found"
handler500 = "hearth.core.views.server_error"

urlpatterns = [
    path("", include("hearth.accounts.urls")),
    # Sign-in email addresses are managed by administrators, not changed by their owners.
    path("account/email/", account_views.email_managed_by_administrator, name="email_managed"),
    path("account/", include("allauth.urls")),
    path("audit/", include("hearth.audit.urls")),
    path("", include("hearth.people.urls")),
    path("", include("hearth.matching.urls")),
    path("", include("hearth.incidents.urls")),
    path("risk/", include("hearth.risk.urls")),
    path("", include("hearth.obligations.urls")),
    path("", include("hearth.referrals.urls")),
    path("", include("hearth.encompass.urls")),
    path("", include("hearth.specialist.urls")),
    path("", include("hearth.marac.urls")),
    path("", include("hearth.voices.urls")),
    path("", include("hearth.families.urls")),
    path("schools/", include("hearth.schools.urls")),
    path("", include("hearth.directory.urls")),
    path("", include("hearth.search.urls")),
    path("statistics/", include("hearth.stats.urls")),
    path("api/v1/", api.urls),
    path("cookies/", core_views.cookies, name="cookies"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("healthz", core_views.healthz, name="healthz"),
]
