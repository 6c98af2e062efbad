"""The table of the database cache, Hearth's default cache (``config/settings.py``).

Sign-in failures, lockouts and rate limits are counted in the cache, so it must be one
that every web worker shares (issue 11 §2): the database cache needs no other service,
and ``migrate`` makes its table here. ``createcachetable`` leaves an existing table alone,
so running it again (or pytest-django's own call) changes nothing.
"""

from django.core.management import call_command
from django.db import migrations

CACHE_TABLE = "hearth_cache"


def create_cache_table(apps, schema_editor):
    call_command(
        "createcachetable", CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0
    )


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_membership_is_manager_team_escalation_team_and_more")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
