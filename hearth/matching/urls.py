"""The data-quality reviewer's pages: the queue of possible matches, each link, and the
links already decided."""

from django.urls import path

from hearth.matching import views

urlpatterns = [
    path("matching/review/", views.review_queue, name="matching_review_queue"),
    path("matching/links/", views.decided_links, name="matching_decided_links"),
    path("matching/links/<int:link_id>/", views.link_detail, name="matching_link_detail"),
]
