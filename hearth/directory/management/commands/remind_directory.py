"""``manage.py remind_directory [--every SECONDS]``: remind each provider team whose
directory entry has not been confirmed for 3 months (ASSURE-1 v1, Open Referral UK's
assurance rule; ``hearth.directory.services.assurance_remind``). Once by default; with
``--every`` in a loop, as ``make run``'s worker does every hour. Each lapse is reminded
once, however often it runs; the messages go out through the outbox."""

from __future__ import annotations

from hearth.core.periodic import PeriodicCommand
from hearth.directory.services import assurance_remind


class Command(PeriodicCommand):
    help = "Remind providers of directory entries not confirmed for 3 months."
    every_help = "Check again every SECONDS seconds until stopped (default: once)."

    def run_once(self) -> tuple[bool, str]:
        result = assurance_remind()
        return bool(result.reminded or result.without_team), (
            f"Reminded {result.reminded} provider teams; "
            f"{result.without_team} entries have no team or address to remind."
        )
