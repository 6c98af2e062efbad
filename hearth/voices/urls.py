"""The child's voice pages."""

from django.urls import path

from hearth.voices import views

urlpatterns = [
    path("children/<int:child_id>/voice/", views.voice_list, name="voice_list"),
    path("children/<int:child_id>/voice/new/", views.voice_new, name="voice_new"),
]
