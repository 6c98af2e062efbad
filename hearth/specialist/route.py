"""The specialist support routes, declared to the ledger core
(``hearth.obligations.registry``):

- ``specialist_offer`` (SPECIALIST-1 v1): each child victim (s.3) of a submitted
  incident is offered specialist support by their lead agency; planned after the
  children's services route (order 150), whose decision its deadline counts from;
- ``specialist_referral`` (SPECIALIST-REF-1 v1): a child referred to a service in the
  directory; its team reads it on the referral's own page (never the incident or the
  generic obligation page) and acts there or through the API.

The front door's decision reaches the offer through the ledger's own row: when a child
concern notification's decision is recorded (the ledger's ``outcome_recorded``, the
route read by key), the offer's estimated deadline is counted again from it.
"""

from __future__ import annotations

from typing import Any

from hearth.core.actor import Actor
from hearth.obligations import policy as ledger
from hearth.obligations import registry
from hearth.obligations.models import Deadline, Obligation
from hearth.specialist import policy


def _read(incident: Any) -> Any:
    from hearth.specialist.routing import offer_read

    return offer_read(incident)


def _created(obligation: Obligation, plan: ledger.PlannedObligation) -> None:
    from hearth.specialist.services import offer_created

    offer_created(obligation, plan)


def _offer_outcome(actor: Actor, obligation: Obligation, outcome: str, note: str) -> Obligation:
    from hearth.specialist.services import offer_outcome

    return offer_outcome(actor, obligation, outcome, note)


def _offer_escalation(
    deadline: Deadline, step: ledger.Step, what: str
) -> registry.Escalation | None:
    """Each step of the usual ladder, with one addition: an offer not made in time is
    unmet need (UNMET-NEED-1 v1), opened with the first step told to the team."""
    from hearth.specialist.services import offer_overdue

    offer_overdue(deadline.obligation)
    return None


def _referral_outcome(actor: Actor, obligation: Obligation, outcome: str, note: str) -> Obligation:
    from hearth.specialist.services import referral_outcome_refused

    return referral_outcome_refused(actor, obligation, outcome, note)


def _offer_page(actor: Actor, detail: Any) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "specialist_refer_url": reverse("specialist_refer", args=[detail.obligation.subject_id])
    }


OFFER = registry.Route(
    key=policy.OFFER_ROUTE,
    label="Offer of specialist support",
    rule=policy.OFFER_RULE,
    rule_version=policy.RULE_VERSION,
    for_child=True,
    outcomes={o.value: label for o, label in policy.OFFER_OUTCOME_LABELS.items()},
    record_outcome=_offer_outcome,
    note_label="Why is specialist support not needed now? (or which service, if referred)",
    note_hint="A reason is needed when support is not needed now",
    read=_read,
    plan=policy.offer_plan,
    order=150,
    on_created=_created,
    escalation=_offer_escalation,
    page_context=_offer_page,
    detail_template="specialist/_offer.html",
    outcome_word="Outcome",
    noun="offer",
)

REFERRAL = registry.Route(
    key=policy.REFERRAL_ROUTE,
    label="Specialist support referral",
    rule=policy.REFERRAL_RULE,
    rule_version=policy.RULE_VERSION,
    for_child=True,
    outcomes={o.value: label for o, label in policy.REFERRAL_OUTCOME_LABELS.items()},
    closes_with_outcome=lambda outcome: outcome in policy.REFERRAL_CLOSING,
    record_outcome=_referral_outcome,
    recipient_reads_ledger=False,
    page_url_name="specialist_referral",
    related=("specialist_referral",),
    noun="referral",
)

ROUTES = (OFFER, REFERRAL)


def _on_outcome_recorded(sender: Any, obligation: Obligation, **_: Any) -> None:
    """The front door's decision on a child concern notification counts the child's
    offer of support from it (the ledger's ``outcome_recorded``; the children's services
    route is read by its key: route apps do not import one another)."""
    if obligation.route != "child_concern_notification":
        return
    from hearth.specialist.services import offer_retime

    offer_retime(obligation)


def connect() -> None:
    from hearth.obligations.services.lifecycle import outcome_recorded

    outcome_recorded.connect(
        _on_outcome_recorded, sender=Obligation, dispatch_uid="specialist.offer_retime"
    )
