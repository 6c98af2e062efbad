"""Reading MARAC meetings and their cases. Invariants:

- every read starts from ``visible_to``: only people acting for the MARAC's own agency
  see its meetings, cases and the referrals waiting for it; anyone else is ``NotFound``,
  the same as a record that does not exist;
- every read that returns personal data (a victim's or child's name, a case's risks)
  writes one access event naming the records read; counts and a meeting's date name
  nobody and write none (the home page, the list of meetings alone);
- an action's owner team reads the action only through the ledger (``route.py``'s share),
  never here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from hearth.accounts.models import Agency, Team
from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor, AgencyKind
from hearth.core.errors import NotFound
from hearth.incidents.policy import PartyRole
from hearth.marac import policy, services
from hearth.marac.models import MaracAction, MaracCase, MaracCaseChild, MaracMeeting
from hearth.obligations.models import Obligation
from hearth.people.models import Person
from hearth.referrals.models import MaracReferral


def _log(actor: Actor, purpose: str, records: list[Any], *, many: bool = False) -> None:
    if records:
        access_record(
            actor=actor,
            action=AccessAction.SEARCH if many else AccessAction.READ,
            purpose=purpose,
            records=records,
        )


def _open_cases() -> Q:
    return Q(status__in=[s.value for s in policy.OPEN_CASE_STATUSES])


def _waiting(team: Team) -> Any:
    """The referrals to the MARAC's team waiting to be heard and on no agenda."""
    on_agenda = MaracCase.objects.filter(_open_cases(), referral_id=OuterRef("pk"))
    return (
        Obligation.objects.filter(services.waiting_filter(team))
        .exclude(Exists(on_agenda))
        .select_related("subject", "incident")
        .order_by("sent_at", "id")
    )


# --- The meetings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingsPage:
    team: Team
    upcoming: list[MaracMeeting]
    past: list[MaracMeeting]
    waiting: list[Obligation]
    waiting_total: int = 0  # all waiting, of which ``waiting`` are the oldest


def _meetings(team: Team) -> Any:
    return MaracMeeting.objects.filter(team=team).annotate(
        case_count=Count("cases", filter=Q(cases__status__in=policy.OPEN_CASE_STATUSES))
    )


WAITING_SHOWN = 200  # the referrals waiting to be heard listed on the meetings page


def meetings_for(
    *, actor: Actor, with_waiting: bool = True, purpose: str = "List MARAC meetings"
) -> MeetingsPage:
    """The MARAC's upcoming meetings (soonest first), its past and cancelled ones (latest
    first, the last 20) and the referrals waiting to be heard that are on no agenda."""
    team = services.marac_team_of(actor)
    today = clock.local_now().date()
    upcoming = list(
        _meetings(team)
        .filter(held_on__gte=today, status=policy.MeetingStatus.SCHEDULED)
        .order_by("held_on", "starts_at", "id")
    )
    past = list(
        _meetings(team)
        .filter(~Q(status=policy.MeetingStatus.SCHEDULED) | Q(held_on__lt=today))
        .order_by("-held_on", "-starts_at", "-id")[:20]
    )
    waiting = list(_waiting(team)[:WAITING_SHOWN]) if with_waiting else []
    # Beyond the first WAITING_SHOWN, counted (the home page counts them all).
    waiting_total = len(waiting)
    if waiting_total == WAITING_SHOWN:
        waiting_total = _waiting(team).count()
    _log(actor, purpose, [*waiting, *(o.subject for o in waiting)], many=True)
    return MeetingsPage(
        team=team, upcoming=upcoming, past=past, waiting=waiting, waiting_total=waiting_total
    )


def scheduled_meetings(*, actor: Actor) -> list[MaracMeeting]:
    """The MARAC's scheduled meetings from today, to choose one (no personal data)."""
    team = services.marac_team_of(actor)
    return list(
        _meetings(team)
        .filter(held_on__gte=clock.local_now().date(), status=policy.MeetingStatus.SCHEDULED)
        .order_by("held_on", "starts_at", "id")
    )


