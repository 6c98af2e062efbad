"""Pure rules of the obligation ledger core: the lifecycle, stage deadlines and the
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

Each route's own rules are in its app (``hearth.referrals.policy``,
``hearth.encompass.policy``); this package holds what every route shares: the lifecycle
(statuses, actions, transitions), stages and their deadlines on the working-day calendar,
the escalation ladder, and the shape of a plan (``PlannedObligation``, ``RoutingResult``).
"""

from hearth.obligations.policy.deadlines import *  # noqa: F403
from hearth.obligations.policy.ladder import *  # noqa: F403
from hearth.obligations.policy.lifecycle import *  # noqa: F403
from hearth.obligations.policy.plans import *  # noqa: F403
