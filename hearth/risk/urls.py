from django.urls import path

from hearth.risk import views

assessment = "assessments/<int:assessment_id>"

urlpatterns = [
    path(
        "incidents/<int:incident_id>/assessments/new/",
        views.risk_assessment_start,
        name="risk_assessment_start",
    ),
    path(f"{assessment}/", views.risk_assessment_detail, name="risk_assessment_detail"),
    path(f"{assessment}/safety/", views.risk_assessment_safety, name="risk_assessment_safety"),
    path(
        f"{assessment}/sections/<slug:section>/",
        views.risk_assessment_section,
        name="risk_assessment_section",
    ),
    path(f"{assessment}/check/", views.risk_assessment_check, name="risk_assessment_check"),
    path(
        f"{assessment}/countersign/",
        views.risk_assessment_countersign,
        name="risk_assessment_countersign",
    ),
    path(
        "children/<int:child_id>/incidents/<int:incident_id>/",
        views.risk_child,
        name="risk_child",
    ),
    path("victims/<int:victim_id>/", views.risk_victim, name="risk_victim"),
    path("areas/", views.risk_area_list, name="risk_area_list"),
    path("areas/<int:area_id>/", views.risk_area_settings, name="risk_area_settings"),
]
