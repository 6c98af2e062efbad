"""How the API knows who is calling: an agency system's key, or a signed-in browser session.

- ``Authorization: Bearer <key>``: an agency system (``manage.py create_api_key``);
- the browser session cookie, with the CSRF token on writes, for Hearth's own pages.

Both give an ``Actor``; a session of someone who has not passed two factors gives none.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from hearth.accounts.selectors import actor_for_api_key
from hearth.core.actor import Actor


class ApiKeyAuth(HttpBearer):
    openapi_description = "An agency system's API key: `Authorization: Bearer <key>`."

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        actor = actor_for_api_key(raw_key=token)
        if actor is not None:
            request.actor = actor  # type: ignore[attr-defined]
        return actor


class SessionActorAuth(APIKeyCookie):
    """The signed-in browser session (checked for CSRF on unsafe methods)."""

    param_name = "sessionid"
    openapi_description = "The signed-in browser session."

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        # Ninja checks CSRF before it looks for the session, so a request with no
        # credentials at all (an agency system that forgot its key) was told "CSRF check
        # Failed" (403) instead of 401. Only a signed-in session (``ActorMiddleware`` found
        # someone past both factors) can be used by a forged cross-site request, so only
        # such a request is checked: without the token, an unsafe method is still a 403.
        if getattr(request, "actor", None) is None:
            return None  # nobody signed in: the API answers 401
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return getattr(request, "actor", None)
