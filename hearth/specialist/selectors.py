"""Reading specialist support. Invariants:

- every read of a child's referral or unmet need starts from ``visible_to``: a service's
  team sees only the children referred to it, only what the referral shares (the child,
  the need, the consent and views; never the incident or the child's other records), and
  only for as long as the ledger allows (``Obligation.access_ends_at``); the referrer and
  the child's lead agency see each step; anything else is ``NotFound``, as if missing;
- every read of personal data writes one access event naming the records read;
- aggregates (``unmet_need_aggregate``) carry no child and suppress small counts;
- each area's settings (``specialist_settings_list_for``, ``..._get_for``) are
  configuration, not personal data: only the service operator's administrators read them
  (anyone else ``NotFound``, as for the other area settings) and no access event is kept;
  they show what routing uses (``routing.area_specialist``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q

from hearth.accounts.models import Area, Team, TeamFunction
from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor, AgencyKind
from hearth.core.errors import NotFound
from hearth.incidents.models import ChildInvolvement
from hearth.obligations import policy as ledger
from hearth.obligations import registry
from hearth.obligations.models import ENDED_STATUSES as ENDED
from hearth.obligations.models import Obligation
from hearth.obligations.reference import team_for
from hearth.people.models import Person
from hearth.people.selectors import linked_person_ids
from hearth.specialist import policy, routing
from hearth.specialist.models import (
    SessionAttended,
    SpecialistReferral,
    SpecialistReferralQuerySet,
    SpecialistSettings,
    UnmetNeed,
)


def _log(actor: Actor, purpose: str, rows: list[Any], people: list[Person], **query: Any) -> None:
    if rows:
        access_record(
            actor=actor,
            action=AccessAction.READ if len(rows) == 1 and not query else AccessAction.SEARCH,
            purpose=purpose,
            records=[*rows, *people],
            query=query or None,
            result_count=len(rows),
        )


def _referrals() -> SpecialistReferralQuerySet:
    return SpecialistReferral.objects.select_related(
        "obligation__team__agency", "obligation__referrer_agency", "child", "service"
    ).prefetch_related(
        Prefetch("sessions", queryset=SessionAttended.objects.order_by("on")),
        Prefetch(
            "obligation__deadlines",
        ),
    )


# --- One referral ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralView:
    referral: SpecialistReferral
    is_recipient: bool  # the service's team: it may act

    @property
    def obligation(self) -> Any:
        return self.referral.obligation

    @property
    def ack_deadline(self) -> Any:
        return next(
            (d for d in self.obligation.deadlines.all() if d.stage == ledger.Stage.ACKNOWLEDGE),
            None,
        )


def referral_get_for(
    *, actor: Actor, obligation_id: int, purpose: str = "View a specialist support referral"
) -> ReferralView:
    """One referral, by its obligation's number (the number its inbox row links to)."""
    referral = _referrals().visible_to(actor).filter(obligation_id=obligation_id).first()
    if referral is None:
        raise NotFound("No such referral")
    _log(actor, purpose, [referral], [referral.child])
    return ReferralView(referral, referral.obligation.team.agency_id == actor.agency_id)


def referral_acting(*, actor: Actor, obligation_id: int) -> SpecialistReferral:
    """A referral the actor's agency received, to act on (the service checks the rules).
    Its read was logged by the page or answer that showed it."""
    referral = _referrals().received_by(actor).filter(obligation_id=obligation_id).first()
    if referral is None:
        raise NotFound("No such referral")
    return referral


# --- A service's lists ------------------------------------------------------------------------


def referrals_received(
    *,
    actor: Actor,
    waiting_only: bool = False,
    purpose: str = "List referrals to a service",
    show: str = "",
) -> list[SpecialistReferral]:
    """The referrals to the actor's agency's services still open (the waiting list: those
    on it, not yet started); with ``show`` (a ``WORK_SHOWN`` key), only those the home
    page counts under it (``service_work_for``), so the count and the list agree."""
    qs = _referrals().received_by(actor).exclude(obligation__status__in=ENDED)
    if actor.team_ids:
        qs = qs.filter(obligation__team_id__in=actor.team_ids)
    if show in WORK_SHOWN:
        qs = qs.filter(_work_filters()[show])
    if waiting_only:
        qs = qs.filter(_work_filters()["waiting_list"])
        qs = qs.order_by("expected_start_on", "created_at", "id")
    else:
        qs = qs.order_by("created_at", "id")
    rows = list(qs[:500])
    query: dict[str, object] = {"waiting_only": waiting_only}
    if show in WORK_SHOWN:
        query["show"] = show
    _log(actor, purpose, rows, [r.child for r in rows], **query)
    return rows


