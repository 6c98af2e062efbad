"""The journey of recording an incident or raising a concern: starting (or carrying on
with a draft), the incident's own pages, and each child's loop of pages.

Each page of the journey saves the draft, so an officer can stop at any point and carry
on from the drafts list.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hearth.core.errors import ValidationFailed
from hearth.core.http import actor_of
from hearth.core.idempotency import idempotent_create, scope_for
from hearth.core.personal_data import reads_personal_data
from hearth.incidents import forms, selectors, services
from hearth.incidents.models import Incident
from hearth.incidents.selectors import IncidentFilters
from hearth.incidents.views._common import (
    CHILD_STEPS,
    POLICE_ONLY_STEPS,
    _back_url,
    _changing,
    _child_step_url,
    _children_rows,
    _form_page,
    _is_police,
    _journey,
    _next_url,
    _saved,
    _step_url,
)

# --- Starting, and the drafts to carry on with -----------------------------------------------


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_start(request: HttpRequest) -> HttpResponse:
    """Start recording (a police incident, or another agency's concern), or carry on
    with a draft."""
    actor = actor_of(request)
    if request.method == "POST":
        token = _start_token(request.POST.get("start_token", ""))
        if token is None:
            # A form without a token (a page opened before tokens): a new draft, as before.
            return redirect("incident_details", incident_id=services.incident_start(actor=actor).pk)
        # The form's one-time token makes a double click (or a resent form) one draft, as
        # the final submit is one submission: the second post leads to the first's draft.
        with transaction.atomic():
            created = idempotent_create(
                scope=scope_for(actor),
                key=f"incident-start:{token}",
                operation=START_OPERATION,
                body={},
                create=lambda: ("incidents.incident", services.incident_start(actor=actor).pk),
            )
        return redirect("incident_details", incident_id=int(created.resource_id))
    drafts = selectors.incident_list_for(
        actor=actor,
        filters=IncidentFilters(status=Incident.Status.DRAFT),
        purpose="List drafts to carry on with",
    )
    return render(request, "incidents/start.html", {"drafts": drafts, "start_token": uuid.uuid4()})


START_OPERATION = "incidents.start"


def _start_token(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# --- The incident's own pages ------------------------------------------------------------------


def _incident_page(
    request: HttpRequest,
    incident_id: int,
    *,
    step: str,
    form_class: type[Any],
    title: str,
    form_kwargs: Callable[[Incident], dict[str, Any]] | None = None,
) -> HttpResponse:
    actor, journey = _journey(request, incident_id)
    incident = journey.incident
    if step in POLICE_ONLY_STEPS and not _is_police(incident):
        raise Http404("Page not found")
    form = form_class(
        request.POST or None,
        initial=form_class.initial_from(incident),
        **(form_kwargs(incident) if form_kwargs else {}),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.has_changed():
                services.incident_update(actor=actor, incident=incident, changes=form.changes())
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            return _saved(request, _next_url(request, incident, step))
    return _form_page(
        request, journey, form=form, title=title, back_url=_back_url(request, incident, step)
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_details(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _incident_page(
        request,
        incident_id,
        step="details",
        form_class=forms.IncidentDetailsForm,
        title="When and where it happened",
        form_kwargs=lambda incident: {
            "is_police": _is_police(incident),
            "local_authorities": selectors.local_authority_choices(),
        },
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_what_happened(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _incident_page(
        request,
        incident_id,
        step="what_happened",
        form_class=forms.WhatHappenedForm,
        title="What happened",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_police_action(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _incident_page(
        request,
        incident_id,
        step="police_action",
        form_class=forms.PoliceActionForm,
        title="Weapons, crimes and arrest",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_pregnancy(request: HttpRequest, incident_id: int) -> HttpResponse:
    return _incident_page(
        request,
        incident_id,
        step="pregnancy",
        form_class=forms.PregnancyForm,
        title="Pregnancy",
    )


@reads_personal_data
def incident_adults(request: HttpRequest, incident_id: int) -> HttpResponse:
    _, journey = _journey(request, incident_id)
    incident = journey.incident
    return render(
        request,
        "incidents/adults.html",
        {
            "journey": journey,
            "incident": incident,
            "is_police": _is_police(incident),
            "back_url": _back_url(request, incident, "adults"),
            "next_url": _next_url(request, incident, "adults"),
            "change": _changing(request),
        },
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_relationship(request: HttpRequest, incident_id: int) -> HttpResponse:
    """How the adult victim and the alleged perpetrator are related (s.2)."""
    actor, journey = _journey(request, incident_id)
    incident, facts = journey.incident, journey.detail.facts
    pairs = [(v, p) for v in facts.victims for p in facts.perpetrators]
    form = forms.AdultsRelationshipForm(request.POST or None, pairs=pairs, ties=journey.ties)
    if request.method == "POST" and form.is_valid():
        for victim, perpetrator, kinship in form.changed_kinships():
            services.incident_relationship_set(
                actor=actor, incident=incident, person=victim, other=perpetrator, kinship=kinship
            )
        return _saved(request, _next_url(request, incident, "relationship"))
    return _form_page(
        request,
        journey,
        form=form,
        title="How the adults are related",
        back_url=_back_url(request, incident, "relationship"),
        template="incidents/relationship.html",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_children(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Every child, or the officer's confirmation that there are none and how they know."""
    actor, journey = _journey(request, incident_id)
    incident = journey.incident
    form = forms.NoChildrenForm(
        request.POST or None,
        initial={"confirm": incident.no_children_attested, "how": incident.no_children_how},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.no_children_attest(
                actor=actor, incident=incident, how=form.cleaned_data["how"]
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            return _saved(request, _next_url(request, incident, "children"))
    return render(
        request,
        "incidents/children.html",
        {
            "journey": journey,
            "incident": incident,
            "form": form,
            "children": _children_rows(journey),
            "back_url": _back_url(request, incident, "children"),
            "next_url": _next_url(request, incident, "children"),
            "change": _changing(request),
        },
    )


# --- Each child's loop -------------------------------------------------------------------------


def _child_next(request: HttpRequest, incident: Incident, child_id: int, step: str) -> str:
    if _changing(request):
        return _step_url(incident, "check")
    index = CHILD_STEPS.index(step)
    if index + 1 < len(CHILD_STEPS):
        return _child_step_url(incident, child_id, CHILD_STEPS[index + 1])
    return _step_url(incident, "children")


def _child_back(request: HttpRequest, incident: Incident, child_id: int, step: str) -> str:
    if _changing(request):
        return _step_url(incident, "check")
    index = CHILD_STEPS.index(step)
    if index == 0:
        return _step_url(incident, "children")
    return _child_step_url(incident, child_id, CHILD_STEPS[index - 1])


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_child_relationships(
    request: HttpRequest, incident_id: int, child_id: int
) -> HttpResponse:
    """How each adult is related to the child: it decides whether the child is a victim
    in their own right (s.3) and who has parental responsibility."""
    actor, journey = _journey(request, incident_id)
    incident, facts = journey.incident, journey.detail.facts
    child = journey.child(child_id).child
    # A child who harmed is among the perpetrators: they are not related to themselves.
    adults = [a for a in [*facts.victims, *facts.perpetrators] if a.pk != child.pk]
    form = forms.ChildRelationshipsForm(
        request.POST or None, adults=adults, child=child, ties=journey.ties
    )
    if request.method == "POST" and form.is_valid():
        for adult, kinship, responsibility in form.changed_ties():
            services.incident_relationship_set(
                actor=actor,
                incident=incident,
                person=adult,
                other=child,
                kinship=kinship,
                parental_responsibility=responsibility,
            )
        return _saved(request, _child_next(request, incident, child_id, "relationships"))
    return _form_page(
        request,
        journey,
        form=form,
        title=f"How {child.given_names or child.full_name} is related to the adults",
        back_url=_child_back(request, incident, child_id, "relationships"),
        template="incidents/child_relationships.html",
        child=child,
        adults=adults,
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_child_step(
    request: HttpRequest, incident_id: int, child_id: int, step: str
) -> HttpResponse:
    if step not in forms.CHILD_STEP_FORMS:
        raise Http404("Page not found")
    actor, journey = _journey(request, incident_id)
    incident = journey.incident
    view = journey.child(child_id)
    form_class, title = forms.CHILD_STEP_FORMS[step]
    name = view.child.given_names or view.child.full_name
    if request.method == "POST" and form_class.searching(request.POST):
        # A search within the page (the school picker): show what it found with the
        # answers as given, and save nothing yet.
        form = form_class(
            initial={**form_class.initial_from(view.involvement), **request.POST.dict()},
            name=name,
            school_query=request.POST.get("school_search", ""),
        )
    else:
        form = form_class(
            request.POST or None, initial=form_class.initial_from(view.involvement), name=name
        )
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            if form.has_changed():
                services.child_involvement_update(
                    actor=actor, involvement=view.involvement, changes=form.changes()
                )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            return _saved(request, _child_next(request, incident, child_id, step))
    return _form_page(
        request,
        journey,
        form=form,
        title=title.replace("{name}", name),
        back_url=_child_back(request, incident, child_id, step),
        child=view.child,
    )
