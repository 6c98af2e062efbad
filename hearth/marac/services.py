"""MARAC meetings' writes. Each is one transaction, writes one timeline event per change
(no free text in its summary: "Case heard", never the risks), and is idempotent (doing it
again with the same answer changes nothing).

Invariants (domain.md §2.4, issue 14 §3):

- only people acting for the MARAC's own agency schedule its meetings and change their
  agendas (anyone else is ``NotFound``, as if the meeting did not exist);
- a referral joins an agenda only if it was sent to this MARAC's team and is waiting to be
  heard; adding it acknowledges it if it was not yet acknowledged; it is on one agenda at
  a time (moving it to a later meeting defers the first case and opens a new one);
- a case is heard with attendance, the risks discussed and an action plan (at least one
  action, each owned by an active team of an agency in the MARAC's area, due today or
  later); in the same transaction each action becomes an obligation (MARAC-ACTION-1),
  the referral's outcome "heard" is recorded by ``referrals.services.marac_heard`` (which
  links it to the case and closes it), and ``signals.case_heard`` is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from django.db import transaction
from django.db.models import Max, Q

from hearth.accounts.models import Agency, Area, Team, TeamFunction
from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import Actor, AgencyKind
from hearth.core.errors import NotFound, ValidationFailed
from hearth.incidents.policy import PartyRole
from hearth.marac import policy
from hearth.marac.models import MaracAction, MaracCase, MaracCaseChild, MaracMeeting
from hearth.marac.signals import case_heard
from hearth.obligations import policy as ledger
from hearth.obligations.models import Obligation
from hearth.obligations.services import obligation_acknowledge
from hearth.obligations.services.plans import record_plans
from hearth.obligations.services.steps import locked
from hearth.referrals import services as referrals
from hearth.referrals.models import MaracReferral

REFERRAL_ROUTE = "marac_referral"
WAITING = (ledger.Status.SENT, ledger.Status.ACKNOWLEDGED)
# Agencies that are never at a MARAC meeting nor own its actions: the service operator
# and the analysts (configuration and aggregates only).
NOT_IN_MEETINGS = (AgencyKind.HOST, AgencyKind.ANALYTICS)
NOT_OWNERS = (TeamFunction.ADMINISTRATION, TeamFunction.ANALYSIS)


# --- Who and where --------------------------------------------------------------------------


def marac_team_of(actor: Actor) -> Team:
    """The MARAC coordination team the actor acts for (one of their own teams if they have
    any); anyone else is ``NotFound``: a MARAC's meetings are its own."""
    if not actor.sees_case_content or actor.agency_kind != AgencyKind.MARAC:
        raise NotFound("No such MARAC")
    teams = Team.objects.filter(
        agency_id=actor.agency_id, function=TeamFunction.MARAC, is_active=True
    ).select_related("agency")
    if actor.team_ids:
        teams = teams.filter(pk__in=actor.team_ids)
    team = teams.order_by("id").first()
    if team is None:
        raise NotFound("No such MARAC")
    return team


def area_ids_of(team: Team) -> set[int]:
    """The MARAC's area: its agency's areas and the police force areas they are in (a
    force-wide service serves each local authority in it)."""
    areas = list(Area.objects.filter(agencies=team.agency_id))
    return {a.pk for a in areas} | {a.police_force_area_id for a in areas if a.police_force_area_id}


def area_agencies(team: Team) -> list[Agency]:
    """The agencies of the MARAC's area that may attend its meetings, by name."""
    return list(
        Agency.objects.filter(is_active=True, areas__in=area_ids_of(team))
        .exclude(kind__in=NOT_IN_MEETINGS)
        .distinct()
        .order_by("name")
    )


def owner_teams(team: Team) -> list[Team]:
    """The teams that may own an action: any active team of an active agency in the MARAC's
    area (an IDVA service, a front door, a school's DSL team...), by agency and name."""
    return list(
        Team.objects.filter(
            is_active=True, agency__is_active=True, agency__areas__in=area_ids_of(team)
        )
        .exclude(agency__kind__in=NOT_IN_MEETINGS)
        .exclude(function__in=NOT_OWNERS)
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "name")
    )


