"""The referral routes' own pages, under the obligation they act on."""

from django.urls import path

from hearth.referrals import views

obligation = "obligations/<int:obligation_id>"

urlpatterns = [
    path(f"{obligation}/decision/", views.obligation_decision, name="obligation_decision"),
    path(
        f"{obligation}/assessments/<int:assessment_id>/",
        views.obligation_assessment,
        name="obligation_assessment",
    ),
    path(f"{obligation}/referral/", views.marac_referral_edit, name="marac_referral_edit"),
    path(
        f"{obligation}/children/<int:child_id>/notify/",
        views.marac_child_notification_raise,
        name="marac_child_notification_raise",
    ),
]