# What the home page counts (``service_work_for``) and the referrals page shows under
# each (``referrals_received(show=...)``), in words for the page's heading.
WORK_SHOWN = {
    "to_acknowledge": "waiting to be acknowledged",
    "overdue": "overdue",
    "receiving_support": "with the child receiving support",
}


def _work_filters() -> dict[str, Q]:
    return {
        "to_acknowledge": Q(obligation__acknowledged_at__isnull=True),
        "overdue": Q(obligation__next_due_at__lte=clock.now()),
        "waiting_list": Q(answer=policy.ReferralOutcome.WAITING_LIST, started_on__isnull=True),
        "receiving_support": Q(started_on__isnull=False),
    }


def referrals_for_child(
    *, actor: Actor, child_id: int, purpose: str = "View a child's specialist referrals"
) -> list[SpecialistReferral]:
    rows = list(_referrals().visible_to(actor).filter(child_id=child_id).order_by("-created_at"))
    _log(actor, purpose, rows, [r.child for r in rows[:1]])
    return rows


def child_visible_to(actor: Actor, child_id: int) -> Person:
    """A child the actor has a legitimate relationship with: named by a record it may see
    (an incident, a checklist), or owed an obligation it may see (the front door's
    notification, a school's Operation Encompass notification), as for the child's
    safeguarding record. Anyone else: ``NotFound``."""
    child = Person.objects.filter(pk=child_id).first()
    if child is None or not actor.sees_case_content:
        raise NotFound("No such child")
    if Person.objects.visible_to(actor).filter(pk=child_id).exists():
        return child
    owed = (
        Obligation.objects.visible_to(actor)
        .owed_to(linked_person_ids(child))
        .filter(route__in=sorted(registry.about_child_keys()))
    )
    received = Obligation.objects.filter(
        team__agency_id=actor.agency_id, route__in=registry.read_elsewhere()
    ).owed_to(linked_person_ids(child))
    if (
        owed.exists()
        or received.exclude(status=ledger.Status.CREATED)
        .filter(Q(access_ends_at__isnull=True) | Q(access_ends_at__gt=clock.now()))
        .exists()
    ):
        return child
    raise NotFound("No such child")


# --- The home page: what is waiting (counts only) -------------------------------------------


@dataclass(frozen=True)
class ServiceWork:
    """The open referrals to the actor's agency's services, counted."""

    open: int
    to_acknowledge: int
    overdue: int  # a step (so far, acknowledging) not taken by when it was due
    waiting_list: int
    receiving_support: int


def service_work_for(*, actor: Actor) -> ServiceWork:
    """What is waiting for a specialist service, from the same referrals its list shows
    (``referrals_received``: received by its teams, while the ledger allows). Numbers
    only, naming no child, so no access event."""
    qs = SpecialistReferral.objects.received_by(actor).exclude(obligation__status__in=ENDED)
    if actor.team_ids:
        qs = qs.filter(obligation__team_id__in=actor.team_ids)
    counts = qs.aggregate(
        open=Count("pk"),
        **{name: Count("pk", filter=wanted) for name, wanted in _work_filters().items()},
    )
    return ServiceWork(**{name: int(value or 0) for name, value in counts.items()})


def children_waiting_count(*, actor: Actor) -> int:
    """How many children the actor's agency, as their lead agency, has on its list of
    unmet need (``unmet_need_list``, open): each child once, whatever the reasons. A
    number only, so no access event."""
    if not actor.sees_case_content:
        return 0
    return (
        UnmetNeed.objects.open()
        .filter(lead_team__agency_id=actor.agency_id)
        .values("child_id")
        .distinct()
        .count()
    )


