"""Operation Encompass as a route of the ledger (``hearth.obligations.registry``): rule
ENC-1 plans a notification per school (or team) after the children's services route, its
content is frozen when it is made, sending it delivers it into the school's inbox, a
trust's system may act for its schools, siblings listed on one notification are each owed
it, and a notification to a school climbs its own ladder within the school day."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet

from hearth.core.actor import Actor
from hearth.encompass import policy as enc
from hearth.encompass.models import EncompassChild
from hearth.encompass.wording import STATE_WORDS, NotificationState
from hearth.obligations import policy, registry
from hearth.obligations.models import Deadline, Obligation


def _trust_acts(actor: Actor, obligation: Obligation) -> bool:
    """A trust's (or federation's) system acts for its schools' notifications (issue 6
    point 7: API keys per school or trust)."""
    notification = getattr(obligation, "encompass", None)
    return bool(
        notification and notification.setting and notification.setting.trust_id == actor.agency_id
    )


def _listed(person_ids: Collection[int]) -> QuerySet[Any]:
    return (
        EncompassChild.objects.filter(child_id__in=person_ids)
        .order_by()
        .values("notification__obligation_id")
    )


def _owed_ids(obligation: Obligation) -> set[int]:
    notification = getattr(obligation, "encompass", None)
    return {c.child_id for c in notification.children.all()} if notification else set()


SETTING = "obligation__encompass__setting"


def _ladder(read: Mapping[str, Any]) -> policy.Ladder | None:
    """A notification to a school climbs within the school day; one to a team that is not
    a school (the education safeguarding team, health visiting) climbs the usual ladder."""
    return enc.ENCOMPASS_LADDER if read.get(SETTING) is not None else None


def _escalation(deadline: Deadline, step: policy.Step, what: str) -> registry.Escalation | None:
    from hearth.encompass.services import encompass_escalation, recipients_words

    told = encompass_escalation(deadline.obligation, step, what)
    if told is None:
        return None
    recipients, line = told
    summary = None
    if step == policy.Step.ESCALATION_TEAM:
        summary = (
            "Escalated to the local authority's education safeguarding team "
            f"({recipients_words(recipients)})"
            if recipients
            else "No education safeguarding team is known: nobody further could be told"
        )
    return registry.Escalation(recipients=recipients, line=line, summary=summary)


def _read(incident: Any) -> Any:
    from hearth.encompass.routing import encompass_read

    return encompass_read(incident)


def _plan(read: Any) -> policy.RoutingResult:
    return enc.route_encompass(*read) if read is not None else policy.RoutingResult((), ())


def _created_many(made: Sequence[tuple[Obligation, policy.PlannedObligation]]) -> None:
    from hearth.encompass.routing import notifications_create

    notifications_create(made)


def _sent_many(actor: Actor | None, obligations: Sequence[Obligation]) -> bool:
    from hearth.encompass.services import notifications_deliver

    notifications_deliver(obligations)
    return True


ROUTE = registry.Route(
    key=enc.ROUTE,
    label=enc.LABEL,
    rule=enc.ENCOMPASS_RULE,
    rule_version=enc.RULE_VERSION,
    for_child=True,
    outcomes={s.value: label for s, label in enc.ENCOMPASS_SUPPORT_LABELS.items()},
    # Its statuses in its own words wherever the ledger lists it (the child's safeguarding
    # record, inboxes): support only planned is not "Outcome recorded" (issue 17).
    status_labels={
        policy.Status.OUTCOME_RECORDED: STATE_WORDS[NotificationState.SUPPORT_PLANNED][0],
        policy.Status.WITHDRAWN: STATE_WORDS[NotificationState.WITHDRAWN][0],
    },
    # A school records the support it will give, and later how it went, which closes it.
    closes_with_outcome=lambda outcome: False,
    read=_read,
    plan=_plan,
    # After the children's services route: the content says whether they were told.
    order=200,
    on_created_many=_created_many,
    on_sent=lambda actor, obligation: _sent_many(actor, [obligation]),
    on_sent_many=_sent_many,
    recipient_reads_ledger=False,
    page_url_name="encompass_detail",
    also_acts=_trust_acts,
    listed_obligations=_listed,
    owed_ids=_owed_ids,
    prefetch=("encompass__children",),
    related=("encompass",),
    ladder=_ladder,
    ladder_fields=(SETTING,),
    escalation=_escalation,
)
