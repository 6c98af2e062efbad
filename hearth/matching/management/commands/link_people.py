"""``manage.py link_people``: link the whole population's records across agencies
(issue 16 §2): every pair the model finds at or above the review threshold is linked
(at or above the auto-link threshold) or queued for review; pairs already known are
left as they are, so it can run again at any time (a reviewer's decisions stand).

By default it uses the batch run (``hearth.matching.batch``: Splink's DuckDB backend
over every person at once); ``--per-person`` looks each person up instead (slower, no
DuckDB). Progress is printed as it goes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hearth.core.progress import ProgressBar
from hearth.matching import services
from hearth.matching.models import PersonLink
from hearth.people.models import Person


class Command(BaseCommand):
    help = "Link the records of the same person made by different agencies (issue 16 §2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--per-person",
            action="store_true",
            help="Look each person up in turn instead of the batch run (Splink on DuckDB).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total = Person.objects.count()
        limits = services.thresholds()
        self.stdout.write(
            f"Linking {total} people: automatically at {limits.auto_link:.2f} or above, "
            f"for review from {limits.review:.2f}"
        )
        if options["per_person"]:
            bar = ProgressBar(total, self.stdout)
            counts = services.links_record_all(
                services.population_pairs_by_lookup(step=bar.step),
                method=PersonLink.Method.AUTOMATIC,
            )
            bar.finish()
        else:
            counts = services.links_record_all(
                self._batch(limits.review), method=PersonLink.Method.BATCH
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['found']} possible pairs found: {counts['linked']} linked "
                f"automatically, {counts['pending']} queued for review, the rest already "
                "known or of the same organisation"
            )
        )

    def _batch(self, review: float) -> Any:
        from hearth.matching import batch

        for pair in batch.population_pairs(
            Person.objects.all(),
            threshold=review,
            progress=lambda label: self.stdout.write(f"  {label}"),
        ):
            yield services.Match(
                person_id=pair.person_id_a,
                other_id=pair.person_id_b,
                probability=pair.probability,
                explanation=tuple(pair.explanation),
                model_version=pair.model_version,
            )
