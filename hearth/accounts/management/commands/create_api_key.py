"""``manage.py create_api_key --agency SLUG --name NAME [--role ROLE ...] [--team SLUG]``.

Issues a key for one agency system. The key is printed once; only its hash is kept.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.accounts.selectors import agency_and_team_by_slug
from hearth.accounts.services import api_key_issue
from hearth.core.actor import Role
from hearth.core.errors import NotFound, ValidationFailed


class Command(BaseCommand):
    help = "Issue an API key for an agency's system. The key is shown once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="The agency's slug.")
        parser.add_argument("--name", required=True, help="Which system will use the key.")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            choices=Role.values,
            help="A role the system acts with (repeat for several).",
        )
        parser.add_argument("--team", help="The slug of the team whose work the system handles.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency, team = agency_and_team_by_slug(
                agency_slug=options["agency"], team_slug=options["team"]
            )
        except NotFound as error:
            raise CommandError(error.message) from error
        try:
            issued = api_key_issue(
                actor=None, agency=agency, name=options["name"], roles=options["role"], team=team
            )
        except ValidationFailed as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"API key for {options['name']} ({agency.name}), shown only once:")
        self.stdout.write(issued.raw_key)
        self.stdout.write("Send it as the header  Authorization: Bearer <key>")
