"""Hearth's API at /api/v1/ (django-ninja): one router per context, one error shape."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hearth.accounts.api import router as accounts_router
from hearth.accounts.api_auth import ApiKeyAuth, SessionActorAuth
from hearth.core.api import StrictParser, error_body
from hearth.core.errors import Conflict, InvalidTransition, NotFound, NotPermitted, ValidationFailed
from hearth.directory.api import router as directory_router
from hearth.encompass.api import router as encompass_router
from hearth.families.api import router as families_router
from hearth.incidents.api import router as incidents_router
from hearth.marac.api import router as marac_router
from hearth.obligations.api import router as obligations_router
from hearth.referrals.api import router as referrals_router
from hearth.risk.api import router as risk_router
from hearth.search.api import router as search_router
from hearth.specialist.api import router as specialist_router
from hearth.stats.api import router as stats_router
from hearth.voices.api import router as voices_router

api = NinjaAPI(
    title="Hearth API",
    version="1",
    description=(
        "Hearth's API for agency systems. Authenticate with `Authorization: Bearer <key>` "
        "(keys are issued per agency system) or, from Hearth's own pages, the session. "
        'Every error has the shape `{"error": {"code", "message", "fields"}}`.'
    ),
    auth=[ApiKeyAuth(), SessionActorAuth()],
    urls_namespace="api",
    docs_url=None,
    parser=StrictParser(),
)
api.add_router("/", accounts_router)
api.add_router("/", incidents_router)
api.add_router("/", risk_router)
api.add_router("/", obligations_router)
api.add_router("/", referrals_router)
api.add_router("/", encompass_router)
api.add_router("/", specialist_router)
api.add_router("/", marac_router)
api.add_router("/", voices_router)
api.add_router("/", families_router)
api.add_router("/", search_router)
api.add_router("/", directory_router)
api.add_router("/", stats_router)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, error_body(code, message, fields), status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "Sign in or send a valid API key")


@api.exception_handler(NotFound)
@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Missing and forbidden look the same (architecture §4).
    return _error(request, 404, "not_found", "Not found")


@api.exception_handler(NotPermitted)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "forbidden", str(exc) or "You cannot do this")


@api.exception_handler(ValidationFailed)
def _invalid(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return _error(request, 422, "validation_failed", exc.message, exc.fields or None)


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return _error(request, 409, "conflict", exc.message)


@api.exception_handler(InvalidTransition)
def _invalid_transition(request: HttpRequest, exc: InvalidTransition) -> HttpResponse:
    # The record's status does not allow the change (for example acknowledging what has
    # closed): a clash with what is recorded, like a conflict, with its own code.
    return _error(request, 409, "invalid_transition", exc.message)


def field_path(loc: tuple | list) -> str:
    """An error's place in the request, as the client wrote it: ``people.2.nhs_number``,
    ``Idempotency-Key``, ``incident_id``. Ninja puts the source first, and for a body the
    name of the handler's parameter (every route takes its body as one schema) next."""
    parts = list(loc)
    source = parts.pop(0) if parts and parts[0] in _SOURCES else None
    if source == "body" and parts:
        parts.pop(0)
    return ".".join(str(part) for part in parts) or ("body" if source == "body" else "request")


_SOURCES = ("body", "query", "path", "header", "cookie", "form", "file")


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        path = field_path(err.get("loc", ()))
        message = str(err.get("msg", "Invalid value")).removeprefix("Value error, ")
        fields.setdefault(path, []).append(message)
    return _error(request, 422, "invalid_input", "The request is not valid", fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        # Ninja's "Cannot parse request body": malformed JSON is invalid input like any other.
        return _error(
            request, 422, "invalid_input", "The request is not valid", {"body": ["Not valid JSON"]}
        )
    codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))
