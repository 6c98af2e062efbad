"""The public Open Referral UK 3.0 feed (issue 13 §1): ``/openreferral/`` and its
``services``, ``services/{id}`` and ``service_at_locations``.

Public, without sign-in, and without personal data: every row describes an
organisation's service. Sent with ``Access-Control-Allow-Origin: *`` (the profile asks
it of a compliant feed) so that other directories can read it from a browser. A
service with a secret location never shows its location (``oruk``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from hearth.core.errors import NotFound
from hearth.core.personal_data import no_personal_data
from hearth.directory import oruk, selectors

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
PROFILE_OPENAPI_URL = (
    "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
)


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"indent": None})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(code: str, message: str, status: int) -> JsonResponse:
    return _json({"error": {"code": code, "message": message}}, status=status)


def _paging(request: HttpRequest) -> tuple[int, int] | JsonResponse:
    try:
        page = int(request.GET.get("page", "1"))
        per_page = int(request.GET.get("per_page", str(DEFAULT_PER_PAGE)))
    except ValueError:
        return _error("invalid_input", "page and per_page must be whole numbers", 400)
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        return _error(
            "invalid_input",
            f"page must be 1 or more and per_page from 1 to {MAX_PER_PAGE}",
            400,
        )
    return page, per_page


@login_not_required
@no_personal_data
@require_GET
def root(request: HttpRequest) -> JsonResponse:
    """The service description: the profile's root endpoint (openapi.json ``/``)."""
    return _json(
        {
            "version": oruk.HSDS_VERSION,
            "profile": oruk.PROFILE_URL,
            "openapi_url": PROFILE_OPENAPI_URL,
        }
    )


@login_not_required
@no_personal_data
@require_GET
def services(request: HttpRequest) -> JsonResponse:
    paging = _paging(request)
    if isinstance(paging, JsonResponse):
        return paging
    page, per_page = paging
    qs = selectors.service_list()
    total = qs.count()
    rows = list(qs[(page - 1) * per_page : page * per_page])
    return _json(
        oruk.page_out(
            contents=[oruk.service_out(s) for s in rows],
            total_items=total,
            page=page,
            per_page=per_page,
        )
    )


@login_not_required
@no_personal_data
@require_GET
def service(request: HttpRequest, service_id: str) -> JsonResponse:
    try:
        found = selectors.service_get(service_id)
    except NotFound:
        return _error("not_found", "Not found", 404)
    return _json(oruk.service_out(found))


@login_not_required
@no_personal_data
@require_GET
def service_at_locations(request: HttpRequest) -> JsonResponse:
    paging = _paging(request)
    if isinstance(paging, JsonResponse):
        return paging
    page, per_page = paging
    qs = selectors.service_at_location_list()
    total = qs.count()
    rows = list(qs[(page - 1) * per_page : page * per_page])
    return _json(
        oruk.page_out(
            contents=[oruk.service_at_location_out(r) for r in rows],
            total_items=total,
            page=page,
            per_page=per_page,
        )
    )
