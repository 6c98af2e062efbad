from django.urls import path

from hearth.obligations import views

obligation = "obligations/<int:obligation_id>"

urlpatterns = [
    path("work/", views.inbox_home, name="inbox_home"),
    path("work/teams/<int:team_id>/", views.team_inbox, name="team_inbox"),
    path(
        "work/teams/<int:team_id>/acknowledge/",
        views.team_inbox_acknowledge,
        name="team_inbox_acknowledge",
    ),
    path("work/referrals/", views.referrals_sent, name="referrals_sent"),
    path("work/areas/", views.obligation_area_list, name="obligation_area_list"),
    path(
        "work/areas/<int:area_id>/",
        views.obligation_area_settings,
        name="obligation_area_settings",
    ),
    path(f"{obligation}/", views.obligation_detail, name="obligation_detail"),
    path(f"{obligation}/acknowledge/", views.obligation_acknowledge, name="obligation_acknowledge"),
    path(f"{obligation}/claim/", views.obligation_claim, name="obligation_claim"),
    path(f"{obligation}/outcome/", views.obligation_outcome, name="obligation_outcome"),
    path(f"{obligation}/redirect/", views.obligation_redirect, name="obligation_redirect"),
    path(f"{obligation}/withdraw/", views.obligation_withdraw, name="obligation_withdraw"),
    path(f"{obligation}/send/", views.obligation_send, name="obligation_send"),
    path(
        "children/<int:child_id>/safeguarding/",
        views.child_safeguarding_record,
        name="child_safeguarding_record",
    ),
]
