"""The family page."""

from django.urls import URLPattern, path

from hearth.families import views_family

urlpatterns: list[URLPattern] = [
    path("families/<int:person_id>/", views_family.family_detail, name="family_detail"),
]
