"""The ledger's steps for a route app's own services (a front door's decision, a school's
acknowledgement, a specialist service accepting a referral): each is one step of the
lifecycle for an obligation the route's service has already locked in its own
transaction, with the ledger's invariants (the transition table, its timeline events,
its alerts), so that a route never writes the ledger's columns itself.

- ``locked(obligation)``: the obligation, locked for the caller's transaction;
- ``require(rule, actor, obligation, message)``: ``NotPermitted`` unless the rule allows;
- ``acknowledge_held``, ``record_outcome_held``, ``close_held``: acknowledge, record an
  outcome (from the route's outcomes), close;
- ``record_event``: a timeline event on the obligation (and its subject);
- ``support_started``: the signal to send when support for an adult victim starts
  (``lifecycle.support_started`` says its arguments): each related child is followed up.
"""

from __future__ import annotations

from hearth.obligations.services._common import _locked as locked
from hearth.obligations.services._common import _require as require
from hearth.obligations.services._common import record_event
from hearth.obligations.services.lifecycle import _acknowledge as acknowledge_held
from hearth.obligations.services.lifecycle import _close as close_held
from hearth.obligations.services.lifecycle import _record_outcome as record_outcome_held
from hearth.obligations.services.lifecycle import support_started

__all__ = [
    "acknowledge_held",
    "close_held",
    "locked",
    "record_event",
    "record_outcome_held",
    "require",
    "support_started",
]