def household_of(case: MaracCase) -> policy.Household:
    """Whom the case's actions may be for: the victim, the household's children (the
    referral's), and the incident's alleged perpetrators."""
    referral = case.referral
    return policy.Household(
        victim_id=referral.subject_id,
        child_ids=tuple(case.children.order_by("id").values_list("child_id", flat=True)),
        perpetrator_ids=tuple(
            referral.incident.parties.filter(role=PartyRole.ALLEGED_PERPETRATOR)
            .order_by("id")
            .values_list("person_id", flat=True)
        ),
    )


def _event(actor: Actor, subject: MaracMeeting | MaracCase, verb: str, summary: str) -> None:
    payload: dict[str, object] = {}
    if isinstance(subject, MaracCase):
        payload = {
            "case_id": subject.pk,
            "meeting_id": subject.meeting_id,
            "referral_obligation_id": subject.referral_id,
        }
    else:
        payload = {"meeting_id": subject.pk}
    timeline_record(actor=actor, subject=subject, verb=verb, summary=summary, payload=payload)


# --- Meetings -------------------------------------------------------------------------------


def _meeting_locked(actor: Actor, meeting: MaracMeeting) -> MaracMeeting:
    found = (
        MaracMeeting.objects.visible_to(actor)
        # The meeting's row only: its team, joined to check the agency and the function,
        # is not changed here, and locking it would queue every MARAC change of the team.
        .select_for_update(of=("self",))
        .filter(pk=meeting.pk, team__function=TeamFunction.MARAC)
        .first()
    )
    if found is None or actor.agency_kind != AgencyKind.MARAC:
        raise NotFound("No such meeting")
    return found


def _meeting_check(
    held_on: dt.date | None, starts_at: dt.time | None, fmt: str, place: str
) -> None:
    errors = policy.meeting_problems(
        held_on=held_on,
        starts_at=starts_at,
        fmt=fmt,
        place=place,
        today=clock.local_now().date(),
    )
    if errors:
        raise ValidationFailed.from_fields(errors)


@transaction.atomic
def meeting_schedule(
    *,
    actor: Actor,
    held_on: dt.date | None,
    starts_at: dt.time | None,
    format: str,
    place: str = "",
) -> MaracMeeting:
    """A meeting of the actor's MARAC. The same date and time again is the same meeting."""
    team = marac_team_of(actor)
    place = place.strip()
    _meeting_check(held_on, starts_at, format, place)
    assert held_on is not None and starts_at is not None  # checked above
    existing = MaracMeeting.objects.filter(
        team=team, held_on=held_on, starts_at=starts_at, status=policy.MeetingStatus.SCHEDULED
    ).first()
    if existing is not None:
        return existing
    meeting = MaracMeeting.objects.create(
        team=team, held_on=held_on, starts_at=starts_at, format=format, place=place
    )
    _event(actor, meeting, "marac.meeting_scheduled", f"Meeting scheduled for {held_on:%-d %B %Y}")
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Actor,
    meeting: MaracMeeting,
    held_on: dt.date | None,
    starts_at: dt.time | None,
    format: str,
    place: str = "",
) -> MaracMeeting:
    """A scheduled meeting's date, time and place change (not once it was held)."""
    meeting = _meeting_locked(actor, meeting)
    place = place.strip()
    if (meeting.held_on, meeting.starts_at, meeting.format, meeting.place) == (
        held_on,
        starts_at,
        format,
        place,
    ):
        return meeting
    if meeting.status != policy.MeetingStatus.SCHEDULED:
        raise ValidationFailed("Only a scheduled meeting can be changed")
    _meeting_check(held_on, starts_at, format, place)
    assert held_on is not None and starts_at is not None  # checked above
    if meeting.cases.filter(status=policy.CaseStatus.HEARD).exists():
        raise ValidationFailed("Cases have been heard at this meeting: it can no longer move")
    meeting.held_on, meeting.starts_at, meeting.format, meeting.place = (
        held_on,
        starts_at,
        format,
        place,
    )
    meeting.updated_at = clock.now()
    meeting.save()
    _event(actor, meeting, "marac.meeting_changed", f"Meeting moved to {held_on:%-d %B %Y}")
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting: MaracMeeting) -> MaracMeeting:
    """A meeting that will not take place: its cases come off the agenda and wait for
    another meeting. A meeting where cases were heard cannot be cancelled."""
    meeting = _meeting_locked(actor, meeting)
    if meeting.status == policy.MeetingStatus.CANCELLED:
        return meeting
    if meeting.cases.filter(status=policy.CaseStatus.HEARD).exists():
        raise ValidationFailed("Cases have been heard at this meeting: it cannot be cancelled")
    for case in meeting.cases.filter(status=policy.CaseStatus.ON_AGENDA):
        case.status = policy.CaseStatus.REMOVED
        case.updated_at = clock.now()
        case.save(update_fields=["status", "updated_at"])
        _event(actor, case, "marac.case_removed", "Taken off the agenda: the meeting is cancelled")
    meeting.status = policy.MeetingStatus.CANCELLED
    meeting.updated_at = clock.now()
    meeting.save(update_fields=["status", "updated_at"])
    _event(actor, meeting, "marac.meeting_cancelled", "Meeting cancelled")
    return meeting


