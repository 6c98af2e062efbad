"""The whole-family plan's pages (issue 14 §2)."""

from django.urls import path

from hearth.families import views

urlpatterns = [
    path("families/plans/", views.plans, name="family_plans"),
    path("families/plans/new/", views.plan_new, name="family_plan_new"),
    path(
        "families/plans/reviews/<int:obligation_id>/",
        views.review_for_obligation,
        name="family_review_obligation",
    ),
    path("families/plans/settings/", views.settings_list, name="family_plan_settings"),
    path(
        "families/plans/settings/<int:area_id>/",
        views.settings_area,
        name="family_plan_settings_area",
    ),
    path("families/plans/<int:plan_id>/", views.plan_detail, name="family_plan"),
    path("families/plans/<int:plan_id>/goals/", views.goal_add, name="family_plan_goal"),
    path("families/plans/<int:plan_id>/actions/", views.action_add, name="family_plan_action"),
    path("families/plans/<int:plan_id>/supports/", views.support_add, name="family_plan_support"),
    path(
        "families/plans/<int:plan_id>/supports/<int:support_id>/",
        views.support_update,
        name="family_plan_support_update",
    ),
    path("families/plans/<int:plan_id>/reviews/", views.review_record, name="family_plan_review"),
    path(
        "families/plans/<int:plan_id>/first-meeting/",
        views.first_meeting,
        name="family_plan_first_meeting",
    ),
    path("families/plans/<int:plan_id>/close/", views.plan_close, name="family_plan_close"),
]
