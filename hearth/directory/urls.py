from django.urls import path

from hearth.directory import feed

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
]
