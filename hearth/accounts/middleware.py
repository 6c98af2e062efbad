"""Who is acting on this request, and the rules that stand before every page.

- ``LoginRequiredMiddleware``: every page needs a signed-in user unless its view is
  marked ``login_not_required``. The API (``/api/``) answers for itself with 401, so it is
  let through here (django-ninja under Django's middleware would otherwise redirect).
- ``ActorMiddleware``: sets ``request.actor`` for a signed-in user who has passed two
  factors, acting for the agency chosen in the organisation switcher. A user without an
  authenticator is sent to set one up and can reach nothing else; in demo mode only,
  seeded demo accounts may skip it.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from hearth.accounts.selectors import actor_for_user

ACTIVE_AGENCY_SESSION_KEY = "hearth_agency_id"
# Paths a signed-in person may reach before their second factor is set up: their own
# account pages (sign out, set up TOTP, recovery codes), the public statements and the
# public Open Referral UK feed of the directory.
SETUP_PATHS = (
    "/account/",
    "/static/",
    "/cookies/",
    "/accessibility/",
    "/healthz",
    "/openreferral/",
)


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def has_second_factor(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def may_skip_second_factor(user: object) -> bool:
    return bool(settings.HEARTH_DEMO_MODE and getattr(user, "is_demo", False))


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            if may_skip_second_factor(user) or has_second_factor(user):
                request.actor = actor_for_user(  # type: ignore[attr-defined]
                    user=user,
                    agency_id=request.session.get(ACTIVE_AGENCY_SESSION_KEY),
                )
            elif not request.path_info.startswith((*SETUP_PATHS, "/api/")):
                return redirect("mfa_activate_totp")
        return self.get_response(request)
