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
  withdrawing needs the team's manager (``obligations.withdraw``); sending a MARAC
  referral is the referrer's (``obligations.refer``), and only once each child in the
  household has a child concern notification linked to it (domain.md §10.1 W7);
- acknowledging an IDVA or MARAC referral starts each related child's follow-up
  (domain.md §10.4);
- an Operation Encompass notification is delivered, opened, acknowledged, given the
  school's support and closed by ``services.encompass``, which stores each proof time
  once (domain.md §3).
"""

from hearth.obligations.services._common import record_event  # noqa: F401
from hearth.obligations.services.lifecycle import *  # noqa: F403
from hearth.obligations.services.referrals import *  # noqa: F403
