"""How large a request may be, refused before anything reads it.

Django refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` lazily, when a view first reads
it, with its own HTML "Bad Request (400)" page; and a server that answers without reading
what the client is still sending closes the connection on it, so the client sees no answer
at all. This middleware decides from the headers, before any view:

- a body over the limit is a 413: the API's one error shape (``payload_too_large``) under
  ``/api/``, a page saying so elsewhere. The limit is ``DATA_UPLOAD_MAX_MEMORY_SIZE``
  (sized in config/settings.py above the largest valid incident), and for a form that
  uploads a file (multipart) ``UPLOAD_MAX_BODY_SIZE``;
- what the client sent of a refused body is read and dropped (up to ``DRAIN_LIMIT``), so
  the answer reaches it rather than a reset connection;
- a body without a Content-Length (``Transfer-Encoding: chunked``) is a 411: its size
  cannot be checked before it is read, and a WSGI application is given no such body
  (Django would read it as empty), so the client is told to send its length.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from hearth.core.api import error_body

# Reading a refused body to its end lets the client read the answer; past this much it
# is cheaper to close the connection on a client that ignores the answer.
DRAIN_LIMIT = 256 * 1024 * 1024
_BLOCK = 64 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def limit_for(request: HttpRequest) -> int:
    """The largest body this request may have, in bytes."""
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        return int(settings.UPLOAD_MAX_BODY_SIZE)
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return _refuse(
                request,
                411,
                "length_required",
                "Send the body with a Content-Length header (not chunked)",
            )
        limit = limit_for(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a malformed length as no body
        if length > limit:
            _drain(request, length)
            return _refuse(
                request,
                413,
                "payload_too_large",
                f"The request is {length:,} bytes: it can be at most {limit:,} bytes "
                f"({_megabytes(limit)})",
            )
        return self.get_response(request)


def _drain(request: HttpRequest, length: int) -> None:
    if length > DRAIN_LIMIT:
        return
    while request.read(_BLOCK):
        pass


def _refuse(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    return render(
        request,
        "413.html",
        {"message": message, "limit": _megabytes(limit_for(request))},
        status=status,
    )
