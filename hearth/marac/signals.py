"""What the MARAC app tells the apps above it (the family's plan), sent inside the
transaction that records the change."""

from django.dispatch import Signal

# A case heard at a MARAC meeting, with its action plan (``services.case_hear``). Keyword
# arguments: ``actor`` (an ``Actor``), ``case_id`` (the ``MaracCase``),
# ``referral_obligation_id`` (the MARAC referral heard), ``victim_id`` (the adult victim,
# a ``people.Person`` id), ``incident_id`` (the referral's incident) and
# ``action_obligation_ids`` (a list of ints: each action's obligation in the ledger,
# route ``marac_action``), so that the family's plan can add the actions to itself.
case_heard = Signal()
