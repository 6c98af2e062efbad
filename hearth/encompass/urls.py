"""Operation Encompass pages: the school's inbox and notifications, the force's list of
what it sent, and each area's choices."""

from django.urls import path

from hearth.encompass import views as encompass

urlpatterns = [
    path("work/areas/encompass/", encompass.encompass_area_list, name="encompass_area_list"),
    path(
        "work/areas/encompass/<int:area_id>/",
        encompass.encompass_area_settings,
        name="encompass_area_settings",
    ),
    path("encompass/", encompass.encompass_inbox, name="encompass_inbox"),
    path("encompass/sent/", encompass.encompass_sent, name="encompass_sent"),
    path("encompass/<int:obligation_id>/", encompass.encompass_detail, name="encompass_detail"),
    path(
        "encompass/<int:obligation_id>/acknowledge/",
        encompass.encompass_acknowledge,
        name="encompass_acknowledge",
    ),
    path(
        "encompass/<int:obligation_id>/support/",
        encompass.encompass_support,
        name="encompass_support",
    ),
    path(
        "encompass/<int:obligation_id>/outcome/",
        encompass.encompass_outcome,
        name="encompass_outcome",
    ),
]
