"""Reading Operation Encompass notifications: a school's (or team's) inbox, one
notification, and the force's list of what it sent and what was not acknowledged in time.

Invariants:
- every read starts from ``EncompassNotification.objects.visible_to(actor)``: the
  receiving team's agency (or its trust's system), the force that recorded the incident,
  and a local authority education safeguarding team the sweeper escalated it to;
  anything else is ``NotFound``, the same as missing;
- the recipient sees only the notification's frozen ``content`` (the force's template),
  never the incident or any person's record (architecture §4);
- every read of personal data writes one access event naming the notifications and the
  children they are about; list pages take a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import rules
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from hearth.accounts.models import Area
from hearth.audit.models import AccessAction
from hearth.audit.services import access_record
from hearth.core import clock
from hearth.core.actor import Actor
from hearth.core.errors import NotFound
from hearth.core.models import OutboundMessage
from hearth.encompass import policy as enc
from hearth.encompass.models import EncompassChild, EncompassNotification, EncompassSettings
from hearth.encompass.policy import TEMPLATE_LABELS, Template
from hearth.encompass.wording import (
    STATE_WORDS,
    NotificationState,
    Recipient,
    RecipientWords,
    notification_state,
    recipient_for_agency,
    recipient_of,
    words_for,
)
from hearth.incidents.models import Incident
from hearth.obligations import policy
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.selectors.inbox import InboxFilters, inbox_counts, inbox_teams_for
from hearth.obligations.selectors.obligation import messages_about
from hearth.schools.models import EducationSetting

PAGE_SIZE = 25


@dataclass(frozen=True)
class NotificationView:
    """One notification as its reader sees it."""

    notification: EncompassNotification
    due: Deadline | None

    @property
    def obligation(self) -> Obligation:
        return self.notification.obligation

    @property
    def content(self) -> dict:
        return self.notification.content

    @property
    def incident_date(self) -> dt.date | None:
        day = self.content.get("incident_date")
        return dt.date.fromisoformat(day) if day else None

    @property
    def occurred_at(self) -> dt.datetime | None:
        moment = self.content.get("occurred_at")
        return dt.datetime.fromisoformat(moment) if moment else None

    @property
    def children(self) -> list[dict[str, Any]]:
        """Each child as the content carries them, with the date of birth as a date."""
        return [
            {
                **child,
                "date_of_birth": dt.date.fromisoformat(child["date_of_birth"])
                if child.get("date_of_birth")
                else None,
            }
            for child in self.content.get("children", [])
        ]

    @property
    def acknowledged_at(self) -> dt.datetime | None:
        return self.notification.obligation.acknowledged_at

    @property
    def is_overdue(self) -> bool:
        return bool(self.due and self.acknowledged_at is None and self.due.due_at <= clock.now())

    @property
    def acknowledged_late(self) -> bool:
        return bool(
            self.due and self.acknowledged_at is not None and self.acknowledged_at > self.due.due_at
        )

    @property
    def status_label(self) -> str:
        return policy.STATUS_LABELS[policy.Status(self.notification.obligation.status)]

    @property
    def state(self) -> NotificationState:
        """Named for what happened (``wording.notification_state``), not the ledger's
        status: "Support planned", not "Outcome recorded"."""
        return notification_state(
            status=self.notification.obligation.status,
            opened=self.notification.first_opened_at is not None,
            how_it_went=self.notification.support_outcome_at is not None,
        )

    @property
    def state_words(self) -> str:
        return STATE_WORDS[self.state][0]

    @property
    def state_colour(self) -> str:
        return STATE_WORDS[self.state][1]

    @property
    def recipient(self) -> Recipient:
        return recipient_of((self.notification.obligation.data or {}).get("addressee"))

    @property
    def words(self) -> RecipientWords:
        return words_for(self.recipient)

    @property
    def support_label(self) -> str:
        outcome = self.notification.obligation.outcome
        if not outcome:
            return ""
        try:
            return self.words.support_labels[enc.EncompassSupport(outcome)]
        except ValueError:
            return ""


def _acknowledge_deadline() -> Prefetch:
    return Prefetch(
        "obligation__deadlines",
        queryset=Deadline.objects.filter(stage=policy.Stage.ACKNOWLEDGE).order_by("due_at"),
        to_attr="acknowledge_deadlines",
    )


def _views(rows: list[EncompassNotification]) -> list[NotificationView]:
    return [
        NotificationView(n, next(iter(getattr(n.obligation, "acknowledge_deadlines", [])), None))
        for n in rows
    ]


def _listing(queryset: QuerySet[EncompassNotification]) -> QuerySet[EncompassNotification]:
    return queryset.select_related(
        "obligation__team", "obligation__incident", "setting"
    ).prefetch_related(
        _acknowledge_deadline(),
        Prefetch("children", queryset=EncompassChild.objects.order_by("id")),
    )


def _children_of(rows: list[EncompassNotification]) -> list[EncompassChild]:
    return [c for n in rows for c in n.children.all()]


def _read(
    actor: Actor,
    purpose: str,
    rows: list[EncompassNotification],
    messages: list[OutboundMessage] | None = None,
    **query: object,
) -> None:
    if rows:
        access_record(
            actor=actor,
            action=AccessAction.READ if len(rows) == 1 and not query else AccessAction.SEARCH,
            purpose=purpose,
            records=[*rows, *(c.child for c in _children_of(rows)), *(messages or [])],
            query=query or None,
            result_count=len(rows),
        )


class Show(StrEnum):
    """The inbox's filters, each what a home page count counts (issue 17)."""

    ALL = ""
    NOT_OPENED = "not_opened"
    NOT_ACKNOWLEDGED = "not_acknowledged"
    OVERDUE = "overdue"