def meeting_only(*, actor: Actor, meeting_id: int) -> MaracMeeting:
    """One meeting without its agenda (its date and place: no personal data)."""
    meeting = MaracMeeting.objects.visible_to(actor).filter(pk=meeting_id).first()
    if meeting is None or actor.agency_kind != AgencyKind.MARAC:
        raise NotFound("No such meeting")
    return meeting


@dataclass(frozen=True)
class MeetingView:
    meeting: MaracMeeting
    cases: list[MaracCase]  # on the agenda or heard, in order
    moved_off: list[MaracCase]  # deferred to a later meeting or taken off the agenda

    @property
    def waiting_count(self) -> int:
        return sum(1 for c in self.cases if not c.is_heard)


def _cases() -> Any:
    return MaracCase.objects.select_related("meeting", "referral__subject", "referral__team")


def meeting_get_for(
    *, actor: Actor, meeting_id: int, purpose: str = "View a MARAC meeting's agenda"
) -> MeetingView:
    meeting = meeting_only(actor=actor, meeting_id=meeting_id)
    cases = list(
        _cases()
        .visible_to(actor)
        .filter(meeting=meeting)
        .annotate(children_count=Count("children"))
        .order_by("position", "id")
    )
    shown = [c for c in cases if c.status in policy.OPEN_CASE_STATUSES]
    moved = [c for c in cases if c.status not in policy.OPEN_CASE_STATUSES]
    records: list[Any] = [*cases, *(c.referral.subject for c in cases)]
    _log(actor, purpose, [meeting, *records] if records else [])
    return MeetingView(meeting=meeting, cases=shown, moved_off=moved)


# --- A case -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseView:
    case: MaracCase
    meeting: MaracMeeting
    referral: Obligation
    marac_referral: MaracReferral | None
    children: list[MaracCaseChild]
    perpetrators: list[Person]
    attended: list[Agency] = field(default_factory=list)
    actions: list[MaracAction] = field(default_factory=list)
    later: MaracCase | None = None  # where a deferred case was moved to

    @property
    def victim(self) -> Person:
        return self.referral.subject

    @property
    def criteria_basis(self) -> list[str]:
        return list(self.marac_referral.criteria_basis) if self.marac_referral else []

    def people(self) -> list[tuple[int, str]]:
        """Whom an action may be for, in words: the victim, each child, each perpetrator."""
        rows = [(self.victim.pk, f"{self.victim.full_name} (the adult victim)")]
        rows += [(c.child_id, f"{c.child.full_name} (a child)") for c in self.children]
        rows += [(p.pk, f"{p.full_name} (the person causing harm)") for p in self.perpetrators]
        return rows


def case_get_for(*, actor: Actor, case_id: int, purpose: str = "View a MARAC case") -> CaseView:
    case = (
        _cases().visible_to(actor).select_related("referral__incident").filter(pk=case_id).first()
    )
    if case is None or actor.agency_kind != AgencyKind.MARAC:
        raise NotFound("No such case")
    children = list(case.children.select_related("child").order_by("id"))
    perpetrators = [
        p.person
        for p in case.referral.incident.parties.filter(role=PartyRole.ALLEGED_PERPETRATOR)
        .select_related("person")
        .order_by("id")
    ]
    actions = list(
        case.actions.select_related("for_person", "owner_team__agency", "obligation").order_by(
            "number"
        )
    )
    later = None
    if case.status == policy.CaseStatus.DEFERRED:
        later = (
            MaracCase.objects.filter(_open_cases(), referral_id=case.referral_id)
            .select_related("meeting")
            .first()
        )
    view = CaseView(
        case=case,
        meeting=case.meeting,
        referral=case.referral,
        marac_referral=MaracReferral.objects.filter(obligation_id=case.referral_id).first(),
        children=children,
        perpetrators=perpetrators,
        attended=list(case.attended.order_by("name")),
        actions=actions,
        later=later,
    )
    records: list[Any] = [case, case.referral, case.referral.subject]
    records += [c.child for c in children] + perpetrators
    records += list(actions) + [a.obligation for a in actions if a.obligation]
    _log(actor, purpose, records)
    return view


