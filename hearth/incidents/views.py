"""Pages for recording an incident or raising a concern, the incident's summary, a child's
record and the public protection list.

Thin: each page reads through ``incidents.selectors`` (which check ``visible_to`` and
write the access log) and writes through the services (which check who may change an
incident, and record the timeline and versions). Each page of the journey saves the
draft, so an officer can stop at any point and carry on from the drafts list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import rules
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hearth.core.actor import Actor
from hearth.core.errors import InvalidTransition, NotPermitted, ValidationFailed
from hearth.core.http import actor_of
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.incidents import forms, selectors, services
from hearth.incidents.models import Incident
from hearth.incidents.policy import PartyRole, Problem
from hearth.incidents.selectors import IncidentFilters, IncidentJourney
from hearth.people.forms import (
    GovukForm,
    PersonDetailsForm,
    PersonFindForm,
    PersonMatchForm,
)
from hearth.people.matching import PersonQuery
from hearth.people.models import Person
from hearth.people.selectors import person_find_candidates

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

# The person being added: role in the URL -> (party role, how the pages refer to them).
ROLES: dict[str, tuple[PartyRole, str]] = {
    "adult-victim": (PartyRole.ADULT_VICTIM, "the adult victim"),
    "alleged-perpetrator": (PartyRole.ALLEGED_PERPETRATOR, "the alleged perpetrator"),
    "child": (PartyRole.CHILD, "the child"),
}
# The name and date of birth typed on the first page of adding a person, kept for the
# pages after it (possible existing records, then the person's details).
PENDING_PERSON = "hearth_pending_person"

# Which page fixes each problem the submission check can find: (page, element id).
PROBLEM_PAGES: dict[str, tuple[str, str]] = {
    "police_reference": ("details", "id_police_reference"),
    "occurred_at": ("details", "id_occurred_date_0"),
    "reported_at": ("details", "id_reported_date_0"),
    "victims": ("adults", "add-adult-victim"),
    "perpetrators": ("adults", "add-alleged-perpetrator"),
    "arrest_made": ("police_action", "id_arrest_made_1"),
    "no_arrest_reason": ("police_action", "id_no_arrest_reason"),
    "children": ("children", "add-child"),
    "no_children_how": ("children", "id_how"),
}
CHILD_PROBLEM_PAGES: dict[str, tuple[str, str]] = {
    "present": ("presence", "id_present_1"),
    "welfare_check_done": ("welfare", "id_welfare_check_done_1"),
    "spoken_to": ("conversation", "id_spoken_to_1"),
    "not_spoken_to_reason": ("conversation", "id_not_spoken_to_reason"),
    "spoken_to_alone": ("conversation", "id_spoken_to_alone_1"),
    "not_alone_reason": ("conversation", "id_not_alone_reason"),
    "relationships": ("relationships", "main-content"),
}


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


# --- Starting, and the drafts to carry on with -----------------------------------------------


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_start(request: HttpRequest) -> HttpResponse:
    """Start recording (a police incident, or another agency's concern), or carry on
    with a draft."""
    actor = actor_of(request)
    if request.method == "POST":
        incident = services.incident_start(actor=actor)
        return redirect("incident_details", incident_id=incident.pk)
    drafts = selectors.incident_list_for(
        actor=actor,
        filters=IncidentFilters(status=Incident.Status.DRAFT),
        purpose="List drafts to carry on with",
    )
    return render(request, "incidents/start.html", {"drafts": drafts})


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


# --- Adding a person: name first, then possible existing records, then details ----------------


def _role(slug: str) -> tuple[PartyRole, str]:
    if slug not in ROLES:
        raise Http404("Page not found")
    return ROLES[slug]


def _pending(request: HttpRequest, incident: Incident, role: str) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_PERSON)
    if not pending or pending.get("incident") != incident.pk or pending.get("role") != role:
        return None
    born = pending.get("date_of_birth")
    return {**pending, "date_of_birth": dt.date.fromisoformat(born) if born else None}


def _person_find_page(
    request: HttpRequest,
    journey: IncidentJourney,
    role: str,
    form: PersonFindForm | None = None,
) -> HttpResponse:
    incident = journey.incident
    party_role, who = _role(role)
    if form is None:
        pending = _pending(request, incident, role)
        form = PersonFindForm(
            initial=_find_initial(pending),
            who=who,
            date_required=party_role == PartyRole.CHILD,
        )
    back = "children" if party_role == PartyRole.CHILD else "adults"
    return _form_page(
        request,
        journey,
        form=form,
        title=f"Add {who}",
        back_url=_keep_change(request, _step_url(incident, back)),
        template="incidents/person_find.html",
        adding_person=True,
        action=_keep_change(request, reverse("incident_person_find", args=[incident.pk, role])),
        button="Continue",
        who=who,
    )


def _find_initial(pending: dict[str, Any] | None) -> dict[str, Any]:
    if not pending:
        return {}
    return {k: pending[k] for k in ("given_names", "family_name", "date_of_birth", "estimated_age")}


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_person_find(request: HttpRequest, incident_id: int, role: str) -> HttpResponse:
    _, journey = _journey(request, incident_id)
    party_role, who = _role(role)
    if request.method != "POST":
        return _person_find_page(request, journey, role)
    form = PersonFindForm(request.POST, who=who, date_required=party_role == PartyRole.CHILD)
    if not form.is_valid():
        return _person_find_page(request, journey, role, form)
    data = form.cleaned_data
    request.session[PENDING_PERSON] = {
        "incident": journey.incident.pk,
        "role": role,
        "given_names": data["given_names"],
        "family_name": data["family_name"],
        "date_of_birth": data["date_of_birth"].isoformat() if data["date_of_birth"] else None,
        "estimated_age": data["estimated_age"],
    }
    return redirect(
        _keep_change(request, reverse("incident_person_matches", args=[journey.incident.pk, role]))
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_person_matches(request: HttpRequest, incident_id: int, role: str) -> HttpResponse:
    """People already recorded who may be the one being added (the lookup is logged)."""
    actor, journey = _journey(request, incident_id)
    incident = journey.incident
    party_role, who = _role(role)
    pending = _pending(request, incident, role)
    if pending is None:  # nothing typed yet, or the session ended: ask again
        return _person_find_page(request, journey, role)
    matches = person_find_candidates(
        actor=actor,
        query=PersonQuery(
            given_names=pending["given_names"],
            family_name=pending["family_name"],
            date_of_birth=pending["date_of_birth"],
        ),
        purpose="Check for an existing record before adding a person to an incident",
    )
    # Someone already in this incident is not offered again: choosing them would move
    # them to another part (the victim recorded as a child, say).
    matches = [m for m in matches if m.person.pk not in journey.person_ids]
    details_url = _keep_change(
        request, reverse("incident_person_details", args=[incident.pk, role])
    )
    if not matches:
        return redirect(details_url)
    form = PersonMatchForm(request.POST or None, matches=matches, who=who)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen_person_id()
        if chosen is None:
            return redirect(details_url)
        person = next(m.person for m in matches if m.person.pk == chosen)
        services.party_add(actor=actor, incident=incident, person=person, role=party_role)
        return _person_added(request, incident, party_role, person)
    return _form_page(
        request,
        journey,
        form=form,
        title=f"Check if {who} is already recorded",
        back_url=_keep_change(request, reverse("incident_person_find", args=[incident.pk, role])),
        template="incidents/person_matches.html",
        adding_person=True,
        pending=pending,
        button="Continue",
    )


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_person_details(request: HttpRequest, incident_id: int, role: str) -> HttpResponse:
    actor, journey = _journey(request, incident_id)
    incident = journey.incident
    party_role, who = _role(role)
    pending = _pending(request, incident, role)
    if pending is None:
        return _person_find_page(request, journey, role)
    form = PersonDetailsForm(
        request.POST or None,
        is_child=party_role == PartyRole.CHILD,
        is_police=_is_police(incident),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.incident_person_record(
                actor=actor,
                incident=incident,
                details=form.details(
                    given_names=pending["given_names"],
                    family_name=pending["family_name"],
                    date_of_birth=pending["date_of_birth"],
                    estimated_age=pending["estimated_age"],
                ),
                role=party_role,
                address=services.AddressIn(
                    line_1=data["address_line_1"],
                    line_2=data["address_line_2"],
                    town=data["address_town"],
                    postcode=data["address_postcode"],
                    is_confidential=data["address_confidential"],
                )
                if form.has_address()
                else None,
            )
        except ValidationFailed as failure:
            form.add_failure(failure)
        else:
            return _person_added(request, incident, party_role, person)
    find_url = _keep_change(request, reverse("incident_person_find", args=[incident.pk, role]))
    return _form_page(
        request,
        journey,
        form=form,
        title=f"About {pending['given_names'] or pending['family_name']}",
        back_url=find_url,
        template="incidents/person_details.html",
        adding_person=True,
        pending=pending,
        find_url=find_url,
        who=who,
        button="Save and continue",
    )


def _person_added(
    request: HttpRequest, incident: Incident, role: PartyRole, person: Person
) -> HttpResponse:
    request.session.pop(PENDING_PERSON, None)
    if role == PartyRole.CHILD:  # each child is a short loop of pages of their own
        return redirect("incident_child_relationships", incident_id=incident.pk, child_id=person.pk)
    return redirect(_keep_change(request, _step_url(incident, "adults")))


@no_personal_data
@require_POST
def incident_person_remove(request: HttpRequest, incident_id: int, person_id: int) -> HttpResponse:
    """Take out someone added by mistake (their own record is kept)."""
    actor, journey = _journey(request, incident_id)
    services.incident_person_remove(actor=actor, incident=journey.incident, person_id=person_id)
    messages.success(request, "Removed from this incident")
    page = "children" if request.POST.get("return_to") == "children" else "adults"
    return redirect(_keep_change(request, _step_url(journey.incident, page)))


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
    adults = [*facts.victims, *facts.perpetrators]
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
    form = form_class(
        request.POST or None, initial=form_class.initial_from(view.involvement), name=name
    )
    if request.method == "POST" and form.is_valid():
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


# --- Check your answers, and submit --------------------------------------------------------------


def _problem_links(journey: IncidentJourney, problems: list[Problem]) -> list[tuple[str, str]]:
    """Each problem with a link to the page (and the question) that fixes it."""
    incident = journey.incident
    children = journey.detail.facts.children
    links = []
    for problem in problems:
        url, anchor = _step_url(incident, "check"), "main-content"
        if problem.field in PROBLEM_PAGES:
            step, anchor = PROBLEM_PAGES[problem.field]
            url = _step_url(incident, step)
        elif problem.field.startswith("children."):
            _, index, name = problem.field.split(".", 2)
            if name in CHILD_PROBLEM_PAGES and int(index) < len(children):
                step, anchor = CHILD_PROBLEM_PAGES[name]
                url = _child_step_url(incident, children[int(index)].child.pk, step)
        links.append((f"{url}?change=1#{anchor}", problem.message))
    return links


def _tie_phrase(journey: IncidentJourney, person: Person, other: Person) -> str:
    tie = journey.ties.get((person.pk, other.pk))
    if tie is None:
        return "Not recorded yet"
    phrase = forms.kinship_phrase(tie.kinship, other.full_name)
    return f"{phrase}, with parental responsibility" if tie.parental_responsibility else phrase


def _adult_pairs(journey: IncidentJourney) -> list[tuple[Person, Person, str]]:
    facts = journey.detail.facts
    return [(v, p, _tie_phrase(journey, v, p)) for v in facts.victims for p in facts.perpetrators]


def _children_rows(journey: IncidentJourney) -> list[dict[str, Any]]:
    """Each child with how each adult is related to them and the links to their pages."""
    facts, incident = journey.detail.facts, journey.incident
    return [
        {
            "view": view,
            "ties": [
                (adult, _tie_phrase(journey, adult, view.child))
                for adult in [*facts.victims, *facts.perpetrators]
            ],
            "urls": {
                step: _child_step_url(incident, view.child.pk, step) + "?change=1"
                for step in CHILD_STEPS
            },
            "start_url": _child_step_url(incident, view.child.pk, "relationships"),
        }
        for view in facts.children
    ]


@reads_personal_data
@require_http_methods(["GET", "POST"])
def incident_check(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor, journey = _journey(request, incident_id)
    incident = journey.incident
    problems = journey.detail.problems
    if request.method == "POST":
        try:
            services.incident_submit(actor=actor, incident=incident)
        except InvalidTransition:
            messages.success(request, "This has already been submitted")
            return redirect("incident_detail", incident_id=incident.pk)
        except ValidationFailed as failure:
            problems = [
                Problem(field, message)
                for field, field_messages in failure.fields.items()
                for message in field_messages
            ] or [Problem("", failure.message)]
        else:
            what = "Incident" if _is_police(incident) else "Concern"
            messages.success(request, f"{what} submitted")
            return redirect("incident_detail", incident_id=incident.pk)
    links = _problem_links(journey, problems)
    return render(
        request,
        "incidents/check.html",
        {
            "journey": journey,
            "incident": incident,
            "detail": journey.detail,
            "is_police": _is_police(incident),
            "problem_links": links,
            # The page title says "Error: " while there are problems to fix.
            "form": _ProblemsForm(links),
            "adult_pairs": _adult_pairs(journey),
            "children": _children_rows(journey),
            "urls": {step: _step_url(incident, step) + "?change=1" for step in INCIDENT_STEPS},
            "back_url": _back_url(request, incident, "check"),
        },
    )


class _ProblemsForm:
    """Stands in for a form in the page's context, so the title reads "Error: " when
    the check finds problems (``base.html``)."""

    def __init__(self, links: list[tuple[str, str]]) -> None:
        self.errors = {"__all__": [message for _, message in links]} if links else {}


# --- Reading: the incident, a child's record, the list -------------------------------------


@reads_personal_data
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    detail = selectors.incident_get_for(actor=actor_of(request), incident_id=incident_id)
    return render(
        request,
        "incidents/detail.html",
        {"detail": detail, "incident": detail.incident, "is_police": _is_police(detail.incident)},
    )


@reads_personal_data
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    detail = selectors.child_get_for(actor=actor_of(request), child_id=child_id)
    return render(request, "incidents/child_detail.html", {"detail": detail})


@reads_personal_data
def incident_list(request: HttpRequest) -> HttpResponse:
    """The incidents the person may see (all the force's for public protection, their
    own for a response officer, their own concerns for another agency), filtered."""
    actor = actor_of(request)
    form = forms.IncidentFilterForm(
        request.GET or None,
        initial={"children": forms.ANY},
        local_authorities=selectors.local_authority_choices(),
    )
    page = None
    if not form.is_bound or form.is_valid():
        page = selectors.incident_list_for(actor=actor, filters=form.filters())
    return render(
        request,
        "incidents/list.html",
        {"form": form, "page": page, "filtered": form.is_bound},
    )