SHOW_WORDS = {
    Show.ALL: "All notifications",
    Show.NOT_OPENED: "Not opened",
    Show.NOT_ACKNOWLEDGED: "Not acknowledged",
    Show.OVERDUE: "Overdue",
}


@dataclass(frozen=True)
class InboxCounts:
    """What is waiting in an inbox, counted from the rows the inbox lists."""

    total: int
    not_opened: int
    not_acknowledged: int
    overdue: int

    def of(self, show: Show) -> int:
        return self.total if show == Show.ALL else int(getattr(self, show.value))


@dataclass(frozen=True)
class Inbox:
    page: Page
    items: list[NotificationView]
    overdue: int
    show: Show = Show.ALL
    counts: InboxCounts | None = None
    recipient: Recipient = Recipient.SCHOOL
    other_work: list[OtherWork] = field(default_factory=list)

    @property
    def words(self) -> RecipientWords:
        return words_for(self.recipient)

    @property
    def show_label(self) -> str:
        return SHOW_WORDS[self.show]

    @property
    def filters(self) -> list[tuple[Show, str, int]]:
        counts = self.counts or InboxCounts(0, 0, 0, 0)
        return [(show, SHOW_WORDS[show], counts.of(show)) for show in Show]


def _received_by(actor: Actor) -> QuerySet[EncompassNotification, Any]:
    """The notifications ``received_by(actor)`` admits, as a UNION of indexed look-ups
    (``pk``, when it was received, whether it is overdue: sent, its acknowledgement due
    and not met, which one that has ended never is; whether it is sent, and opened)
    rather than the rule's OR tested on every notification there is: a school's years of
    ended notifications are never read.

    Three arms are the rule itself, each an index range: addressed to the actor's
    agency's teams and sent, open (no end to access yet) or ended within the access
    window; or about an incident the actor may see. The others (its trust's schools',
    escalated to the actor's teams) are few, and checked against ``received_by``. Who
    may see no case content (an administrator) receives nothing, as ``visible_to`` says."""
    now = clock.now()
    # Each arm joins the notification to its obligation, found by the arm's index: a
    # semi-join (``obligation__in``) read each obligation a second time, by its key.
    ours = Q(obligation__team__agency_id=actor.agency_id, obligation__route=enc.ROUTE)
    sent = ours & ~Q(obligation__status=policy.Status.CREATED)
    still_open = sent & Q(obligation__access_ends_at__isnull=True)
    in_window = sent & Q(obligation__access_ends_at__gt=now)
    referred = ours & Q(obligation__incident__in=Incident.objects.visible_to(actor))

    # The trust's schools, read first (usually none): the planner then knows the arm
    # is empty or small, and looks each candidate up by its key instead of scanning.
    trust_schools = list(
        EducationSetting.objects.filter(trust_id=actor.agency_id).values_list("pk", flat=True)
    )
    late = Deadline.objects.filter(
        obligation_id=OuterRef("obligation_id"),
        stage=policy.Stage.ACKNOWLEDGE,
        met_at__isnull=True,
        due_at__lte=now,
    )
    overdue = Q(obligation__status=policy.Status.SENT) & Q(Exists(late))

    def notifications(
        queryset: QuerySet[EncompassNotification, Any], may_be_overdue: bool = True
    ) -> QuerySet[EncompassNotification, Any]:
        flag = overdue if may_be_overdue else Value(False)
        return (
            queryset.order_by()
            .annotate(
                received_at=F("created_at"),
                overdue=ExpressionWrapper(flag, BooleanField()),
                sent=ExpressionWrapper(Q(obligation__status=policy.Status.SENT), BooleanField()),
                opened=ExpressionWrapper(Q(first_opened_at__isnull=False), BooleanField()),
            )
            .values_list("pk", "received_at", "overdue", "sent", "opened")
        )

    rows = EncompassNotification.objects.all()
    if not actor.sees_case_content:
        rows = rows.none()
    checked = EncompassNotification.objects.received_by(actor).filter(
        Q(setting_id__in=trust_schools) | Q(escalated_to_id__in=list(actor.team_ids))
    )
    return (
        notifications(rows.filter(still_open))
        # Ended (within the access window): never overdue.
        .union(notifications(rows.filter(in_window), False))
        .union(notifications(rows.filter(referred)))
        .union(notifications(checked))
    )


