"""Tell the access log which route is being served."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from hearth.audit.services import current_route


class AccessRouteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_route.set(request.path_info[:200])
        try:
            return self.get_response(request)
        finally:
            current_route.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        match = request.resolver_match
        if match is not None and match.view_name:
            current_route.set(match.view_name[:200])
