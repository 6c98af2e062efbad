"""Public pages (cookies, accessibility statement, health) and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from hearth.core.api import error_body
from hearth.core.personal_data import no_personal_data


@no_personal_data
@login_not_required
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.html")


@no_personal_data
@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@no_personal_data
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the app is up and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_not_required
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


@login_not_required
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):  # the API answers in its one error shape, even off its routes
        return JsonResponse(error_body("not_found", "Not found"), status=404)
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("server_error", "Something went wrong"), status=500)
    return render(request, "500.html", status=500)
