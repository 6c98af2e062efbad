"""The administrators' pages for education settings and term calendars, under /schools/."""

from django.urls import path

from hearth.schools import views

calendar = "calendars/<int:calendar_id>"
setting = "<str:urn>"

urlpatterns = [
    path("", views.school_list, name="school_list"),
    # The uploads and the calendars come before a setting's URN (any text up to a slash).
    path("import/", views.school_import, name="gias_import"),
    path("calendars/", views.term_calendar_list, name="term_calendar_list"),
    path("calendars/new/", views.term_calendar_create, name="term_calendar_create"),
    path(f"{calendar}/", views.term_calendar_detail, name="term_calendar_detail"),
    path(
        f"{calendar}/day-starts/", views.term_calendar_day_starts, name="term_calendar_day_starts"
    ),
    path(f"{calendar}/import/", views.term_dates_import_page, name="term_dates_import"),
    path(f"{calendar}/terms/new/", views.term_add, name="term_add"),
    path(f"{calendar}/terms/<int:term_id>/remove/", views.term_remove, name="term_remove"),
    path(f"{calendar}/inset-days/new/", views.inset_day_add, name="inset_day_add"),
    path(
        f"{calendar}/inset-days/<int:inset_day_id>/remove/",
        views.inset_day_remove,
        name="inset_day_remove",
    ),
    path(f"{setting}/", views.school_detail, name="school_detail"),
    path(f"{setting}/links/", views.school_links, name="school_links"),
    path(f"{setting}/contacts/new/", views.school_contact_add, name="school_contact_add"),
    path(
        f"{setting}/contacts/<int:contact_id>/end/",
        views.school_contact_end,
        name="school_contact_end",
    ),
    path(f"{setting}/calendar/new/", views.school_calendar_create, name="school_calendar_create"),
]
