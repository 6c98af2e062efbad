from django.urls import path

from hearth.accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/", views.choose_agency, name="choose_agency"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("colleagues/<int:user_id>/", views.colleague_detail, name="colleague_detail"),
    path("messages/undelivered/", views.undelivered_messages, name="undelivered_messages"),
]
