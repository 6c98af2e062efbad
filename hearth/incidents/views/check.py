"""Check your answers, and submit: every answer with a link to change it, and each
problem that stops submission with a link to the page (and the question) that fixes it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from hearth.core.errors import InvalidTransition, ValidationFailed
from hearth.core.personal_data import reads_personal_data
from hearth.incidents import services
from hearth.incidents.policy import Problem
from hearth.incidents.selectors import IncidentJourney
from hearth.incidents.views._common import (
    INCIDENT_STEPS,
    _back_url,
    _child_step_url,
    _children_rows,
    _is_police,
    _journey,
    _step_url,
    _tie_phrase,
)
from hearth.people.models import Person

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
            if name == "age":  # an adult listed as a child: taken out on the children page
                url, anchor = _step_url(incident, "children"), "main-content"
            elif name in CHILD_PROBLEM_PAGES and int(index) < len(children):
                step, anchor = CHILD_PROBLEM_PAGES[name]
                url = _child_step_url(incident, children[int(index)].child.pk, step)
        links.append((f"{url}?change=1#{anchor}", problem.message))
    return links


def _adult_pairs(journey: IncidentJourney) -> list[tuple[Person, Person, str]]:
    facts = journey.detail.facts
    return [(v, p, _tie_phrase(journey, v, p)) for v in facts.victims for p in facts.perpetrators]


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
            # The incident's page says it was submitted, in a banner with the next step.
            return redirect(reverse("incident_detail", args=[incident.pk]) + "?submitted=1")
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
