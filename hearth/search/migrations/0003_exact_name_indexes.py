"""Indexes that answer a search for one word that is exactly a name from the index
alone (docs/search.md): a person's family name with their given names and id, and the
other way round, so the thousands who share a family name are found without reading
their rows. On PostgreSQL only; elsewhere nothing.
"""

from django.db import migrations

INDEXES = [
    ("search_person_family_given", "people_person (family_name_key, given_names_key, id)"),
    ("search_person_given_family", "people_person (given_names_key, family_name_key, id)"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _target in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
