"""Operation Encompass notifications, the receiving side: delivered, opened,
acknowledged, the support the school will give, and later how it went (issue 6 point 5).

Invariants (besides the ledger's, see ``services/__init__``):
- the proof of the duty is stored once each: when the notification was delivered (sent
  into the inbox, its alert through ``core.notify``), first opened by the recipient, and
  acknowledged (``Obligation.acknowledged_at``); opening again changes nothing;
- the support chosen is the obligation's outcome (``enc.EncompassSupport``); it stays
  open until the school records how the support went, which closes it;
- only the receiving team's people, or the system of the trust the setting belongs to,
  act on it (``obligations.act_on``);
- alerts name no one: they say a notification has arrived, repeat that the parents
  must not be approached, and link to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import rules
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from hearth.accounts.models import Area, TeamFunction
from hearth.audit.services import timeline_record
from hearth.core import clock, notify
from hearth.core.actor import Actor
from hearth.core.dates import govuk_datetime
from hearth.core.errors import NotPermitted, ValidationFailed
from hearth.encompass import policy as enc
from hearth.encompass.models import EncompassNotification, EncompassSettings
from hearth.encompass.policy import DO_NOT_APPROACH_PARENTS
from hearth.encompass.policy import Template as EncompassTemplate
from hearth.obligations import policy
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.reference import team_for
from hearth.obligations.services.steps import (
    acknowledge_held,
    close_held,
    locked,
    record_event,
    record_outcome_held,
    require,
)
from hearth.schools.models import ContactRole
from hearth.schools.selectors import contact_emails, contact_emails_by_setting


def notification_url(obligation_id: int) -> str:
    """The notification's page in full: messages are read outside Hearth."""
    return settings.HEARTH_BASE_URL + reverse("encompass_detail", args=[obligation_id])


def dsl_emails(notification: EncompassNotification, role: str = ContactRole.DSL) -> list[str]:
    """The setting's DSLs (or deputies), for alerts; none for a team that is not a school."""
    return contact_emails(notification.setting, role) if notification.setting else []


def notifications_deliver(obligations: Sequence[Obligation]) -> None:
    """Stamp each delivery and alert each team's mailbox and its setting's DSLs. Called
    by the ledger as a submission's notifications are sent, inside its transaction, in
    a handful of statements however many there are; the messages go through the notify
    port, which refuses a contact marked unsafe."""
    notifications = _notifications(obligations)
    now = clock.now()
    EncompassNotification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        delivered_at=now, updated_at=now
    )
    soonest: dict[int, datetime] = {}
    for obligation_id, due_at in (
        Deadline.objects.filter(obligation__in=obligations)
        .order_by("due_at")
        .values_list("obligation_id", "due_at")
    ):
        soonest.setdefault(obligation_id, due_at)
    dsls = contact_emails_by_setting(
        {n.setting_id for n in notifications if n.setting_id}, ContactRole.DSL
    )
    messages = []
    for obligation, notification in zip(obligations, notifications, strict=True):
        notification.delivered_at = notification.updated_at = now
        team = obligation.team
        setting_dsls = dsls.get(notification.setting_id, []) if notification.setting_id else []
        recipients = sorted({*([team.email] if team.email else []), *setting_dsls})
        if not recipients:
            continue
        due = soonest.get(obligation.pk)
        when = f" by {govuk_datetime(due)}" if due else ""
        messages.append(
            notify.Message(
                to=recipients,
                subject=f"Operation Encompass notification for {team.name}",
                body=(
                    f"A police force has sent an Operation Encompass notification to "
                    f"{team.name}. Please open and acknowledge it{when}.\n\n"
                    f"{DO_NOT_APPROACH_PARENTS}\n\n"
                    f"Open it in Hearth: {notification_url(obligation.pk)}"
                ),
                about=("obligations.obligation", str(obligation.pk)),
                purpose="Operation Encompass notification",
                sender_agency_id=obligation.referrer_agency_id,
                sender_team_id=obligation.referrer_team_id,
            )
        )
    notify.send_many(messages)


