"""The routes from an incident to the agencies that help the family: a children's services
notification for each child (rule CCN-1), a MARAC referral and an IDVA referral for a
high-risk adult victim (MARAC-REF-1, IDVA-1), and each child's follow-up once the adult's
support starts (FOLLOW-UP-1), declared to the ledger core (``hearth.obligations.registry``).

They are one app because they are planned together from one incident and refer to one
another: a MARAC referral is sent only once each household child has a children's services
notification linked to it (domain.md §10.1 W7), and acknowledging an IDVA or MARAC referral
starts each child's follow-up (§10.4), as any other support for the adult victim does
(the ledger's ``support_started``, which ``connect`` listens to). Route apps do not
import one another, so splitting them would mean hooks between them for what is one piece
of practice.
"""

from __future__ import annotations

from typing import Any

from hearth.obligations import registry
from hearth.referrals import api_out, policy, routing, selectors
from hearth.referrals import services as steps


def _plan(read: Any) -> policy.RoutingResult:
    return policy.route_incident(*read)


def _marac_created(obligation: Any, plan: policy.PlannedObligation) -> None:
    routing.marac_referral_create(obligation, plan)


# What the outcome page says of an adult's referral (domain.md §10.4).
FOLLOW_UPS_STAY_OPEN = (
    "Each child's own follow-up stays open until their safety and support are confirmed"
)

CHILD_CONCERN = registry.Route(
    key=policy.Route.CHILD_CONCERN,
    label=policy.ROUTE_LABELS[policy.Route.CHILD_CONCERN],
    rule=policy.ROUTE_RULES[policy.Route.CHILD_CONCERN],
    rule_version=policy.RULE_VERSION,
    for_child=True,
    outcomes={str(k): v for k, v in policy.DECISION_LABELS.items()},
    # A decision to assess keeps it open until the assessment is complete.
    closes_with_outcome=lambda outcome: policy.Decision(outcome) in policy.CLOSING_DECISIONS,
    record_outcome=lambda actor, obligation, outcome, note: steps.decision_record(
        actor=actor, obligation=obligation, decision=outcome, note=note
    ),
    # One planner for the children's services, MARAC and IDVA routes: they are read from
    # the same incident, victims and areas.
    read=routing.referral_read,
    plan=_plan,
    order=100,
    shares=selectors.shares,
    api_shares=(api_out.CHILD_VOICE, api_out.ASSESSMENTS, api_out.CHILD_RISK),
    page_context=selectors.page_context,
    shared_template="referrals/_shared.html",
    detail_template="referrals/_assessments.html",
    outcome_url_name="obligation_decision",
    outcome_word="Decision",
    noun="notification",
    names_subject=False,
    # The four routes' per-area timescales, declared once (one app plans them together),
    # and the front door's own deadline stage.
    settings=policy.SETTINGS,
    stages=policy.STAGE_LABELS,
    groups_siblings=True,
    # Decided to assess: open until the assessment is complete, not "Outcome recorded".
    status_labels={policy.Status.OUTCOME_RECORDED: "Decided: assessment under way"},
)
MARAC_REFERRAL = registry.Route(
    key=policy.Route.MARAC_REFERRAL,
    label=policy.ROUTE_LABELS[policy.Route.MARAC_REFERRAL],
    rule=policy.ROUTE_RULES[policy.Route.MARAC_REFERRAL],
    rule_version=policy.RULE_VERSION,
    for_child=False,
    outcomes={str(k): v for k, v in policy.MARAC_OUTCOME_LABELS.items()},
    # "Heard" only from a meeting's record of the case (``steps.marac_heard``).
    record_outcome=steps.marac_outcome,
    recorded_elsewhere=frozenset({policy.MaracOutcome.HEARD.value}),
    on_created=_marac_created,
    # The referrer completes it and sends it once each household child has a children's
    # services notification linked (domain.md §10.1 W7); the MARAC's clock starts then.
    sent_by_referrer=True,
    send_problems=steps.marac_send_problems,
    on_sent=steps.marac_sent,
    # Acknowledging it starts each child's follow-up (domain.md §10.4).
    on_acknowledged=steps.follow_ups_on_acknowledged,
    shares=selectors.shares,
    api_shares=(api_out.MARAC, api_out.HOUSEHOLD),
    page_context=selectors.page_context,
    shared_template="referrals/_shared.html",
    referrer_template="referrals/_marac_referrer.html",
    noun="referral",
    outcome_intro=FOLLOW_UPS_STAY_OPEN,
)
IDVA_REFERRAL = registry.Route(
    key=policy.Route.IDVA_REFERRAL,
    label=policy.ROUTE_LABELS[policy.Route.IDVA_REFERRAL],
    rule=policy.ROUTE_RULES[policy.Route.IDVA_REFERRAL],
    rule_version=policy.RULE_VERSION,
    for_child=False,
    outcomes={str(k): v for k, v in policy.IDVA_OUTCOME_LABELS.items()},
    on_acknowledged=steps.follow_ups_on_acknowledged,
    shares=selectors.shares,
    api_shares=(api_out.HOUSEHOLD,),
    page_context=selectors.page_context,
    shared_template="referrals/_shared.html",
    noun="referral",
    outcome_intro=FOLLOW_UPS_STAY_OPEN,
)
CHILD_FOLLOW_UP = registry.Route(
    key=policy.Route.CHILD_FOLLOW_UP,
    label=policy.ROUTE_LABELS[policy.Route.CHILD_FOLLOW_UP],
    rule=policy.ROUTE_RULES[policy.Route.CHILD_FOLLOW_UP],
    rule_version=policy.RULE_VERSION,
    for_child=True,
    outcomes={str(k): v for k, v in policy.FOLLOW_UP_OUTCOME_LABELS.items()},
    note_required="Enter when and how the child was seen, and what support they have",
    note_label="When and how was the child seen, and what support do they have?",
    note_hint="You must say how the child's safety and support were confirmed",
    shares=selectors.shares,
    page_context=selectors.page_context,
    shared_template="referrals/_shared.html",
    noun="follow-up",
    names_subject=False,
)

ROUTES = (CHILD_CONCERN, MARAC_REFERRAL, IDVA_REFERRAL, CHILD_FOLLOW_UP)


def connect() -> None:
    """Each related child is followed up whenever an adult victim's support starts,
    whichever app records it (the ledger's ``support_started``; FOLLOW-UP-1)."""
    from hearth.obligations.services.steps import support_started

    support_started.connect(steps.on_support_started, dispatch_uid="referrals.follow_ups")