# --- The agenda -----------------------------------------------------------------------------


def referral_waiting(actor: Actor, team: Team, obligation_id: int) -> Obligation:
    """A MARAC referral sent to this MARAC's team and waiting to be heard (locked)."""
    found = (
        Obligation.objects.filter(
            pk=obligation_id, route=REFERRAL_ROUTE, team__agency_id=team.agency_id
        )
        .exclude(status=ledger.Status.CREATED)
        .first()
    )
    if found is None:
        raise NotFound("No such referral")
    found = locked(found)
    if found.team_id != team.pk or found.status not in WAITING:
        raise ValidationFailed.from_fields(
            {"referral": ["This referral is not waiting to be heard by this MARAC"]}
        )
    return found


def _open_case(referral_id: int) -> MaracCase | None:
    return (
        MaracCase.objects.filter(referral_id=referral_id, status__in=policy.OPEN_CASE_STATUSES)
        .select_related("meeting")
        .first()
    )


def _case_create(meeting: MaracMeeting, referral: Obligation) -> MaracCase:
    marac_referral = MaracReferral.objects.filter(obligation=referral).first()
    criteria = marac_referral.criteria if marac_referral else []
    last = meeting.cases.aggregate(last=Max("position"))["last"] or 0
    case = MaracCase.objects.create(
        meeting=meeting,
        referral=referral,
        position=last + 1,
        repeat=policy.is_repeat(criteria),
    )
    if marac_referral is not None:
        MaracCaseChild.objects.bulk_create(
            MaracCaseChild(case=case, child_id=link.child_id)
            for link in marac_referral.children.order_by("id")
        )
    return case


@transaction.atomic
def case_add(*, actor: Actor, meeting: MaracMeeting, referral_obligation_id: int) -> MaracCase:
    """A referral on a scheduled meeting's agenda, last; acknowledged if it was not yet.
    Adding it again to the same meeting is the same case; a referral on another meeting's
    agenda is moved (``case_move``), not added twice."""
    meeting = _meeting_locked(actor, meeting)
    referral = referral_waiting(actor, meeting.team, referral_obligation_id)
    open_case = _open_case(referral.pk)
    if open_case is not None:
        if open_case.meeting_id == meeting.pk:
            return open_case
        raise ValidationFailed.from_fields(
            {
                "referral": [
                    "This referral is on the agenda of the meeting on "
                    f"{open_case.meeting.held_on:%-d %B %Y}: move it from there instead"
                ]
            }
        )
    if meeting.status != policy.MeetingStatus.SCHEDULED:
        raise ValidationFailed.from_fields({"meeting": ["Select a scheduled meeting"]})
    if referral.status == ledger.Status.SENT:
        obligation_acknowledge(actor=actor, obligation=referral)
    case = _case_create(meeting, referral)
    _event(actor, case, "marac.case_added", f"Added to the meeting on {meeting.held_on:%-d %B %Y}")
    return case


