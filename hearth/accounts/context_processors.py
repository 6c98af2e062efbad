"""What every page's header and banner need: the service name, mode, and who is acting."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from hearth.core.actor import Role


def hearth(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    return {
        "service_name": settings.HEARTH_SERVICE_NAME,
        "demo_mode": settings.HEARTH_DEMO_MODE,
        "actor": actor,
        "actor_role_labels": sorted(Role(r).label for r in actor.roles) if actor else [],
        # The search box (hearth.search) is offered to whoever may see case content.
        "may_search": bool(actor and actor.sees_case_content),
    }
