"""The home page's main actions for the police roles (issue 17), registered with
``accounts.views.HOME_ACTIONS`` from ``IncidentsConfig.ready``: a response officer records
an incident and finishes their drafts; public protection reviews its force's incidents.
Each count is exactly the rows of the list it links to (``selectors.home_counts_for``)."""

from __future__ import annotations

from django.urls import reverse

from hearth.accounts.views import HomeAction, WaitingCount
from hearth.core.actor import Actor, AgencyKind, Role
from hearth.incidents import selectors
from hearth.incidents.forms.filters import TO_REVIEW
from hearth.incidents.models import Incident


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def incident_home_actions(actor: Actor) -> list[HomeAction]:
    if actor.agency_kind != AgencyKind.POLICE_FORCE:
        return []
    officer = actor.has_role(Role.RESPONSE_OFFICER)
    ppu = actor.has_role(Role.PUBLIC_PROTECTION_OFFICER)
    if not officer and not ppu:
        return []
    counts = selectors.home_counts_for(actor=actor, drafts=officer, to_review=ppu)
    listed = reverse("incident_list")
    actions = []
    if officer:
        drafts = WaitingCount(
            words=_plural(counts.drafts, "draft to finish", "drafts to finish"),
            count=counts.drafts,
            url=f"{listed}?status={Incident.Status.DRAFT}",
        )
        actions.append(
            HomeAction("Record an incident", reverse("incident_start"), (drafts,), order=10)
        )
    if ppu:
        to_review = WaitingCount(
            words=_plural(
                counts.to_review, "incident not yet reviewed", "incidents not yet reviewed"
            ),
            count=counts.to_review,
            url=f"{listed}?review={TO_REVIEW}",
        )
        actions.append(
            HomeAction("Review incidents", f"{listed}?review={TO_REVIEW}", (to_review,), order=10)
        )
    return actions
