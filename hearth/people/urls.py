from django.urls import path

from hearth.people import views

urlpatterns = [
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
]
