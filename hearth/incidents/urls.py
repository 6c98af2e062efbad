from django.urls import path

from hearth.incidents import views

incident = "incidents/<int:incident_id>"

urlpatterns = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_start, name="incident_start"),
    path(f"{incident}/", views.incident_detail, name="incident_detail"),
    path(f"{incident}/details/", views.incident_details, name="incident_details"),
    path(f"{incident}/what-happened/", views.incident_what_happened, name="incident_what_happened"),
    path(f"{incident}/police-action/", views.incident_police_action, name="incident_police_action"),
    path(f"{incident}/adults/", views.incident_adults, name="incident_adults"),
    path(f"{incident}/relationship/", views.incident_relationship, name="incident_relationship"),
    path(f"{incident}/children/", views.incident_children, name="incident_children"),
    path(f"{incident}/pregnancy/", views.incident_pregnancy, name="incident_pregnancy"),
    path(f"{incident}/check/", views.incident_check, name="incident_check"),
    path(f"{incident}/review/", views.incident_review, name="incident_review"),
    path(
        f"{incident}/people/<slug:role>/add/",
        views.incident_person_find,
        name="incident_person_find",
    ),
    path(
        f"{incident}/people/<slug:role>/existing-records/",
        views.incident_person_matches,
        name="incident_person_matches",
    ),
    path(
        f"{incident}/people/<slug:role>/details/",
        views.incident_person_details,
        name="incident_person_details",
    ),
    path(
        f"{incident}/people/<int:person_id>/remove/",
        views.incident_person_remove,
        name="incident_person_remove",
    ),
    path(
        f"{incident}/children/<int:child_id>/relationships/",
        views.incident_child_relationships,
        name="incident_child_relationships",
    ),
    path(
        f"{incident}/children/<int:child_id>/<slug:step>/",
        views.incident_child_step,
        name="incident_child_step",
    ),
    path("children/<int:child_id>/", views.child_detail, name="child_detail"),
]
