"""What every API router shares: the one error shape and the response codes it declares.

Every route declares 401, 403, 404 and 422 with ``ErrorOut`` (style.md §15), so clients
and schemathesis know every answer the API can give.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Header, Schema
from ninja.parser import Parser

from hearth.core.actor import Actor
from hearth.core.idempotency import MAX_KEY_LENGTH


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


ERROR_RESPONSES: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# Creates take an Idempotency-Key: the same key with a different request is a 409.
CREATE_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ErrorOut}


class StrictParser(Parser):
    """django-ninja's parser, except that a parameter given more than once where one value
    is expected (``?area_id=1&area_id=2``) is refused (422), not read as its last value:
    a caller that sent two values meant something the answer would not say."""

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        for key in data:
            if key not in list_fields and len(values := data.getlist(key)) > 1:
                parsed[key] = values  # a list where one value belongs: validation refuses it
        return parsed


def api_actor(request: HttpRequest) -> Actor:
    """Who is calling: set by the API's authentication (a key or a signed-in session)."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor


def idempotency_key_header(answer: str) -> Any:
    """The ``Idempotency-Key`` header every action takes; ``answer`` is what a retry
    answers with ("the obligation", "the notification")."""
    return Header(
        ...,
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description=(
            "Your own unique key for this action (for example a UUID). A retry with the "
            f"same key and body acts no more and answers with {answer}; the same key with "
            f"a different body, or for another {answer.split()[-1]}, is a 409. Keys belong "
            "to your agency."
        ),
    )


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}
