"""What every API router shares: the one error shape and the response codes it declares.

Every route declares 401, 403, 404 and 422 with ``ErrorOut`` (style.md §15), so clients
and schemathesis know every answer the API can give.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


ERROR_RESPONSES: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# Creates take an Idempotency-Key: the same key with a different request is a 409.
CREATE_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ErrorOut}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}
