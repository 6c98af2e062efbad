"""Reads of the ledger: team inboxes, one obligation with what its route shares, an
incident's obligations, and a child's safeguarding record. Invariants:

- every read starts from ``Obligation.objects.visible_to(actor)``; anything outside it is
  ``NotFound``, the same as a missing record;
- what a recipient sees of the people and the incident is what the route shares
  (architecture §4): the front door sees the child, the incident summary, the adults'
  risk grade and history, and the child's own words; a MARAC sees the referral; an IDVA
  service the victim's grade and safe contact; a follow-up the child and the incident's
  date. The access is granted by the obligation, so these are read without the
  people's and incident's own ``visible_to``, and only while the obligation grants it;
- every read of personal data writes one access event naming the records returned;
- list pages take a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Prefetch, Q, QuerySet

from hearth.accounts.models import Team
from hearth.audit.models import AccessAction, TimelineEvent
from hearth.audit.selectors import timeline_of
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.incidents.policy import PartyRole
from hearth.obligations import policy
from hearth.obligations.models import (
    ChildAssessment,
    Deadline,
    MaracReferral,
    Obligation,
    Redirection,
    UnroutedWork,
)
from hearth.people.models import Person
from hearth.people.selectors import linked_person_ids
from hearth.risk.models import RiskAssessment
from hearth.risk.policy import PastEvent
from hearth.risk.selectors import victim_history

INBOX_PAGE_SIZE = 50


def _open_deadlines() -> Prefetch:
    return Prefetch(
        "deadlines",
        queryset=Deadline.objects.filter(met_at__isnull=True).order_by("due_at"),
        to_attr="open_deadlines",
    )


def _with_next_due(queryset: QuerySet[Obligation]) -> QuerySet[Obligation]:
    return queryset.annotate(
        next_due=Min("deadlines__due_at", filter=Q(deadlines__met_at__isnull=True))
    )


# --- Inboxes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""  # "" means every open status; "ended" the closed and withdrawn
    route: str = ""
    due_by: dt.date | None = None
    local_authority_id: int | None = None
    overdue_only: bool = False
    claimed_by_me: bool = False


@dataclass(frozen=True)
class InboxRow:
    obligation: Obligation
    next_due: dt.datetime | None
    siblings: list[Obligation]

    @property
    def is_overdue(self) -> bool:
        return self.next_due is not None and self.next_due <= clock.now()

    @property
    def time_left(self) -> str:
        return policy.time_left_words(self.next_due, clock.now()) if self.next_due else ""


@dataclass(frozen=True)
class Inbox:
    team: Team
    rows: list[InboxRow]
    total: int
    overdue: int
    is_manager: bool
    by_status: dict[str, int] = field(default_factory=dict)
    by_person: list[tuple[str, int]] = field(default_factory=list)


def inbox_teams_for(*, actor: Actor) -> list[Team]:
    """The teams whose inboxes the actor works from (names only: not logged)."""
    teams = Team.objects.filter(agency_id=actor.agency_id, is_active=True)
    if actor.team_ids:
        teams = teams.filter(pk__in=actor.team_ids)
    return list(teams.order_by("name"))


def _team_for_inbox(actor: Actor, team_id: int) -> Team:
    team = next((t for t in inbox_teams_for(actor=actor) if t.pk == team_id), None)
    if team is None:
        raise NotFound("No such team")
    return team


def inbox_for(
    *, actor: Actor, team_id: int, filters: InboxFilters = InboxFilters(), purpose: str = ""
) -> Inbox:
    """A team's obligations, overdue first, then by the time left. Siblings (children of
    one incident sent to the same team) are listed with each other."""
    team = _team_for_inbox(actor, team_id)
    base = Obligation.objects.addressed_to(actor).filter(team=team)
    items = base
    if filters.status == "ended":
        items = items.filter(status__in=[s.value for s in policy.ENDED])
    elif filters.status:
        items = items.filter(status=filters.status)
    else:
        items = items.open()
    if filters.route:
        items = items.filter(route=filters.route)
    if filters.local_authority_id:
        items = items.filter(incident__local_authority_id=filters.local_authority_id)
    if filters.claimed_by_me:
        items = items.filter(claimed_by_id=actor.user_id)
    # ``next_due`` is an annotation, which django-stubs cannot see.
    items = _with_next_due(items)  # type: ignore[assignment]
    if filters.due_by:
        items = items.filter(next_due__date__lte=filters.due_by)  # type: ignore[misc]
    now = clock.now()
    if filters.overdue_only:
        items = items.filter(next_due__lte=now)  # type: ignore[misc]
    total = items.count()
    overdue = items.filter(next_due__lte=now).count()  # type: ignore[misc]
    page = list(
        items.select_related("subject", "incident", "claimed_by", "team")
        # Overdue and soonest first; nothing due (waiting on others) last.
        .order_by(F("next_due").asc(nulls_last=True), "incident_id", "id")
        .prefetch_related(_open_deadlines())[:INBOX_PAGE_SIZE]
    )
    siblings: dict[int, list[Obligation]] = {}
    for other in (
        base.filter(incident_id__in={o.incident_id for o in page}, route=policy.Route.CHILD_CONCERN)
        .select_related("subject")
        .order_by("id")
    ):
        siblings.setdefault(other.incident_id, []).append(other)
    rows = [
        InboxRow(
            obligation=o,
            next_due=o.next_due,  # type: ignore[attr-defined]
            siblings=[s for s in siblings.get(o.incident_id, []) if s.pk != o.pk]
            if o.route == policy.Route.CHILD_CONCERN
            else [],
        )
        for o in page
    ]
    is_manager = actor.manages(team.pk)
    by_status: dict[str, int] = {}
    by_person: list[tuple[str, int]] = []
    if is_manager:
        by_status = dict(
            base.open().values_list("status").annotate(n=Count("id")).values_list("status", "n")
        )
        by_person = [
            (f"{first or ''} {last or ''}".strip() or "Not claimed", n)
            for first, last, n in base.open()
            .values_list("claimed_by__first_name", "claimed_by__last_name")
            .annotate(n=Count("id"))
            .values_list("claimed_by__first_name", "claimed_by__last_name", "n")
            .order_by("-n")
        ]
    access_record(
        actor=actor,
        action=AccessAction.SEARCH,
        purpose=purpose or f"Work from the {team.name} inbox",
        records=[*page, *(o.subject for o in page)],
        query={k: str(v) for k, v in filters.__dict__.items() if v not in ("", None, False)},
        result_count=total,
    )
    return Inbox(
        team=team,
        rows=rows,
        total=total,
        overdue=overdue,
        is_manager=is_manager,
        by_status=by_status,
        by_person=by_person,
    )


def obligations_for_bulk(*, actor: Actor, team_id: int, ids: Sequence[int]) -> list[Obligation]:
    """The chosen items of a team's inbox, for bulk acknowledgement (ids outside it are
    ignored: a forged id acts on nothing)."""
    team = _team_for_inbox(actor, team_id)
    return list(
        Obligation.objects.addressed_to(actor).filter(team=team, pk__in=list(ids)).order_by("id")
    )


# --- One obligation, and what its route shares -----------------------------------------------


@dataclass(frozen=True)
class ChildVoice:
    present: bool | None
    saw: bool
    heard: bool
    injured: bool | None
    spoken_to: bool | None
    spoken_to_alone: bool | None
    not_spoken_to_reason: str
    own_words: str
    worries: str
    demeanour: str


@dataclass(frozen=True)
class AdultRisk:
    person: Person
    grade: str
    score: int | None
    basis: str
    history: list[PastEvent]


@dataclass(frozen=True)
class Shared:
    """What the route shares with its recipient (empty parts are not shared)."""

    subject: Person
    incident_reference: str
    incident_occurred_at: dt.datetime | None
    incident_town: str = ""
    incident_summary: str = ""
    abuse_types: list[str] = field(default_factory=list)
    adults: list[tuple[str, Person]] = field(default_factory=list)
    risks: list[AdultRisk] = field(default_factory=list)
    child_voice: ChildVoice | None = None
    siblings: list[Obligation] = field(default_factory=list)
    marac: MaracReferral | None = None
    marac_children: list[tuple[Person, Obligation | None]] = field(default_factory=list)


@dataclass(frozen=True)
class ObligationDetail:
    obligation: Obligation
    shared: Shared
    deadlines: list[Deadline]
    redirections: list[Redirection]
    assessments: list[ChildAssessment]
    timeline: list[TimelineEvent]
    is_recipient: bool
    is_referrer: bool
    send_problems: list[str]
    triggered_by: list[Obligation]


def _risks(incident: Incident, victims: list[Person]) -> list[AdultRisk]:
    assessments = {
        a.victim_id: a
        for a in RiskAssessment.objects.filter(
            incident=incident, status=RiskAssessment.Status.COMPLETED
        ).order_by("completed_at", "id")
    }
    day = (incident.occurred_at or clock.now()).astimezone(clock.LONDON).date()
    risks = []
    for victim in victims:
        assessment = assessments.get(victim.pk)
        risks.append(
            AdultRisk(
                person=victim,
                grade=assessment.get_grade_display() if assessment else "Not assessed",
                score=assessment.score if assessment else None,
                basis=(assessment.basis or "").replace("_", " ") if assessment else "",
                history=victim_history(victim=victim, before=day),
            )
        )
    return risks


def _shared(obligation: Obligation) -> Shared:
    incident = obligation.incident
    route = policy.Route(obligation.route)
    parties = list(Party.objects.filter(incident=incident).select_related("person"))
    victims = [p.person for p in parties if p.role == PartyRole.ADULT_VICTIM]
    base = Shared(
        subject=obligation.subject,
        incident_reference=incident.police_reference or f"Hearth incident {incident.pk}",
        incident_occurred_at=incident.occurred_at,
    )
    if route == policy.Route.CHILD_CONCERN:
        involvement = ChildInvolvement.objects.filter(
            incident=incident, child=obligation.subject
        ).first()
        voice = (
            ChildVoice(
                present=involvement.present,
                saw=involvement.saw,
                heard=involvement.heard,
                injured=involvement.injured,
                spoken_to=involvement.spoken_to,
                spoken_to_alone=involvement.spoken_to_alone,
                not_spoken_to_reason=involvement.not_spoken_to_reason,
                own_words=involvement.own_words,
                worries=involvement.worries,
                demeanour=involvement.demeanour,
            )
            if involvement
            else None
        )
        return Shared(
            subject=base.subject,
            incident_reference=base.incident_reference,
            incident_occurred_at=base.incident_occurred_at,
            incident_town=incident.location_town,
            incident_summary=incident.summary,
            abuse_types=incident.abuse_type_labels,
            adults=[
                (p.get_role_display(), p.person)
                for p in parties
                if p.role in (PartyRole.ADULT_VICTIM, PartyRole.ALLEGED_PERPETRATOR)
            ],
            risks=_risks(incident, victims),
            child_voice=voice,
            siblings=list(
                Obligation.objects.filter(
                    incident=incident, route=policy.Route.CHILD_CONCERN, team=obligation.team
                )
                .exclude(pk=obligation.pk)
                .select_related("subject")
            ),
        )
    if route == policy.Route.MARAC_REFERRAL:
        referral = MaracReferral.objects.filter(obligation=obligation).first()
        children = (
            [
                (link.child, link.notification)
                for link in referral.children.select_related("child", "notification")
            ]
            if referral
            else []
        )
        return Shared(
            subject=base.subject,
            incident_reference=base.incident_reference,
            incident_occurred_at=base.incident_occurred_at,
            adults=[
                (p.get_role_display(), p.person)
                for p in parties
                if p.role in (PartyRole.ADULT_VICTIM, PartyRole.ALLEGED_PERPETRATOR)
            ],
            risks=_risks(incident, [obligation.subject]),
            marac=referral,
            marac_children=children,
        )
    if route == policy.Route.IDVA_REFERRAL:
        return Shared(
            subject=base.subject,
            incident_reference=base.incident_reference,
            incident_occurred_at=base.incident_occurred_at,
            risks=_risks(incident, [obligation.subject]),
        )
    return base  # a follow-up: the child and when the incident happened


def obligation_get_for(
    *, actor: Actor, obligation_id: int, purpose: str = "View an obligation"
) -> ObligationDetail:
    import rules

    obligation = (
        Obligation.objects.visible_to(actor)
        .select_related("subject", "incident", "team", "referrer_team", "claimed_by")
        .filter(pk=obligation_id)
        .first()
    )
    if obligation is None:
        raise NotFound("No such obligation")
    shared = _shared(obligation)
    from hearth.obligations.services import marac_send_problems

    is_referrer = rules.test_rule("obligations.refer", actor, obligation)
    records: list = [obligation, obligation.subject, obligation.incident]
    records += [person for _, person in shared.adults]
    records += [person for person, _ in shared.marac_children]
    access_record(actor=actor, action=AccessAction.READ, purpose=purpose, records=records)
    return ObligationDetail(
        obligation=obligation,
        shared=shared,
        deadlines=list(obligation.deadlines.order_by("due_at", "id")),
        redirections=list(obligation.redirections.select_related("from_team", "to_team")),
        assessments=list(obligation.assessments.all()),
        timeline=timeline_of(subject=obligation),
        is_recipient=rules.test_rule("obligations.act_on", actor, obligation),
        is_referrer=is_referrer,
        send_problems=marac_send_problems(obligation)
        if obligation.route == policy.Route.MARAC_REFERRAL
        and obligation.status == policy.Status.CREATED
        else [],
        triggered_by=list(obligation.triggered_by.select_related("team")),
    )


def redirect_choices_for(*, obligation: Obligation) -> list[tuple[int, str]]:
    """Teams an obligation can be redirected to: the active teams doing the same work
    (another local authority's front door, say). Names only."""
    return list(
        Team.objects.filter(
            function=obligation.team.function, is_active=True, agency__is_active=True
        )
        .exclude(pk=obligation.team_id)
        .order_by("name")
        .values_list("pk", "name")
    )


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
        return [o for o in self.obligations if o.route not in policy.CHILD_ROUTES]


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
        .prefetch_related(_open_deadlines())
        .order_by("route", "id")
    )
    children = [
        p.person
        for p in Party.objects.filter(incident=incident, role=PartyRole.CHILD)
        .select_related("person")
        .order_by("id")
    ]
    progress = [
        ChildProgress(
            child=child,
            obligations=[
                o
                for o in obligations
                if o.subject_id == child.pk and o.route in policy.CHILD_ROUTES
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


# --- A child's safeguarding record ---------------------------------------------------------


@dataclass(frozen=True)
class SafeguardingRecord:
    child: Person
    obligations: list[Obligation]

    @property
    def open(self) -> list[Obligation]:
        return [o for o in self.obligations if o.is_open]


def child_record_for(
    *, actor: Actor, child_id: int, purpose: str = "View a child's safeguarding record"
) -> SafeguardingRecord:
    """Every obligation owed to the child, across every incident and agency (their route,
    team, status, due time and outcome: not the content other agencies were sent), for
    an agency with a legitimate relationship to the child: one that may see an incident
    the child was part of, or an obligation about the child."""
    child = Person.objects.filter(pk=child_id).first()
    if child is None:
        raise NotFound("No such child")
    same_child = linked_person_ids(child)
    related = (
        Obligation.objects.visible_to(actor)
        .filter(subject_id__in=same_child, route__in=[r.value for r in policy.CHILD_ROUTES])
        .exists()
        or ChildInvolvement.objects.visible_to(actor).filter(child_id__in=same_child).exists()
    )
    if not related:
        raise NotFound("No such child")
    obligations = list(
        _with_next_due(
            Obligation.objects.filter(
                subject_id__in=same_child, route__in=[r.value for r in policy.CHILD_ROUTES]
            )
        )
        .select_related("team__agency", "incident")
        .prefetch_related(_open_deadlines())
        .order_by("-created_at", "-id")
    )
    access_record(
        actor=actor,
        action=AccessAction.READ,
        purpose=purpose,
        records=[child, *obligations],
    )
    return SafeguardingRecord(child=child, obligations=obligations)
