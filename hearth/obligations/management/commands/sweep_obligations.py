"""``manage.py sweep_obligations [--every SECONDS]``: mark missed deadlines overdue, remind,
then escalate (``hearth.obligations.sweeper``). Once by default; with ``--every`` it
sweeps in a loop, as the worker ``make run`` starts does every minute. Safe to run
several at once: each step of each deadline happens once."""

from __future__ import annotations

from hearth.core.periodic import PeriodicCommand
from hearth.obligations.sweeper import sweep


class Command(PeriodicCommand):
    help = "Mark overdue obligations, send reminders and escalate."
    every_help = "Sweep again every SECONDS seconds until stopped (default: sweep once)."

    def run_once(self) -> tuple[bool, str]:
        report = sweep()
        steps = ", ".join(f"{n} {step}" for step, n in report.steps.items())
        return bool(report.total), f"Checked {report.checked} missed deadlines: {steps}"