# --- Refer a child: the services that fit ---------------------------------------------


@dataclass(frozen=True)
class ReferOptions:
    child: Person
    area_name: str
    threshold_weeks: int
    fits: list[policy.Fit]
    others: list[policy.Fit]
    unmet: policy.UnmetReason | None
    unmet_recorded: bool  # the child has open unmet need already
    # Where "Back" leads: the child's record if the actor may open it (an incident the
    # child was at), else their safeguarding record (an obligation about them), else home.
    back_to: str = "home"

    @property
    def unmet_words(self) -> str:
        return policy.UNMET_REASON_LABELS[self.unmet] if self.unmet else ""


def refer_options_for(
    *, actor: Actor, child_id: int, purpose: str = "Refer a child to specialist support"
) -> ReferOptions:
    """The child (whom the actor must be able to see) and every active service: those
    that fit, with capacity and waiting time, then the others with why not."""
    child = child_visible_to(actor, child_id)
    area_id = routing.child_area_id(child)
    facts, fits, area = routing.fits_for_child(child, area_id)
    _log(actor, purpose, [child], [])
    return ReferOptions(
        child=child,
        area_name=facts.area_name,
        threshold_weeks=(
            area.waiting_threshold_weeks if area else policy.DEFAULT_WAITING_THRESHOLD_WEEKS
        ),
        fits=[f for f in fits if f.fits],
        others=[f for f in fits if not f.fits],
        unmet=policy.unmet_reason(fits),
        unmet_recorded=UnmetNeed.objects.open().filter(child=child).exists(),
        back_to=_back_to(actor, child),
    )


def _back_to(actor: Actor, child: Person) -> str:
    """The child's own pages the actor may open, as their selectors decide: a front door
    that knows the child only through its notifications cannot open the child's record
    (``child_get_for``) but can open the safeguarding record (``child_record_for``)."""
    if ChildInvolvement.objects.visible_to(actor).filter(child_id=child.pk).exists():
        return "record"
    if (
        Obligation.objects.visible_to(actor)
        .owed_to(linked_person_ids(child))
        .filter(route__in=sorted(registry.about_child_keys()))
        .exists()
    ):
        return "safeguarding"
    return "home"


# --- Unmet need ----------------------------------------------------------------------------------


def unmet_need_list(
    *, actor: Actor, open_only: bool = True, purpose: str = "List unmet need for specialist support"
) -> list[UnmetNeed]:
    """The lead agency's children with unmet need (open first, oldest first)."""
    qs = UnmetNeed.objects.filter(lead_team__agency_id=actor.agency_id)
    if not actor.sees_case_content:
        qs = qs.none()
    if open_only:
        qs = qs.open()
    rows = list(qs.select_related("child", "area", "lead_team").order_by("opened_on", "id")[:500])
    _log(actor, purpose, rows, [n.child for n in rows], open_only=open_only)
    return rows


@dataclass(frozen=True)
class AggregateRow:
    area: str
    age_band: str
    reason: str
    month: str  # YYYY-MM, the month the need was recorded
    count: int | str  # suppressed: "c"


def unmet_need_aggregate(
    *, since: dt.date | None = None, until: dt.date | None = None
) -> list[AggregateRow]:
    """Unmet need counted by area, age band, reason and month opened, counts of 1 to 5
    shown as ``c`` (DfE disclosure control, domain.md §11.4). No child, no access event:
    nothing personal is returned. For the statistics issue (analysts, commissioners)."""
    qs = UnmetNeed.objects.all()
    if since:
        qs = qs.filter(opened_on__gte=since)
    if until:
        qs = qs.filter(opened_on__lte=until)
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for area, band, reason, opened in qs.values_list(
        "area__name", "age_band", "reason", "opened_on"
    ).iterator():
        counts[(area or "Not known", band, reason, f"{opened:%Y-%m}")] += 1
    return [
        AggregateRow(area, band, reason, month, policy.suppress(n))
        for (area, band, reason, month), n in sorted(counts.items())
    ]


# --- Each area's settings (the service operator's administrators) ---------------------------


