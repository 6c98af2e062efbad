"""Turn domain errors into the same responses everywhere on the web side, and keep every
response Hearth makes out of browser and proxy caches."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

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


class NoStoreMiddleware:
    """Every page and API answer Hearth itself makes is ``Cache-Control: no-store``
    (issue 11 §2): a case page must not stay in a shared computer's browser cache, or a
    proxy's, after the person signs out. Static files never reach this middleware
    (WhiteNoise, above it, answers them with their own long-lived headers), so it is
    simplest and safest to mark every other response, signed in or not, rather than
    guess which ones carry personal data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
