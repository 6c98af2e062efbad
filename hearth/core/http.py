"""Small helpers for views: every page that shows case or colleague data needs an actor."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from hearth.core.actor import Actor


def actor_of(request: HttpRequest) -> Actor:
    """The actor for this request; a signed-in user with no agency sees nothing (404)."""
    actor = getattr(request, "actor", None)
    if actor is None:
        raise Http404("Page not found")
    return actor