# One notification the actor received, as the inbox counts and filters it: its id, whether
# it is overdue, sent (and so not yet acknowledged), and opened. Plain tuples, as the
# database gives them: a school's few thousand rows are counted on every page.
_Received = tuple[int, bool, bool, bool]


def _received(actor: Actor) -> list[_Received]:
    """``_received_by``'s rows once each, newest first. Ordered by the database, which
    alone reads the dates: a school's few thousand received, as Python datetimes, cost
    more than the query that finds them."""
    try:
        sql, params = _received_by(actor).query.sql_with_params()
    except EmptyResultSet:  # every arm is empty: who may see no case content
        return []
    # The ORM's own statement (its values passed as parameters), wrapped to be ordered.
    ordered = f"""SELECT received.pk, received.overdue, received.sent, received.opened
        FROM ({sql}) received ORDER BY received.received_at DESC, received.pk DESC"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(ordered, params)
        return cursor.fetchall()


def _shown(row: _Received, show: Show) -> bool:
    """Whether an inbox row is one ``show`` lists: not acknowledged is sent and not yet
    acknowledged (acknowledging, or recording the support, opens it too, so those not
    opened are among them)."""
    _, overdue, sent, opened = row
    if show == Show.NOT_OPENED:
        return bool(sent and not opened)
    if show == Show.NOT_ACKNOWLEDGED:
        return bool(sent)
    if show == Show.OVERDUE:
        return bool(overdue)
    return True


def _counted(received: list[_Received]) -> InboxCounts:
    not_opened = not_acknowledged = overdue = 0
    for _, late, sent, opened in received:
        if sent:
            not_acknowledged += 1
            if not opened:
                not_opened += 1
        if late:
            overdue += 1
    return InboxCounts(
        total=len(received),
        not_opened=not_opened,
        not_acknowledged=not_acknowledged,
        overdue=overdue,
    )


def encompass_inbox_counts_for(*, actor: Actor) -> InboxCounts:
    """What is waiting in the actor's inbox, counted from exactly the rows the inbox
    lists under each filter (the home page's counts). Numbers only, naming no child, so
    no access event; a fixed number of queries."""
    return _counted(_received(actor))


@dataclass(frozen=True)
class OtherWork:
    """Open work in one of the reader's team inboxes (the ledger's), besides these
    notifications: a MARAC action for a school, a whole-family plan's action for health
    visiting."""

    team_id: int
    team_name: str
    count: int


# Agencies whose people's one inbox is this one (the menu shows them no "Work"): their
# other work is reached from here (issue 17).
ONE_INBOX_AGENCY_KINDS = frozenset({"school", "health"})


def other_work_for(*, actor: Actor) -> list[OtherWork]:
    """For a school's DSL or a health visitor, each of their teams with open work in the
    ledger's inbox, counted exactly as that inbox lists it (``inbox_counts``). Counts
    only, so no access event; a few queries for each of the person's teams, whatever the
    number of items."""
    if actor.agency_kind not in ONE_INBOX_AGENCY_KINDS or not actor.sees_case_content:
        return []
    found = []
    for team in inbox_teams_for(actor=actor):
        counted = inbox_counts(actor=actor, team_id=team.pk, filters={"open": InboxFilters()})
        if counted.counts["open"]:
            found.append(OtherWork(team.pk, team.name, counted.counts["open"]))
    return found


def encompass_inbox_for(
    *, actor: Actor, page: int = 1, show: Show = Show.ALL, with_other_work: bool = False
) -> Inbox:
    """Notifications the actor's school (or team) received, newest first, with due and
    overdue flags; with ``show``, only those not opened, not acknowledged or overdue;
    with ``with_other_work`` (the page), the reader's teams' other open work counted.

    What was received is read once, newest first, as ids and flags (a school's
    notifications within the access window: hundreds, a few thousand at most), and
    counted, filtered and cut to a page here; only the page's rows are then read whole."""
    everything = _received(actor)
    counts = _counted(everything)
    received = [row[0] for row in everything if show == Show.ALL or _shown(row, show)]
    overdue = counts.overdue
    paginator = Paginator(received, PAGE_SIZE)
    current = paginator.get_page(page)
    ids = list(current.object_list)
    # The page's rows as the inbox shows them: never the incident (the school sees the
    # notification's own content), and each child only as whom the access event names.
    by_id = {
        n.pk: n
        for n in EncompassNotification.objects.filter(pk__in=ids)
        .select_related("obligation__team", "setting")
        .prefetch_related(
            _acknowledge_deadline(),
            Prefetch(
                "children",
                queryset=EncompassChild.objects.select_related("child")
                .only("notification", "child__id")
                .order_by("id"),
            ),
        )
    }
    rows = [by_id[pk] for pk in ids]
    current.object_list = rows  # type: ignore[assignment]  # the ids' rows
    if show == Show.ALL:
        _read(actor, "See the Operation Encompass inbox", rows, page=current.number)
    else:
        _read(
            actor, "See the Operation Encompass inbox", rows, page=current.number, show=show.value
        )
    return Inbox(
        page=current,
        items=_views(rows),
        overdue=overdue,
        show=show,
        counts=counts,
        recipient=recipient_for_agency(actor.agency_kind),
        other_work=other_work_for(actor=actor) if with_other_work else [],
    )