def _notifications(obligations: Sequence[Obligation]) -> list[EncompassNotification]:
    """Each obligation's notification, in order: the one just made with it is on it
    already; the others are read, with their settings, in one query."""
    cached = EncompassNotification._meta.get_field("obligation").remote_field.is_cached
    missing = [o.pk for o in obligations if not cached(o)]
    read = (
        EncompassNotification.objects.select_related("setting").in_bulk(
            missing, field_name="obligation_id"
        )
        if missing
        else {}
    )
    return [o.encompass if cached(o) else read[o.pk] for o in obligations]


def _locked_notification(notification: EncompassNotification) -> EncompassNotification:
    obligation = locked(notification.obligation)
    held = EncompassNotification.objects.select_for_update().get(pk=notification.pk)
    held.obligation = obligation
    return held


@transaction.atomic
def notification_open(*, actor: Actor, notification: EncompassNotification) -> None:
    """The recipient opened it: the first opening is stamped (on ``notification`` too, so
    the page or answer showing it needs no second read) and put on its timeline."""
    if notification.first_opened_at is not None:
        return
    if not _may_act(actor, notification.obligation):
        return  # the force reading what it sent is not the school opening it
    held = _locked_notification(notification)
    _opened_if_not(actor, held)
    notification.first_opened_at = held.first_opened_at
    notification.first_opened_by_id = held.first_opened_by_id


def _may_act(actor: Actor, obligation: Obligation) -> bool:
    return bool(rules.test_rule("obligations.act_on", actor, obligation))


@transaction.atomic
def notification_acknowledge(
    *, actor: Actor, notification: EncompassNotification, note: str = ""
) -> EncompassNotification:
    """The DSL confirms they have it: the force sees the time."""
    notification = _locked_notification(notification)
    obligation = notification.obligation
    require("obligations.act_on", actor, obligation, "Only the receiving school can acknowledge")
    if obligation.status == policy.Status.SENT:
        _opened_if_not(actor, notification)
        acknowledge_held(actor, obligation, note)
    return notification


def _opened_if_not(actor: Actor, notification: EncompassNotification) -> None:
    """Acknowledging through an API without reading first still counts as opening it."""
    if notification.first_opened_at is None:
        notification.first_opened_at = clock.now()
        notification.first_opened_by_id = actor.user_id
        notification.save(update_fields=["first_opened_at", "first_opened_by", "updated_at"])
        record_event(
            actor, notification.obligation, "encompass.opened", f"Opened by {actor.agency_name}"
        )


@transaction.atomic
def notification_support_record(
    *, actor: Actor, notification: EncompassNotification, support: str, note: str = ""
) -> EncompassNotification:
    """The support the school will give (acknowledging it first if need be). Recording
    the same again changes nothing; a different choice replaces it, on the timeline."""
    notification = _locked_notification(notification)
    obligation = notification.obligation
    require("obligations.act_on", actor, obligation, "Only the receiving school can do this")
    try:
        chosen = enc.EncompassSupport(support)
    except ValueError:
        raise ValidationFailed.from_fields(
            {"support": ["Select the support the school will give"]}
        ) from None
    if not obligation.is_open:
        raise ValidationFailed("This notification is closed: its support cannot change")
    if obligation.outcome == chosen and obligation.outcome_note == note.strip():
        return notification
    _opened_if_not(actor, notification)
    record_outcome_held(actor, obligation, chosen, note)
    return notification


