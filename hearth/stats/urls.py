"""The statistics pages (issue 15 §4), at ``/statistics/``."""

from django.urls import path

from hearth.stats import views

urlpatterns = [
    path("", views.index, name="stats_index"),
    path("<slug:group>.csv", views.group_csv, name="stats_group_csv"),
    path("<slug:group>/", views.group_page, name="stats_group"),
    path("<slug:group>/<slug:table_key>.csv", views.table_csv, name="stats_table_csv"),
]
