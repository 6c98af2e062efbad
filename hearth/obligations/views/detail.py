"""Reading: one obligation with what its route shares, a child's safeguarding record, and
the sections the ledger adds to the incident's and the child's pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.incidents.models import Incident
from hearth.incidents.selectors import ChildDetail, IncidentDetail
from hearth.obligations import registry, selectors


@reads_personal_data
def obligation_detail(request: HttpRequest, obligation_id: int) -> HttpResponse:
    actor = actor_of(request)
    page = selectors.obligation_page_for(actor=actor, obligation_id=obligation_id)
    detail = page.detail
    obligation = detail.obligation
    route = registry.get(obligation.route)
    if route.page_url_name != "obligation_detail":
        # A route whose recipients read only its own page (what an Operation Encompass
        # notification shares, and the proof) shows it there, to the referrer too.
        return redirect(route.page_url_name, obligation_id=obligation.pk)
    shared = detail.shared
    return render(
        request,
        "obligations/detail.html",
        {
            "page": page,
            "detail": detail,
            "obligation": obligation,
            "shared": shared,
            "route_label": registry.label(obligation.route),
            "is_child_route": registry.is_about_child(
                obligation, obligation.subject_id, {obligation.subject_id}
            )
            and (route.for_child or _is_child_now(obligation.subject)),
            "route": route,
            **(route.page_context(actor, detail) if route.page_context is not None else {}),
            **gather(OBLIGATION_PAGE_EXTRAS, actor, detail),
        },
    )


def _is_child_now(person: Any) -> bool:
    """Under 18 today (an action's subject: a route whose subject may be a child)."""
    age = person.age_on(clock.local_now().date())
    return age is not None and age < 18


# Route apps add links to the child's safeguarding record without the ledger importing
# them (specialist support: refer the child), each read through its own selectors.
CHILD_RECORD_EXTRAS: list[Callable[[Actor, Any], dict[str, Any]]] = []
# Apps above the ledger add links and sections to any obligation's page in the same way
# (the family page: "See <subject>'s family"), given the actor and the obligation's detail.
OBLIGATION_PAGE_EXTRAS: list[Callable[[Actor, Any], dict[str, Any]]] = []
# What several hooks may each add to: their lists are joined, not replaced. A link is
# ``{"url": ..., "text": ...}``; a section is ``{"template": ..., ...}``, included with
# ``section`` in its context.
LISTED_EXTRAS = ("page_links", "page_sections")


def gather(
    hooks: list[Callable[[Actor, Any], dict[str, Any]]], actor: Actor, subject: Any
) -> dict[str, Any]:
    """Each hook's context, in order; ``LISTED_EXTRAS`` joined across hooks."""
    context: dict[str, Any] = {}
    for hook in hooks:
        for key, value in hook(actor, subject).items():
            if key in LISTED_EXTRAS:
                context[key] = [*context.get(key, []), *value]
            else:
                context[key] = value
    return context


@reads_personal_data
def child_safeguarding_record(request: HttpRequest, child_id: int) -> HttpResponse:
    actor = actor_of(request)
    record = selectors.child_record_for(
        actor=actor, child_id=child_id, page=request.GET.get("page")
    )
    extras = gather(CHILD_RECORD_EXTRAS, actor, record)
    return render(request, "obligations/child_record.html", {"record": record, **extras})


# --- Sections of the incident's page and the child's record ---------------------------------


def incident_obligations_context(actor: Actor, detail: IncidentDetail) -> dict[str, Any]:
    """A submitted incident's referrals and notifications, each child's progress."""
    if detail.incident.status != Incident.Status.SUBMITTED:
        return {}
    progress = selectors.incident_obligations_for(actor=actor, incident_id=detail.incident.pk)
    return {
        "obligations_progress": progress,
        "obligations_unrouted": [(registry.label(u.route), u) for u in progress.unrouted],
    }


def child_obligations_context(actor: Actor, detail: ChildDetail) -> dict[str, Any]:
    """A link from the child's record to their safeguarding record (read on its own page)."""
    return {"child_safeguarding_url": reverse("child_safeguarding_record", args=[detail.child.pk])}
