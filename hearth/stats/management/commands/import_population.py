"""``manage.py import_population PATH``: import ONS's mid-year estimates of children aged
0 to 17 in the CSV DfE publishes (``ons_mid-year_population_estimates_2012_to_2024.csv``:
England, regions and local authorities, GSS codes in ``new_la_code``), through
``hearth.stats.imports.population_import``.

Bad rows are skipped and listed with their lines and reasons; the rest is imported in one
transaction. Running it again with the same file changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hearth.stats.imports import POPULATION_COLUMNS, population_import
from hearth.stats.management.commands.import_dfe_referrals import run_import


class Command(BaseCommand):
    help = "Import ONS mid-year estimates of children aged 0 to 17 (DfE's CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The ONS mid-year population estimates CSV.")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(self, options["path"], POPULATION_COLUMNS, population_import)