@dataclass(frozen=True)
class SettingsRow:
    """A local authority's specialist support settings as routing uses them now: its own
    choices, else the defaults (SPECIALIST-1 v1, SPECIALIST-REF-1 v1, UNMET-NEED-1 v1)."""

    area: Area
    chosen_team: Team | None  # the area's own choice of lead team, if any
    lead_team: Team | None  # who leads now: the chosen team if active, else the front door
    front_door: Team | None  # the area's front door (who leads when no team is chosen)
    offer_working_days: int
    acknowledge_working_days: int
    waiting_threshold_weeks: int
    is_default: bool  # nothing stored for the area
    changed_at: dt.datetime | None

    @property
    def lead_is_front_door(self) -> bool:
        """No team chosen, or the one chosen is no longer active: the front door leads."""
        return self.chosen_team is None or not self.chosen_team.is_active

    @property
    def chosen_team_inactive(self) -> bool:
        return self.chosen_team is not None and not self.chosen_team.is_active

    @property
    def offer_is_default(self) -> bool:
        return self.offer_working_days == policy.DEFAULT_OFFER_WORKING_DAYS

    @property
    def acknowledge_is_default(self) -> bool:
        return self.acknowledge_working_days == policy.DEFAULT_ACKNOWLEDGE_WORKING_DAYS

    @property
    def threshold_is_default(self) -> bool:
        return self.waiting_threshold_weeks == policy.DEFAULT_WAITING_THRESHOLD_WEEKS


def _settings_admin(actor: Actor) -> None:
    if not actor.is_host_administrator:
        raise NotFound("No such page")


def _settings_rows(areas: list[Area]) -> list[SettingsRow]:
    stored = {
        s.area_id: s
        for s in SpecialistSettings.objects.filter(area__in=areas).select_related("lead_team")
    }
    in_use = {area.pk: routing.area_specialist(area.pk) for area in areas}
    team_ids = {a.lead_team_id for a in in_use.values() if a and a.lead_team_id}
    teams = {t.pk: t for t in Team.objects.filter(pk__in=team_ids)}
    rows = []
    for area in areas:
        own, now = stored.get(area.pk), in_use[area.pk]
        rows.append(
            SettingsRow(
                area=area,
                chosen_team=own.lead_team if own else None,
                lead_team=teams.get(now.lead_team_id) if now and now.lead_team_id else None,
                front_door=team_for(TeamFunction.FRONT_DOOR, area.pk),
                offer_working_days=now.offer_working_days
                if now
                else policy.DEFAULT_OFFER_WORKING_DAYS,
                acknowledge_working_days=now.acknowledge_working_days
                if now
                else policy.DEFAULT_ACKNOWLEDGE_WORKING_DAYS,
                waiting_threshold_weeks=now.waiting_threshold_weeks
                if now
                else policy.DEFAULT_WAITING_THRESHOLD_WEEKS,
                is_default=own is None,
                changed_at=own.updated_at if own else None,
            )
        )
    return rows


def specialist_settings_list_for(*, actor: Actor) -> list[SettingsRow]:
    """Every local authority with its lead team and timescales for specialist support, by
    name (the service operator's administrators; ``NotFound`` for anyone else)."""
    _settings_admin(actor)
    areas = Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).order_by("name")
    return _settings_rows(list(areas))


def specialist_settings_get_for(*, actor: Actor, area_id: int) -> SettingsRow:
    _settings_admin(actor)
    area = Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY, pk=area_id).first()
    if area is None:
        raise NotFound("No such area")
    return _settings_rows([area])[0]


def lead_team_choices(area: Area) -> list[Team]:
    """The teams that could lead specialist support for the area: its active front door
    teams, and any active team of an active children's services agency covering it."""
    could_lead = Team.objects.filter(
        is_active=True, agency__is_active=True, agency__areas=area
    ).filter(Q(function=TeamFunction.FRONT_DOOR) | Q(agency__kind=AgencyKind.CHILDRENS_SERVICES))
    return list(
        Team.objects.filter(pk__in=could_lead.values("pk"))
        .select_related("agency")
        .order_by("agency__name", "name")
    )