@dataclass(frozen=True)
class NotificationDetail:
    view: NotificationView
    is_recipient: bool
    is_referrer: bool
    # For the force that sent it: its alerts to the school and how each was delivered.
    messages: list[OutboundMessage] = field(default_factory=list)

    @property
    def undeliverable_messages(self) -> list[OutboundMessage]:
        return [m for m in self.messages if m.status == OutboundMessage.Status.UNDELIVERABLE]


def encompass_notification_get_for(
    *, actor: Actor, obligation_id: int, with_messages: bool = False
) -> NotificationDetail:
    """One notification, for whoever may see it; ``NotFound`` for anyone else. With
    ``with_messages``, the force that sent it also gets its alerts and how each was
    delivered (their addresses are logged with the read)."""
    notification = (
        _listing(EncompassNotification.objects.visible_to(actor))
        .select_related("obligation__referrer_team", "first_opened_by")
        .prefetch_related("children__child")
        .filter(obligation_id=obligation_id)
        .first()
    )
    if notification is None:
        raise NotFound("No such notification")
    view = _views([notification])[0]
    obligation = notification.obligation
    is_recipient = bool(rules.test_rule("obligations.act_on", actor, obligation))
    is_referrer = bool(rules.test_rule("obligations.refer", actor, obligation))
    messages = messages_about(obligation) if with_messages and is_referrer else []
    _read(actor, "Read an Operation Encompass notification", [notification], messages)
    return NotificationDetail(
        view=view, is_recipient=is_recipient, is_referrer=is_referrer, messages=messages
    )


