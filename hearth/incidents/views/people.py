"""Adding a person to an incident: their name first, then any existing records that may
be them (the lookup is logged), then their details; and taking out someone added by
mistake."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from hearth.core.errors import ValidationFailed
from hearth.core.personal_data import no_personal_data, reads_personal_data
from hearth.incidents import services
from hearth.incidents.facts import incident_day
from hearth.incidents.models import Incident
from hearth.incidents.policy import PartyRole, adult_listed_as_child
from hearth.incidents.selectors import IncidentJourney
from hearth.incidents.views._common import (
    _form_page,
    _is_police,
    _journey,
    _keep_change,
    _step_url,
)
from hearth.matching.selectors import possibly_known_elsewhere
from hearth.people.forms import PersonDetailsForm, PersonFindForm, PersonMatchForm
from hearth.people.matching import PersonQuery
from hearth.people.models import Person
from hearth.people.selectors import person_find_candidates

# The person being added: role in the URL -> (party role, how the pages refer to them).
ROLES: dict[str, tuple[PartyRole, str]] = {
    "adult-victim": (PartyRole.ADULT_VICTIM, "the adult victim"),
    "alleged-perpetrator": (PartyRole.ALLEGED_PERPETRATOR, "the alleged perpetrator"),
    "child": (PartyRole.CHILD, "the child"),
}
# The name and date of birth typed on the first page of adding a person, kept for the
# pages after it (possible existing records, then the person's details).
PENDING_PERSON = "hearth_pending_person"


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
    if form.is_valid() and party_role == PartyRole.CHILD:
        _refuse_an_adult(form, journey.incident)
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


def _refuse_an_adult(form: PersonFindForm, incident: Incident) -> None:
    """Someone 18 or over on the day of the incident is not a child (Children Act 1989
    s.105): say so on their date of birth (or estimated age), before any lookup."""
    if incident.occurred_at is None:
        return  # no date yet: the submission check asks again
    data = form.cleaned_data
    typed = Person(date_of_birth=data["date_of_birth"], estimated_age=data["estimated_age"])
    name = " ".join(n for n in (data["given_names"], data["family_name"]) if n)
    if adult := adult_listed_as_child(name, typed.age_on(incident_day(incident))):
        form.add_error("date_of_birth" if data["date_of_birth"] else "estimated_age", adult)


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
        try:
            services.party_add(actor=actor, incident=incident, person=person, role=party_role)
        except ValidationFailed as failure:  # someone 18 or over chosen as a child
            form.add_failure(failure)
        else:
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
    # A child new to this agency may be known to another (issue 16 §2): say so, never
    # who or where; the record is linked once saved, and the front door sees the link.
    known_elsewhere = party_role == PartyRole.CHILD and possibly_known_elsewhere(
        actor=actor,
        given_names=pending["given_names"],
        family_name=pending["family_name"],
        date_of_birth=pending["date_of_birth"],
    )
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
        known_elsewhere=known_elsewhere,
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
