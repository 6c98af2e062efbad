from django.urls import path

from hearth.directory import feed, views

service = "directory/services/<str:service_id>"

urlpatterns = [
    # The public Open Referral UK 3.0 feed.
    path("openreferral/", feed.root, name="oruk_root"),
    path("openreferral/services", feed.services, name="oruk_services"),
    path("openreferral/services/<str:service_id>", feed.service, name="oruk_service"),
    path(
        "openreferral/service_at_locations",
        feed.service_at_locations,
        name="oruk_service_at_locations",
    ),
    # The directory's pages.
    path("directory/", views.directory_home, name="directory_home"),
    path("directory/import/", views.directory_import_page, name="directory_import"),
    path("directory/organisations/", views.organisation_list, name="directory_organisations"),
    path("directory/organisations/new/", views.organisation_add, name="directory_organisation_add"),
    path(
        "directory/organisations/<str:organisation_id>/services/new/",
        views.service_add,
        name="directory_service_add",
    ),
    path(f"{service}/", views.service_detail, name="directory_service"),
    path(f"{service}/change/", views.service_change, name="directory_service_change"),
    path(f"{service}/confirm/", views.service_confirm, name="directory_service_confirm"),
]
