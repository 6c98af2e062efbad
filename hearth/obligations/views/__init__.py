"""The obligations pages: team inboxes, one obligation and acting on it, the referrer's
list, a child's safeguarding record, the ledger's sections of the incident's and the child's
pages, and each area's timescales (for the service operator's administrators).

Thin: each page reads through ``obligations.selectors``, which
check visibility and write the access log (missing and forbidden are both 404), and
writes through one of ``obligations.services``, which checks who may act (403).
"""

from hearth.obligations.views.actions import (
    obligation_acknowledge,
    obligation_claim,
    obligation_outcome,
    obligation_redirect,
    obligation_send,
    obligation_withdraw,
)
from hearth.obligations.views.detail import (
    child_obligations_context,
    child_safeguarding_record,
    incident_obligations_context,
    obligation_detail,
)
from hearth.obligations.views.inbox import (
    inbox_home,
    referrals_sent,
    team_inbox,
    team_inbox_acknowledge,
)
from hearth.obligations.views.settings import (
    obligation_area_list,
    obligation_area_settings,
)

__all__ = [
    "child_obligations_context",
    "child_safeguarding_record",
    "inbox_home",
    "incident_obligations_context",
    "obligation_acknowledge",
    "obligation_area_list",
    "obligation_area_settings",
    "obligation_claim",
    "obligation_detail",
    "obligation_outcome",
    "obligation_redirect",
    "obligation_send",
    "obligation_withdraw",
    "referrals_sent",
    "team_inbox",
    "team_inbox_acknowledge",
]
