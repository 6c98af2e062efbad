"""``manage.py train_matcher``: estimate the person matcher's model without labels on this
deployment's people (Splink on DuckDB) and save it, versioned (``hearth.matching.training``).

The model goes to ``settings.HEARTH_MATCHER_MODEL`` (default: the shipped demo model) or
``--output``. ``--synthetic N`` trains on N made-up people instead (how the demo model
was made: ``--synthetic 10000 --output hearth/matching/model_files/demo_model.json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.core.clock import now
from hearth.core.progress import ProgressBar
from hearth.matching import training
from hearth.matching.comparisons import features
from hearth.matching.model import model_path
from hearth.matching.synthetic import people as fake_people
from hearth.people.models import Person

TRAINING_STEPS = 5


def synthetic_table(count: int, seed: int) -> Any:
    rows = []
    uid = 0
    for clean, second in fake_people(count, seed=seed):
        for record in (clean, second):
            if record is None:
                continue
            uid += 1
            rows.append(
                features(
                    unique_id=uid,
                    given_names=record.given_names,
                    family_name=record.family_name,
                    other_family_names=record.other_family_names,
                    date_of_birth=record.date_of_birth,
                    sex=record.sex,
                    postcode=record.postcode,
                    address=record.address,
                    nhs_number=record.nhs_number,
                )
            )
    return training.rows_table(rows)


class Command(BaseCommand):
    help = (
        "Train the person matcher on this deployment's people without labels (Splink, "
        "DuckDB) and save the versioned model file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="", help="Where to save the model file.")
        parser.add_argument(
            "--synthetic", type=int, default=0, help="Train on this many made-up people."
        )
        parser.add_argument("--seed", type=int, default=16, help="Seed for the made-up people.")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else model_path()
        if options["synthetic"] < 0:
            raise CommandError("Give --synthetic 0 or more.")
        if options["synthetic"]:
            self.stdout.write(f"Making up {options['synthetic']:,} people…")
            table = synthetic_table(options["synthetic"], options["seed"])
        else:
            total = Person.objects.count()
            if total < 100:
                raise CommandError(
                    f"Only {total} people recorded: too few to train on. Keep the demo "
                    "model, or train on made-up people with --synthetic."
                )
            self.stdout.write(f"Reading {total:,} people…")
            reading = ProgressBar(total, self.stdout)
            table = training.people_table(Person.objects.all(), progress=reading.step)
            reading.finish()
        self.stdout.write(f"Training on {table.num_rows:,} records…")
        bar = ProgressBar(TRAINING_STEPS, self.stdout)
        model = training.train(table, today=now().date(), progress=bar.step)
        bar.finish()
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        version = model["hearth"]["version"]
        self.stdout.write(self.style.SUCCESS(f"Saved model {version} to {output}"))