@dataclass(frozen=True)
class HearOptions:
    agencies: list[Agency]
    teams: list[Team]


def hear_options(view: CaseView) -> HearOptions:
    """The area's agencies (attendance) and teams (owners), for the hearing's form."""
    team = view.meeting.team
    return HearOptions(agencies=services.area_agencies(team), teams=services.owner_teams(team))


# --- A referral waiting for a meeting ----------------------------------------------------------


@dataclass(frozen=True)
class ReferralForAgenda:
    referral: Obligation
    meetings: list[MaracMeeting]
    case: MaracCase | None  # already on an agenda (or heard)


def referral_for_agenda(
    *, actor: Actor, obligation_id: int, purpose: str = "Add a MARAC referral to a meeting"
) -> ReferralForAgenda:
    """A referral sent to the MARAC's team, with the meetings it may join."""
    team = services.marac_team_of(actor)
    referral = (
        Obligation.objects.filter(pk=obligation_id, route=services.REFERRAL_ROUTE, team=team)
        .exclude(status="created")
        .select_related("subject", "incident")
        .first()
    )
    if referral is None:
        raise NotFound("No such referral")
    case = (
        MaracCase.objects.filter(_open_cases(), referral=referral).select_related("meeting").first()
    )
    _log(actor, purpose, [referral, referral.subject])
    return ReferralForAgenda(referral=referral, meetings=scheduled_meetings(actor=actor), case=case)


def case_acting(*, actor: Actor, case_id: int) -> MaracCase:
    """A case of the actor's MARAC to act on (the page or answer that showed it logged
    its read)."""
    case = MaracCase.objects.visible_to(actor).filter(pk=case_id).first()
    if case is None or actor.agency_kind != AgencyKind.MARAC:
        raise NotFound("No such case")
    return case


# --- Counts and links (no personal data) -------------------------------------------------------


@dataclass(frozen=True)
class MaracWork:
    waiting: int  # referrals waiting to be heard, on no agenda
    next_meeting_on: dt.date | None
    next_meeting_cases: int
    next_meeting_id: int | None = None


def work_for(*, actor: Actor) -> MaracWork | None:
    """The home page's counts for a MARAC; ``None`` for anyone else."""
    try:
        team = services.marac_team_of(actor)
    except NotFound:
        return None
    upcoming = (
        _meetings(team)
        .filter(held_on__gte=clock.local_now().date(), status=policy.MeetingStatus.SCHEDULED)
        .order_by("held_on", "starts_at", "id")
        .first()
    )
    return MaracWork(
        waiting=_waiting(team).count(),
        next_meeting_on=upcoming.held_on if upcoming else None,
        next_meeting_cases=upcoming.case_count if upcoming else 0,
        next_meeting_id=upcoming.pk if upcoming else None,
    )


@dataclass(frozen=True)
class ReferralAtMarac:
    """Where a MARAC referral is, for its own page: the case that heard it or has it on an
    agenda, or none (waiting to be added)."""

    case: MaracCase | None
    may_add: bool


def referral_at_marac(*, actor: Actor, obligation: Obligation) -> ReferralAtMarac | None:
    """For the MARAC the referral was sent to (``None`` for anyone else). The referral's
    page, which logged its read, shows it."""
    if obligation.route != services.REFERRAL_ROUTE or obligation.team.agency_id != actor.agency_id:
        return None
    if actor.agency_kind != AgencyKind.MARAC or not actor.sees_case_content:
        return None
    case = (
        MaracCase.objects.visible_to(actor)
        .filter(_open_cases(), referral_id=obligation.pk)
        .select_related("meeting")
        .first()
    )
    return ReferralAtMarac(
        case=case, may_add=case is None and obligation.status in services.WAITING
    )
