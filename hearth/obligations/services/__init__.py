"""Changing obligations: every transition of the lifecycle is one service here. Invariants:

- a status changes only through ``policy.next_status`` (the transition table); anything
  else is ``InvalidTransition``;
- each change is one transaction, locks the obligation (``select_for_update``), records a
  timeline event on the obligation (and on its subject for the steps people follow: made,
  acknowledged, outcome, closed), and writes any message to ``core.notify``'s outbox in
  the same transaction (its delivery worker sends it once the change has committed);
- nothing closes without an outcome; closing or withdrawing an adult's obligation never
  touches a child's;
- acting on an obligation needs the recipient team's agency (``obligations.act_on``);
  withdrawing needs the team's manager (``obligations.withdraw``); sending what waits for
  the referrer is the referrer's (``obligations.refer``), once its route has nothing
  against it (``Route.send_problems``);
- a route's own steps are its app's services, called through its hooks (``on_sent``,
  ``on_acknowledged``, ``record_outcome``): ``hearth.referrals.services`` (a front door's
  decision and assessment, a MARAC referral, each child's follow-up) and
  ``hearth.encompass.services`` (a school's notification).
"""

from hearth.obligations.services._common import record_event  # noqa: F401
from hearth.obligations.services.lifecycle import *  # noqa: F403
from hearth.obligations.services.plans import *  # noqa: F403
