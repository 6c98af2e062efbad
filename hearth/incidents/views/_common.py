"""What the pages of the journey share: the order of the pages, where each leads (and
back to "Check your answers" when changing an answer), reading the incident for a page
that changes it, and rendering a page with its form."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from hearth.core.actor import Actor
from hearth.core.errors import NotPermitted
from hearth.core.http import actor_of
from hearth.incidents import forms, selectors
from hearth.incidents.models import Incident
from hearth.incidents.selectors import IncidentJourney
from hearth.people.forms import GovukForm
from hearth.people.models import Person

# --- Where each page leads ---------------------------------------------------------------------

INCIDENT_STEPS = (
    "details",
    "what_happened",
    "police_action",
    "adults",
    "relationship",
    "children",
    "pregnancy",
    "check",
)
POLICE_ONLY_STEPS = frozenset({"police_action"})
CHILD_STEPS = ("relationships", *forms.CHILD_STEP_FORMS)


def _is_police(incident: Incident) -> bool:
    return incident.kind == Incident.Kind.POLICE


def _steps(incident: Incident) -> list[str]:
    return [s for s in INCIDENT_STEPS if _is_police(incident) or s not in POLICE_ONLY_STEPS]


def _step_url(incident: Incident, step: str) -> str:
    return reverse(f"incident_{step}", args=[incident.pk])


def _child_step_url(incident: Incident, child_id: int, step: str) -> str:
    if step == "relationships":
        return reverse("incident_child_relationships", args=[incident.pk, child_id])
    return reverse("incident_child_step", args=[incident.pk, child_id, step])


def _changing(request: HttpRequest) -> bool:
    """Came from "Check your answers" (a "Change" link), so go back there after saving."""
    return bool(request.GET.get("change"))


def _keep_change(request: HttpRequest, url: str) -> str:
    return f"{url}?change=1" if _changing(request) else url


def _next_url(request: HttpRequest, incident: Incident, step: str) -> str:
    if _changing(request):
        return _step_url(incident, "check")
    steps = _steps(incident)
    return _step_url(incident, steps[steps.index(step) + 1])


def _back_url(request: HttpRequest, incident: Incident, step: str) -> str:
    if _changing(request):
        return _step_url(incident, "check")
    steps = _steps(incident)
    index = steps.index(step)
    return (
        _step_url(incident, steps[index - 1])
        if index
        else reverse("incident_detail", args=[incident.pk])
    )


def _saved(request: HttpRequest, next_url: str) -> HttpResponse:
    """After a page is saved: on through the journey, or back to the drafts list."""
    if "save_draft" in request.POST:
        messages.success(request, "Your draft has been saved. You can carry on at any time")
        return redirect("incident_start")
    return redirect(next_url)


def _journey(request: HttpRequest, incident_id: int) -> tuple[Actor, IncidentJourney]:
    """The incident, read (and logged) for a page that changes it. Someone who may see it
    but not change it is refused here, before they fill in a page."""
    actor = actor_of(request)
    journey = selectors.incident_journey_get_for(actor=actor, incident_id=incident_id)
    if not rules.test_rule("incidents.change_incident", actor, journey.incident):
        raise NotPermitted("Only the person who recorded this, or public protection, can change it")
    return actor, journey


def _form_page(
    request: HttpRequest,
    journey: IncidentJourney,
    *,
    form: GovukForm,
    title: str,
    back_url: str,
    template: str = "incidents/form_page.html",
    **context: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "journey": journey,
            "incident": journey.incident,
            "form": form,
            "title": title,
            "back_url": back_url,
            **context,
        },
    )


# --- The children, as the children page and "Check your answers" list them --------------


def _tie_phrase(journey: IncidentJourney, person: Person, other: Person) -> str:
    tie = journey.ties.get((person.pk, other.pk))
    if tie is None:
        return "Not recorded yet"
    phrase = forms.kinship_phrase(tie.kinship, other.full_name)
    return f"{phrase}, with parental responsibility" if tie.parental_responsibility else phrase


def _children_rows(journey: IncidentJourney) -> list[dict[str, Any]]:
    """Each child with how each adult is related to them and the links to their pages."""
    facts, incident = journey.detail.facts, journey.incident
    return [
        {
            "view": view,
            "ties": [
                (adult, _tie_phrase(journey, adult, view.child))
                for adult in [*facts.victims, *facts.perpetrators]
                if adult.pk != view.child.pk  # a child who harmed is among the perpetrators
            ],
            "urls": {
                step: _child_step_url(incident, view.child.pk, step) + "?change=1"
                for step in CHILD_STEPS
            },
            "start_url": _child_step_url(incident, view.child.pk, "relationships"),
        }
        for view in facts.children
    ]
