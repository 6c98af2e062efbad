"""Pure rules of the obligation ledger: the lifecycle, the routing policy, and the
escalation ladder. No ORM here: plain data in, plain data out, so that every rule can be
tested exhaustively and explained to the person who sees its result ("why does this
obligation exist? rule CCN-1 v1: ...").

An obligation is a duty owed to one child (or one adult victim) by one team: what must
happen, by when, under which rule and version, and what did happen
(../shared/docs/architecture.md §2). Invariants:

- a status changes only by an action in ``TRANSITIONS``; anything else is refused;
- nothing closes without an outcome; closing an adult's obligation never closes a
  child's (each child's follow-up is its own obligation);
- routing the same incident twice plans the same obligations with the same keys, so the
  ledger (which keeps one row per key) creates nothing twice;
- every planned obligation carries its rule, rule version, reason in words, and due
  times computed by ``hearth.core.calendar`` and stamped with its version.

Sources (../shared/docs/domain.md):
- §4.2 (Working Together to Safeguard Children 2023, England): within one working day of
  a referral a social worker acknowledges receipt to the referrer and decides the type of
  response; a child and family assessment takes at most 45 working days from the point
  of referral. §7.1: the CIN census referral source for the police is code ``6``; the
  factors identified at the end of an assessment are CIN codes (3A/3B/3C for domestic
  abuse). §4.3: Wales differs (Social Services and Well-being (Wales) Act 2014, Wales
  Safeguarding Procedures) and its timescales were not retrieved, so Wales is a separate,
  configurable profile with England's figures as its default.
- §2.2–2.3: a MARAC referral carries the criteria met, safe contact details, whether the
  victim knows of the referral (and why not) and every child in the household; §10.1 W7:
  "every Marac case with children must create/confirm a child safeguarding link" — a
  MARAC referral with children is not sent until each child has a child concern
  notification linked to it.
- §2.4 and §10.3: high-risk adult victims are referred to an IDVA service.
- §3 (Operation Encompass) is its own route, in ``hearth.encompass``.
- §10.4: "a scheduled child follow-up task is generated whenever an adult case
  (IDVA/Marac/...) has related children; closure of the adult case cannot silently close
  the child's task".
"""

from hearth.obligations.policy.deadlines import *  # noqa: F403
from hearth.obligations.policy.ladder import *  # noqa: F403
from hearth.obligations.policy.lifecycle import *  # noqa: F403
from hearth.obligations.policy.plans import *  # noqa: F403
from hearth.obligations.policy.routing import *  # noqa: F403
