from django.urls import path

from hearth.search import views

urlpatterns = [
    path("search/", views.search, name="search"),
]
