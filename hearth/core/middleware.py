"""Turn domain errors into the same responses everywhere on the web side."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from hearth.core.errors import NotFound, NotPermitted


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Missing and forbidden records both answer 404 (architecture §4).
        if isinstance(exception, NotFound):
            raise Http404("Page not found") from exception
        if isinstance(exception, NotPermitted):
            raise PermissionDenied(exception.message) from exception