@transaction.atomic
def notification_outcome_record(
    *, actor: Actor, notification: EncompassNotification, outcome: str
) -> EncompassNotification:
    """How the support went, which closes the notification."""
    notification = _locked_notification(notification)
    obligation = notification.obligation
    require("obligations.act_on", actor, obligation, "Only the receiving school can do this")
    text = outcome.strip()
    if obligation.status == policy.Status.CLOSED and notification.support_outcome == text:
        return notification
    if not text:
        raise ValidationFailed.from_fields({"outcome": ["Enter how the support went"]})
    if obligation.status != policy.Status.OUTCOME_RECORDED:
        raise ValidationFailed.from_fields(
            {"outcome": ["Record the support the school will give first"]}
        )
    notification.support_outcome = text
    notification.support_outcome_at = clock.now()
    notification.save(update_fields=["support_outcome", "support_outcome_at", "updated_at"])
    record_event(actor, obligation, "encompass.support_outcome", "How the support went recorded")
    close_held(actor, obligation)
    return notification


# --- The sweeper's ladder for a school -----------------------------------------------------


def encompass_escalation(
    obligation: Obligation, step: policy.Step, what: str
) -> tuple[list[str], str] | None:
    """Who hears of a missed notification to a school at each step, and the line they are
    told: the DSLs and the school's mailbox, then the deputies, then the local authority's
    education safeguarding team, who may then open it to follow it up. ``None`` for a
    notification to a team that is not a school: it climbs the usual ladder."""
    notification = (
        EncompassNotification.objects.select_related("setting")
        .filter(obligation=obligation)
        .first()
    )
    if notification is None or notification.setting is None:
        return None
    if step == policy.Step.REMINDER:
        mailbox = [obligation.team.email] if obligation.team.email else []
        return sorted({*mailbox, *dsl_emails(notification)}), f"Not yet acknowledged: {what}"
    if step == policy.Step.MANAGER:
        return (
            dsl_emails(notification, ContactRole.DEPUTY),
            f"Escalated to you as a deputy designated safeguarding lead: {what}",
        )
    setting = notification.setting
    team = (
        team_for(TeamFunction.EDUCATION_SAFEGUARDING, setting.local_authority_id)
        if setting.local_authority_id
        else None
    )
    if team is None:
        return [], what
    notification.escalated_to = team
    notification.save(update_fields=["escalated_to", "updated_at"])
    return (
        [team.email] if team.email else [],
        f"Escalated from {obligation.team.name}, not acknowledged: {what}",
    )


def recipients_words(recipients: list[str]) -> str:
    return f"{len(recipients)} recipient{'s' if len(recipients) != 1 else ''} told"


# --- An area's choices ---------------------------------------------------------------------


@transaction.atomic
def encompass_settings_set(
    *,
    actor: Actor,
    area: Area,
    template: str | None = None,
    health_visiting: bool | None = None,
) -> EncompassSettings:
    """Set an area's Operation Encompass choices (the service operator's administrators):
    a police force area's content template, a local authority's choice to tell health
    visiting about under-school-age children. Saving the same again records nothing."""
    if not actor.is_host_administrator:
        raise NotPermitted("Only the Hearth service's administrators can change this")
    problems: dict[str, list[str]] = {}
    if template is not None:
        if area.kind != Area.Kind.POLICE_FORCE_AREA:
            problems["template"] = ["Only a police force area chooses the content template"]
        elif template not in set(EncompassTemplate):
            problems["template"] = ["Select the content the force's notifications carry"]
    if health_visiting is not None and area.kind != Area.Kind.LOCAL_AUTHORITY:
        problems["health_visiting"] = ["Only a local authority chooses to tell health visiting"]
    if problems:
        raise ValidationFailed.from_fields(problems)
    row, created = EncompassSettings.objects.select_for_update().get_or_create(area=area)
    before = {"template": row.template, "health_visiting": row.health_visiting_under_school_age}
    if template is not None:
        row.template = template
    if health_visiting is not None:
        row.health_visiting_under_school_age = health_visiting
    after = {"template": row.template, "health_visiting": row.health_visiting_under_school_age}
    if before != after or created:
        row.save()
        timeline_record(
            actor=actor,
            subject=area,
            verb="encompass.settings_set",
            summary=f"Operation Encompass: template {row.template}, health visiting "
            f"{'told' if row.health_visiting_under_school_age else 'not told'}",
            payload={"before": before, "after": after},
        )
    return row