def _case_locked(actor: Actor, case: MaracCase) -> MaracCase:
    found = (
        MaracCase.objects.visible_to(actor)
        # The case and its meeting (hearing a case marks the meeting held, which must not
        # cross its cancellation); not the team, agency, incident or person read with it.
        # The referral is locked on its own where it changes (``locked``).
        .select_for_update(of=("self", "meeting"))
        .select_related("meeting__team__agency", "referral__incident", "referral__subject")
        .filter(pk=case.pk)
        .first()
    )
    if found is None or actor.agency_kind != AgencyKind.MARAC:
        raise NotFound("No such case")
    return found


@transaction.atomic
def case_move(*, actor: Actor, case: MaracCase, to_meeting: MaracMeeting) -> MaracCase:
    """A case not yet heard moved to another scheduled meeting (deferred): the first case
    is kept as deferred and a new one opens on the other meeting's agenda, last. Moving it
    again to the same meeting returns the case there."""
    case = _case_locked(actor, case)
    to_meeting = _meeting_locked(actor, to_meeting)
    if case.status == policy.CaseStatus.DEFERRED:
        moved = _open_case(case.referral_id)
        if moved is not None and moved.meeting_id == to_meeting.pk:
            return moved
    if case.status != policy.CaseStatus.ON_AGENDA:
        raise ValidationFailed("Only a case not yet heard can be moved")
    if to_meeting.pk == case.meeting_id:
        return case
    if to_meeting.status != policy.MeetingStatus.SCHEDULED or to_meeting.team_id != (
        case.meeting.team_id
    ):
        raise ValidationFailed.from_fields({"meeting": ["Select a scheduled meeting"]})
    case.status = policy.CaseStatus.DEFERRED
    case.updated_at = clock.now()
    case.save(update_fields=["status", "updated_at"])
    moved_to = f"Moved to the meeting on {to_meeting.held_on:%-d %B %Y}"
    _event(actor, case, "marac.case_deferred", moved_to)
    moved = _case_create(to_meeting, case.referral)
    _event(
        actor,
        moved,
        "marac.case_added",
        f"Moved from the meeting on {case.meeting.held_on:%-d %B %Y}",
    )
    return moved


@transaction.atomic
def case_remove(*, actor: Actor, case: MaracCase) -> MaracCase:
    """A case not yet heard taken off the agenda: the referral waits for a meeting again."""
    case = _case_locked(actor, case)
    if case.status == policy.CaseStatus.REMOVED:
        return case
    if case.status != policy.CaseStatus.ON_AGENDA:
        raise ValidationFailed("Only a case not yet heard can be taken off the agenda")
    case.status = policy.CaseStatus.REMOVED
    case.updated_at = clock.now()
    case.save(update_fields=["status", "updated_at"])
    _event(actor, case, "marac.case_removed", "Taken off the agenda")
    return case


# --- Hearing a case -----------------------------------------------------------------------


def _same_hearing(
    case: MaracCase,
    attended_agency_ids: Collection[int],
    risks: str,
    actions: Sequence[policy.ActionIn],
) -> bool:
    """The case is heard already with this answer (a retry)."""
    given = [a for a in actions if not policy.is_blank(a)]
    recorded = list(case.actions.order_by("number"))
    return (
        set(case.attended.values_list("pk", flat=True)) == set(attended_agency_ids)
        and case.risks == risks.strip()
        and [(a.for_person_id, a.owner_team_id, a.words.strip(), a.due_on) for a in given]
        == [(a.for_person_id, a.owner_team_id, a.words, a.due_on) for a in recorded]
    )


