"""Specialist support pages."""

from django.urls import path

from hearth.specialist import views

urlpatterns = [
    path("children/<int:child_id>/specialist/", views.refer_options, name="specialist_refer"),
    path(
        "children/<int:child_id>/specialist/<str:service_id>/refer/",
        views.refer_form,
        name="specialist_refer_form",
    ),
    path("specialist/referrals/", views.referrals, name="specialist_referrals"),
    path(
        "children/<int:child_id>/specialist/unmet-need/",
        views.refer_unmet,
        name="specialist_refer_unmet",
    ),
    path("specialist/waiting-list/", views.waiting_list, name="specialist_waiting_list"),
    path("specialist/unmet-need/", views.unmet_need, name="specialist_unmet_need"),
    path("specialist/settings/", views.settings_list, name="specialist_settings"),
    path(
        "specialist/settings/<int:area_id>/",
        views.settings_area,
        name="specialist_settings_area",
    ),
    path("specialist/<int:obligation_id>/", views.referral_detail, name="specialist_referral"),
    path(
        "specialist/<int:obligation_id>/acknowledge/",
        views.referral_acknowledge,
        name="specialist_acknowledge",
    ),
    path("specialist/<int:obligation_id>/accept/", views.referral_accept, name="specialist_accept"),
    path(
        "specialist/<int:obligation_id>/decline/", views.referral_decline, name="specialist_decline"
    ),
    path("specialist/<int:obligation_id>/start/", views.referral_start, name="specialist_start"),
    path(
        "specialist/<int:obligation_id>/session/", views.referral_session, name="specialist_session"
    ),
    path(
        "specialist/<int:obligation_id>/outcome/", views.referral_outcome, name="specialist_outcome"
    ),
]
