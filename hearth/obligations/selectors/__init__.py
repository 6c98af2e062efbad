"""Reads of the ledger: team inboxes, one obligation with what its route shares, an
incident's obligations, and a child's safeguarding record. Invariants:

- every read starts from ``Obligation.objects.visible_to(actor)``; anything outside it is
  ``NotFound``, the same as a missing record;
- what a recipient sees of the people and the incident is what the route shares
  (architecture §4): the front door sees the child, the incident summary, the adults'
  risk grade and history, and the child's own words; a MARAC sees the referral; an IDVA
  service the victim's grade and safe contact; a follow-up the child and the incident's
  date. The access is granted by the obligation, so these are read without the
  people's and incident's own ``visible_to``, and only while the obligation grants it;
- every read of personal data writes one access event naming the records returned;
- list pages take a fixed number of queries, whatever the number of rows.

One read layer for the pages and the API alike, by concern: ``inbox`` (team inboxes),
``obligation`` (one obligation, what its route shares, the page around it), ``records``
(an incident's obligations, a child's safeguarding record), ``referrer`` (what an agency
referred) and ``actions`` (the obligation an action is about, before it acts).
"""

from hearth.obligations.selectors.actions import *  # noqa: F403
from hearth.obligations.selectors.inbox import *  # noqa: F403
from hearth.obligations.selectors.obligation import *  # noqa: F403
from hearth.obligations.selectors.records import *  # noqa: F403
from hearth.obligations.selectors.referrer import *  # noqa: F403