@transaction.atomic
def case_hear(
    *,
    actor: Actor,
    case: MaracCase,
    attended_agency_ids: Collection[int],
    risks: str,
    child_ids: Collection[int],
    actions: Sequence[policy.ActionIn],
    note: str = "",
    unconfirmed_reason: str = "",
) -> MaracCase:
    """The meeting's record of the case: who attended for it, the risks discussed, the
    household's children confirmed, and its action plan. Each action becomes an obligation
    to its owner team (MARAC-ACTION-1); the referral is heard (``marac_heard``) and closes;
    ``signals.case_heard`` tells the family's plan. Hearing it again with the same answer
    returns it; with another answer, it is refused (it has been heard)."""
    case = _case_locked(actor, case)
    if case.status == policy.CaseStatus.HEARD:
        if _same_hearing(case, attended_agency_ids, risks, actions):
            return case
        raise ValidationFailed("This case has been heard")
    if case.status != policy.CaseStatus.ON_AGENDA:
        raise ValidationFailed("This case is no longer on this meeting's agenda")
    meeting = case.meeting
    if meeting.status == policy.MeetingStatus.CANCELLED:
        raise ValidationFailed("This meeting was cancelled")
    today = clock.local_now().date()
    team = meeting.team
    household = household_of(case)
    teams = {t.pk: t for t in owner_teams(team)}
    errors = policy.hear_problems(
        attended_agency_ids=attended_agency_ids,
        area_agency_ids={a.pk for a in area_agencies(team)},
        risks=risks,
        child_ids=child_ids,
        household=household,
        unconfirmed_reason=unconfirmed_reason,
        actions=actions,
        today=today,
        team_ids=teams.keys(),
    )
    if len(note) > policy.MAX_TEXT:
        errors["note"] = [f"The note must be {policy.MAX_TEXT} characters or fewer"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    referral = locked(case.referral)
    if referral.status not in WAITING:
        raise ValidationFailed("This referral is not waiting to be heard")

    case.status = policy.CaseStatus.HEARD
    case.heard_at = clock.now()
    case.risks = risks.strip()
    confirmed = set(child_ids)
    case.unconfirmed_reason = (
        unconfirmed_reason.strip() if set(household.child_ids) - confirmed else ""
    )
    case.note = note.strip()
    case.updated_at = clock.now()
    case.save()
    case.attended.set(attended_agency_ids)
    for child in case.children.all():
        child.confirmed = child.child_id in confirmed
        child.save(update_fields=["confirmed"])

    given = [a for a in actions if not policy.is_blank(a)]
    made: list[MaracAction] = []
    planned: list[policy.PlannedAction] = []
    for number, action in enumerate(given, start=1):
        assert action.for_person_id and action.owner_team_id and action.due_on  # checked
        role = household.role_of(action.for_person_id)
        assert role is not None
        row = MaracAction.objects.create(
            case=case,
            number=number,
            for_person_id=action.for_person_id,
            for_role=role,
            owner_team_id=action.owner_team_id,
            words=action.words.strip(),
            due_on=action.due_on,
        )
        made.append(row)
        planned.append(
            policy.PlannedAction(
                action_id=row.pk,
                number=number,
                for_person_id=action.for_person_id,
                for_role=role,
                owner_team_id=action.owner_team_id,
                due_on=action.due_on,
            )
        )
    plans = policy.action_plans(
        policy.CaseHeard(
            case_id=case.pk,
            meeting_id=meeting.pk,
            meeting_on=meeting.held_on,
            incident_id=referral.incident_id,
            marac_agency_id=team.agency_id,
            marac_team_id=team.pk,
        ),
        planned,
    )
    record_plans(actor=actor, incident=referral.incident, planned=plans)
    by_key = {o.key: o for o in Obligation.objects.filter(key__in=[p.key for p in plans])}
    for row, plan in zip(made, plans, strict=True):
        row.obligation = by_key[plan.key]
        row.save(update_fields=["obligation"])
    _event(
        actor,
        case,
        "marac.case_heard",
        f"Case heard with {len(made)} action{'s' if len(made) != 1 else ''}",
    )
    if meeting.status == policy.MeetingStatus.SCHEDULED:
        meeting.status = policy.MeetingStatus.HELD
        meeting.updated_at = clock.now()
        meeting.save(update_fields=["status", "updated_at"])
        _event(actor, meeting, "marac.meeting_held", "Meeting held")
    referrals.marac_heard(
        actor=actor, obligation=referral, case_id=case.pk, meeting_on=meeting.held_on
    )
    case_heard.send(
        sender=MaracCase,
        actor=actor,
        case_id=case.pk,
        referral_obligation_id=referral.pk,
        victim_id=referral.subject_id,
        incident_id=referral.incident_id,
        action_obligation_ids=[by_key[p.key].pk for p in plans],
    )
    return case


def waiting_filter(team: Team) -> Q:
    """The MARAC referrals to this team waiting to be heard."""
    return Q(route=REFERRAL_ROUTE, team=team, status__in=WAITING)
