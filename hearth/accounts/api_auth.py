"""How the API knows who is calling: an agency system's key, or a signed-in browser session.

- ``Authorization: Bearer <key>``: an agency system (``manage.py create_api_key``);
- the browser session cookie, with the CSRF token on writes, for Hearth's own pages.

Both give an ``Actor``; a session of someone who has not passed two factors gives none.

An action on one record authorises before anything in the request is validated (issue 11
§2): ``acting_on(authorise)`` is the same two ways in, and once the caller is known it
asks ``authorise(actor, path)`` whether they may act on the record the path names, which
raises ``NotFound`` (may not see it) or ``NotPermitted`` (may see, may not act). Ninja
authenticates before it parses the body, headers and query, so whoever may not act gets
403 or 404 whatever they sent, even a body that is not valid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.base import AuthBase

from hearth.accounts.selectors import actor_for_api_key
from hearth.core.actor import Actor

# Whether the actor may act on the record named by the path's parameters (as given in the
# URL, text): raises ``NotFound`` or ``NotPermitted``, returns ``None`` when they may.
Authorise = Callable[[Actor, dict[str, str]], None]


def _authorised(request: HttpRequest, actor: Actor, authorise: Authorise | None) -> Actor:
    if authorise is not None:
        match = request.resolver_match
        authorise(actor, {k: str(v) for k, v in (match.kwargs if match else {}).items()})
    return actor


class ApiKeyAuth(HttpBearer):
    openapi_description = "An agency system's API key: `Authorization: Bearer <key>`."

    def __init__(self, authorise: Authorise | None = None) -> None:
        super().__init__()
        self.authorise = authorise

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        actor = actor_for_api_key(raw_key=token)
        if actor is not None:
            request.actor = actor  # type: ignore[attr-defined]
            return _authorised(request, actor, self.authorise)
        return actor


class SessionActorAuth(APIKeyCookie):
    """The signed-in browser session (checked for CSRF on unsafe methods)."""

    param_name = "sessionid"
    openapi_description = "The signed-in browser session."

    def __init__(self, authorise: Authorise | None = None) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)
        self.authorise = authorise

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
        actor = getattr(request, "actor", None)
        if actor is None:
            return None
        return _authorised(request, actor, self.authorise)


# The largest id a path may name (ids are 64-bit, as the API's ``le=`` bound on every id
# says): a number past it names nothing, and the query would fail.
MAX_PATH_ID = 2**63 - 1


def path_id(path: dict[str, str], name: str) -> int | None:
    """The record id ``name`` in the path, or ``None`` when it is not one: then nothing
    is authorised here, and the request's validation answers 422 whoever asks."""
    try:
        value = int(path.get(name, ""))
    except ValueError:
        return None
    return value if 1 <= value <= MAX_PATH_ID else None


def acting_on(authorise: Authorise) -> list[AuthBase]:
    """The API's two ways in, for an operation that acts on one record: the caller is
    authorised for that record before the request is validated (see above)."""
    return [ApiKeyAuth(authorise), SessionActorAuth(authorise)]
