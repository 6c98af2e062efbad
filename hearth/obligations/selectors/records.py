"""An incident's obligations, and a child's safeguarding record across agencies."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.incidents.facts import children_at
from hearth.incidents.models import ChildInvolvement, Incident
from hearth.matching.selectors import KnownElsewhere, known_elsewhere_for
from hearth.obligations import policy, registry
from hearth.obligations.models import (
    Obligation,
    UnroutedWork,
)
from hearth.obligations.selectors._common import _open_deadlines, _with_next_due
from hearth.people.models import Person
from hearth.people.selectors import linked_person_ids

# --- An incident's obligations ------------------------------------------------------------


@dataclass(frozen=True)
class ChildProgress:
    child: Person
    obligations: list[Obligation]

    @property
    def complete(self) -> bool:
        return bool(self.obligations) and all(not o.is_open for o in self.obligations)

    @property
    def open(self) -> list[Obligation]:
        return [o for o in self.obligations if o.is_open]


@dataclass(frozen=True)
class IncidentObligations:
    incident: Incident
    obligations: list[Obligation]
    children: list[ChildProgress]
    unrouted: list[UnroutedWork]

    @property
    def complete(self) -> bool:
        """Every child's obligations closed (architecture §2), and nothing left unrouted."""
        return all(c.complete for c in self.children) and not self.unrouted

    @property
    def adults(self) -> list[Obligation]:
        """What is not a child's: the adult victims' referrals, and actions for an adult."""
        childrens = {o.pk for c in self.children for o in c.obligations}
        return [o for o in self.obligations if o.pk not in childrens]


def incident_obligations_for(
    *, actor: Actor, incident_id: int, purpose: str = "View an incident's obligations"
) -> IncidentObligations:
    """For whoever may see the incident: every obligation it created, each child's
    progress, and the work that could not be routed."""
    incident = Incident.objects.visible_to(actor).filter(pk=incident_id).first()
    if incident is None:
        raise NotFound("No such incident")
    obligations = list(
        _with_next_due(Obligation.objects.filter(incident=incident))
        .select_related("subject", "team")
        .prefetch_related(_open_deadlines(), *registry.prefetches())
        .order_by("route", "id")
    )
    # Every child listed, the child who harmed (the alleged perpetrator, under 18) too.
    children = [c.person for c in children_at(incident)]
    progress = [
        ChildProgress(
            child=child,
            obligations=[
                o for o in obligations if registry.is_about_child(o, child.pk, owed_ids(o))
            ],
        )
        for child in children
    ]
    unrouted = list(
        UnroutedWork.objects.filter(incident=incident, resolved_at__isnull=True).select_related(
            "subject"
        )
    )
    if obligations or unrouted:
        access_record(
            actor=actor,
            action=AccessAction.READ,
            purpose=purpose,
            records=[*obligations, *(u.subject for u in unrouted)],
        )
    return IncidentObligations(
        incident=incident, obligations=obligations, children=progress, unrouted=unrouted
    )


def owed_ids(obligation: Obligation) -> set[int]:
    """Whom the obligation is owed to: its subject, and each child its route lists (the
    siblings on one Operation Encompass notification; prefetch ``registry.prefetches()``)."""
    route = registry.get(obligation.route)
    owed = {obligation.subject_id}
    if route.owed_ids is not None:
        owed |= route.owed_ids(obligation)
    return owed


# --- A child's safeguarding record ---------------------------------------------------------


RECORD_PER_PAGE = 25


@dataclass(frozen=True)
class SafeguardingRecord:
    """One page of the child's obligations, newest first, with how many there are in all
    and how many are still open (counted by the database, not by loading them)."""

    child: Person
    page: Page[Obligation]
    open_count: int
    # Other organisations holding a record of the child joined to this one by a link
    # (issue 16 §2): counted, named only where the viewer may see that record.
    known_elsewhere: KnownElsewhere = field(default_factory=lambda: KnownElsewhere(0, ()))

    @property
    def obligations(self) -> list[Obligation]:
        return list(self.page.object_list)

    @property
    def open(self) -> list[Obligation]:
        return [o for o in self.obligations if o.is_open]

    @property
    def total(self) -> int:
        return int(self.page.paginator.count)


def child_record_for(
    *,
    actor: Actor,
    child_id: int,
    page: int | str | None = 1,
    purpose: str = "View a child's safeguarding record",
) -> SafeguardingRecord:
    """Every obligation owed to the child, across every incident and agency (their route,
    team, status, due time and outcome: not the content other agencies were sent), for
    an agency with a legitimate relationship to the child: one that may see an incident
    the child was part of, or an obligation about the child. One page at a time
    (``RECORD_PER_PAGE``): a child with years of records must not make a page without
    bound, and only the page shown is read and logged."""
    child = Person.objects.filter(pk=child_id).first()
    if child is None:
        raise NotFound("No such child")
    same_child = linked_person_ids(child)
    related = (
        Obligation.objects.visible_to(actor)
        .owed_to(same_child)
        .filter(route__in=sorted(registry.about_child_keys()))
        .exists()
        or ChildInvolvement.objects.visible_to(actor).filter(child_id__in=same_child).exists()
    )
    if not related:
        raise NotFound("No such child")
    owed = Obligation.objects.owed_to(same_child).filter(
        route__in=sorted(registry.about_child_keys())
    )
    current = Paginator(
        _with_next_due(owed)
        .select_related("team__agency", "incident")
        .prefetch_related(_open_deadlines())
        .order_by("-created_at", "-id"),
        RECORD_PER_PAGE,
    ).get_page(page)
    obligations = list(current.object_list)
    current.object_list = obligations
    open_count = owed.exclude(status__in=[s.value for s in policy.ENDED]).count()
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[child, *obligations],
    )
    return SafeguardingRecord(
        child=child,
        page=current,
        open_count=open_count,
        known_elsewhere=known_elsewhere_for(actor=actor, person=child),
    )
