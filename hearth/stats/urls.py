"""The statistics pages (issue 15 §4): filled in by ``hearth.stats.views``."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
