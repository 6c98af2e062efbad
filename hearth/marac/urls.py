"""MARAC pages (the MARAC's own agency only)."""

from django.urls import path

from hearth.marac import views

urlpatterns = [
    path("marac/meetings/", views.meetings, name="marac_meetings"),
    path("marac/meetings/new/", views.meeting_new, name="marac_meeting_new"),
    path("marac/meetings/<int:meeting_id>/", views.meeting_detail, name="marac_meeting"),
    path("marac/meetings/<int:meeting_id>/change/", views.meeting_edit, name="marac_meeting_edit"),
    path(
        "marac/meetings/<int:meeting_id>/cancel/",
        views.meeting_cancel,
        name="marac_meeting_cancel",
    ),
    path(
        "marac/referrals/<int:obligation_id>/add/",
        views.referral_add,
        name="marac_referral_add",
    ),
    path("marac/cases/<int:case_id>/", views.case_detail, name="marac_case"),
    path("marac/cases/<int:case_id>/hear/", views.case_hear, name="marac_case_hear"),
    path("marac/cases/<int:case_id>/move/", views.case_move, name="marac_case_move"),
    path("marac/cases/<int:case_id>/remove/", views.case_remove, name="marac_case_remove"),
]
