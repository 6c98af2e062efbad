"""The trigram indexes behind search by name (docs/search.md).

On PostgreSQL: the ``pg_trgm`` extension and a GIN trigram index on each normalised name
key of a person and of their other names, which ``search.selectors`` asks with the
``%`` operator. On any other database (SQLite) both operations do nothing: the search
scores names in Python there.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("search_person_given_trgm", "people_person", "given_names_key"),
    ("search_person_family_trgm", "people_person", "family_name_key"),
    ("search_personname_given_trgm", "people_personname", "given_names_key"),
    ("search_personname_family_trgm", "people_personname", "family_name_key"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_address_history_order")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
