"""``manage.py add_person --email E --first-name F --last-name L --agency SLUG --role ROLE
[--team SLUG]``: give someone a role in an agency, making their account if needed.

A new account has no password. The person sets one with "Forgotten your password?" on
the sign-in page (the link goes to their work email), then sets up their authenticator
app at first sign-in. Running it again for the same person and role changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.accounts import services
from hearth.accounts.models import User
from hearth.accounts.selectors import agency_and_team_by_slug
from hearth.core.actor import Role
from hearth.core.errors import NotFound, ValidationFailed


class Command(BaseCommand):
    help = "Give a person a role in an agency, creating their account if needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--agency", required=True, help="The agency's slug.")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--team", help="The slug of the team they work in.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency, team = agency_and_team_by_slug(
                agency_slug=options["agency"], team_slug=options["team"]
            )
        except NotFound as error:
            raise CommandError(error.message) from error
        is_new = not User.objects.filter(email__iexact=options["email"]).exists()
        if is_new and not (options["first_name"] and options["last_name"]):
            raise CommandError("Give --first-name and --last-name for a new account")
        try:
            user = services.user_ensure(
                actor=None,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
            services.membership_add(
                actor=None, user=user, agency=agency, team=team, role=options["role"]
            )
        except ValidationFailed as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"{user.email} is a {Role(options['role']).label.lower()} at {agency.name}."
        )
        if is_new:
            self.stdout.write(
                "Their account has no password yet: ask them to choose 'Forgotten your "
                "password?' on the sign-in page, then set up their authenticator app."
            )
