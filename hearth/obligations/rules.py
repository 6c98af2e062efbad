"""Who may act on an obligation (django-rules predicates over an ``Actor``).

- ``obligations.act_on``: people (or an agency system) of the team it is addressed to:
  acknowledge, claim, decide, record an outcome, redirect; and whoever else its route
  says may act for that team (``Route.also_acts``: for an Operation Encompass
  notification to a school, the system of the trust the school belongs to). A
  person with an agency-wide membership (no team) acts for every team of their agency.
- ``obligations.withdraw``: the addressed team's manager only (architecture §2).
- ``obligations.refer``: whoever may change the incident it arose from, for what the
  referrer does (completing and sending a MARAC referral).
"""

from __future__ import annotations

import rules

from hearth.core.actor import Actor
from hearth.obligations import registry
from hearth.obligations.models import Obligation


@rules.predicate
def in_receiving_team(actor: Actor | None, obligation: Obligation) -> bool:
    if actor is None:
        return False
    if obligation.team.agency_id != actor.agency_id:
        also = registry.get(obligation.route).also_acts
        return bool(also and also(actor, obligation))
    return not actor.team_ids or obligation.team_id in actor.team_ids


@rules.predicate
def manages_receiving_team(actor: Actor | None, obligation: Obligation) -> bool:
    return (
        actor is not None
        and in_receiving_team(actor, obligation)
        and actor.manages(obligation.team_id)
    )


@rules.predicate
def is_referrer(actor: Actor | None, obligation: Obligation) -> bool:
    return rules.test_rule("incidents.change_incident", actor, obligation.incident)


rules.add_rule("obligations.act_on", in_receiving_team)
rules.add_rule("obligations.withdraw", manages_receiving_team)
rules.add_rule("obligations.refer", is_referrer)
