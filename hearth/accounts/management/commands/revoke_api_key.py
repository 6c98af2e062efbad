"""``manage.py revoke_api_key PREFIX``: stop an agency system's key working at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hearth.accounts.models import ApiKey
from hearth.accounts.services import api_key_revoke


class Command(BaseCommand):
    help = "Revoke an API key, named by its prefix (the part after 'hth_')."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        api_key = ApiKey.objects.select_related("agency").filter(prefix=options["prefix"]).first()
        if api_key is None:
            raise CommandError(f"No API key with the prefix {options['prefix']!r}")
        api_key_revoke(actor=None, api_key=api_key)
        self.stdout.write(f"Revoked {api_key.name} ({api_key.prefix}) for {api_key.agency.name}.")
