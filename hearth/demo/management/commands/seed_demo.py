"""``manage.py seed_demo``: create the fictional Wessex demo area (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hearth.core.progress import ProgressBar
from hearth.demo.incidents import DEMO_INCIDENT_STEPS
from hearth.demo.wessex import DEMO_PASSWORD, seed_wessex

# Each demo person and each demo incident is one step (agencies and teams are quick).
DEMO_PEOPLE = 53


class Command(BaseCommand):
    help = "Create the fictional Wessex demo area and its demo sign-ins. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HEARTH_DEMO_MODE:
            raise CommandError(
                "The demo area has well-known passwords: it is only seeded with "
                "HEARTH_MODE=demo or HEARTH_MODE=test, never in production."
            )
        bar = ProgressBar(DEMO_PEOPLE + DEMO_INCIDENT_STEPS, self.stdout)
        sign_ins = seed_wessex(progress=bar.step)
        bar.finish()
        self.stdout.write(self.style.SUCCESS("The Wessex demo area is ready."))
        self.stdout.write(f"Demo sign-ins (password for each: {DEMO_PASSWORD}):")
        for sign_in in sign_ins:
            self.stdout.write(f"  {sign_in.email:<48} {sign_in.role}, {sign_in.agency}")