@dataclass(frozen=True)
class SentList:
    page: Page
    items: list[NotificationView]
    late_only: bool


def encompass_sent_for(*, actor: Actor, late_only: bool = False, page: int = 1) -> SentList:
    """For the force (its public protection unit sees all of them): every notification
    its incidents sent, newest first, or only those not acknowledged by their due time
    (not yet acknowledged and overdue, or acknowledged late)."""
    # ``visible_to``'s referrer arm, which admits exactly these: testing its whole OR on
    # every notification the force sent would add nothing but the cost.
    sent = EncompassNotification.objects.filter(
        obligation__incident__in=Incident.objects.visible_to(actor)
    )
    if late_only:
        late = Deadline.objects.filter(
            obligation_id=OuterRef("obligation_id"),
            stage=policy.Stage.ACKNOWLEDGE,
            due_at__lte=clock.now(),
        ).filter(
            Q(obligation__acknowledged_at__isnull=True)
            | Q(obligation__acknowledged_at__gt=F("due_at"))
        )
        sent = sent.filter(Exists(late)).exclude(obligation__status=policy.Status.WITHDRAWN)
    # The page is chosen among the notifications alone, then only its rows are read.
    paginator = Paginator(
        sent.order_by("-created_at", "-id").values_list("pk", flat=True), PAGE_SIZE
    )
    current = paginator.get_page(page)
    ids = list(current.object_list)
    by_id = {
        n.pk: n
        for n in _listing(EncompassNotification.objects.filter(pk__in=ids)).prefetch_related(
            "children__child"
        )
    }
    rows = [by_id[pk] for pk in ids]
    current.object_list = rows  # type: ignore[assignment]  # the ids' rows
    _read(
        actor,
        "See the force's Operation Encompass notifications",
        rows,
        late_only=late_only,
        page=current.number,
    )
    return SentList(page=current, items=_views(rows), late_only=late_only)


# --- Each area's choices (configuration, not personal data) ----------------------------------


@dataclass(frozen=True)
class AreaChoices:
    area: Area
    template: str
    health_visiting: bool
    is_default: bool

    @property
    def is_force_area(self) -> bool:
        return bool(self.area.kind == Area.Kind.POLICE_FORCE_AREA)

    @property
    def template_label(self) -> str:
        return TEMPLATE_LABELS[Template(self.template)]


def encompass_settings_list_for(*, actor: Actor) -> list[AreaChoices]:
    """Every police force area (its content template) and local authority (whether its
    under-school-age children's notifications go to health visiting), for the service
    operator's administrators; ``NotFound`` for anyone else."""
    return _area_choices(actor, Area.objects.order_by("kind", "name"))


def encompass_settings_get_for(*, actor: Actor, area_id: int) -> AreaChoices:
    found = _area_choices(actor, Area.objects.filter(pk=area_id))
    if not found:
        raise NotFound("No such area")
    return found[0]


def _area_choices(actor: Actor, areas: QuerySet[Area]) -> list[AreaChoices]:
    if not actor.is_host_administrator:
        raise NotFound("No such page")
    chosen = {s.area_id: s for s in EncompassSettings.objects.filter(area__in=areas)}
    return [
        AreaChoices(
            area=area,
            template=chosen[area.pk].template if area.pk in chosen else Template.MINIMAL,
            health_visiting=area.pk in chosen and chosen[area.pk].health_visiting_under_school_age,
            is_default=area.pk not in chosen,
        )
        for area in areas
    ]


def encompass_notification_for_action(*, actor: Actor, obligation_id: int) -> EncompassNotification:
    """The Operation Encompass notification an action is about, if the caller may see it
    (not logged here: the answer is read and logged by ``encompass_notification_get_for``).
    Whether the caller may *act* on it is the service's question (``obligations.act_on``:
    the receiving school, or its trust's system)."""
    notification = (
        EncompassNotification.objects.visible_to(actor)
        .select_related("obligation__team", "setting")
        .filter(obligation_id=obligation_id)
        .first()
    )
    if notification is None:
        raise NotFound("No such notification")
    return notification
