"""Reading: an incident's summary, a child's record, and the list of incidents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import rules
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hearth.core.actor import Actor
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import reads_personal_data
from hearth.incidents import forms, selectors, services
from hearth.incidents.history import history_grouped
from hearth.incidents.models import FORCE_WIDE_ROLES, Incident
from hearth.incidents.selectors import ChildDetail, IncidentDetail
from hearth.incidents.views._common import _is_police

# Contexts above incidents (risk) add sections to these two pages without incidents
# importing them (pyproject.toml's layers): each registers a function giving extra
# template context, read through its own selectors (which write the access log).
INCIDENT_PAGE_EXTRAS: list[Callable[[Actor, IncidentDetail], dict[str, Any]]] = []
CHILD_PAGE_EXTRAS: list[Callable[[Actor, ChildDetail], dict[str, Any]]] = []


def _extras(
    hooks: Sequence[Callable[[Actor, Any], dict[str, Any]]], actor: Actor, detail: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for hook in hooks:
        context.update(hook(actor, detail))
    return context


@reads_personal_data
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = actor_of(request)
    detail = selectors.incident_get_for(actor=actor, incident_id=incident_id)
    incident = detail.incident
    extras = _extras(INCIDENT_PAGE_EXTRAS, actor, detail)
    submitted = incident.status == Incident.Status.SUBMITTED
    may_change = rules.test_rule("incidents.change_incident", actor, incident)
    return render(
        request,
        "incidents/detail.html",
        {
            "detail": detail,
            "incident": incident,
            "is_police": _is_police(incident),
            # After submitting, the risk checklist comes first (issue 17): in the success
            # banner just after, at the top of the page until one is started.
            "next_step": submitted
            and may_change
            and extras.get("may_start_risk")
            and not extras.get("risk_assessments"),
            "just_submitted": submitted and request.GET.get("submitted") == "1",
            "may_review": submitted and incident_may_review(actor, incident),
            "history": history_grouped(detail.timeline),
            **extras,
        },
    )


def incident_may_review(actor: Actor, incident: Incident) -> bool:
    """Public protection of the force that recorded it (the service checks it again)."""
    return incident.recorded_by_agency_id == actor.agency_id and actor.has_role(*FORCE_WIDE_ROLES)


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_review(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Public protection reviews a submitted incident: a note, then "Mark as reviewed"."""
    actor = actor_of(request)
    detail = selectors.incident_get_for(
        actor=actor, incident_id=incident_id, purpose="Review an incident", history=False
    )
    incident = detail.incident
    if not incident_may_review(actor, incident):
        raise NotPermitted("Only the force's public protection unit reviews its incidents")
    if incident.reviewed_at is not None or incident.status != Incident.Status.SUBMITTED:
        return redirect("incident_detail", incident_id=incident.pk)
    form = forms.IncidentReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_review(actor=actor, incident=incident, note=form.cleaned_data["note"])
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            messages.success(request, f"{incident.title} marked as reviewed")
            return redirect("incident_detail", incident_id=incident.pk)
    return render(
        request,
        "incidents/review.html",
        {"detail": detail, "incident": incident, "form": form},
    )


@reads_personal_data
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    actor = actor_of(request)
    detail = selectors.child_get_for(actor=actor, child_id=child_id, page=request.GET.get("page"))
    return render(
        request,
        "incidents/child_detail.html",
        {"detail": detail, **_extras(CHILD_PAGE_EXTRAS, actor, detail)},
    )


@reads_personal_data
def incident_list(request: HttpRequest) -> HttpResponse:
    """The incidents the person may see (all the force's for public protection, their
    own for a response officer, their own concerns for another agency), filtered."""
    actor = actor_of(request)
    reviews = actor.has_role(*FORCE_WIDE_ROLES)
    form = forms.IncidentFilterForm(
        request.GET or None,
        initial={"children": forms.ANY},
        local_authorities=selectors.local_authority_choices(),
        reviews=reviews,
    )
    page = None
    if not form.is_bound or form.is_valid():
        page = selectors.incident_list_for(
            actor=actor, filters=form.filters(), page=request.GET.get("page")
        )
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(set(request.GET) - {"page"}),
            "reviews": reviews,
        },
    )
