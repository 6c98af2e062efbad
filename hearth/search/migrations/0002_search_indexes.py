"""The indexes behind the rest of the search (docs/search.md, "Speed").

On PostgreSQL: a GIN trigram index on the upper-cased force reference, which answers
Django's ``icontains`` and ``iexact`` (``UPPER(police_reference::text) LIKE UPPER(...)``)
without reading every incident; a B-tree on a person's date of birth (a search by date
of birth alone); and one on a child's school (a search by a school's name). Elsewhere
(SQLite) nothing: the same queries read the tables there.
"""

from django.db import migrations

INDEXES = [
    (
        "search_incident_reference_trgm",
        "incidents_incident USING gin ((UPPER(police_reference::text)) gin_trgm_ops)",
    ),
    ("search_person_born", "people_person (date_of_birth)"),
    ("search_child_school", "incidents_childinvolvement (education_setting_urn)"),
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
    dependencies = [
        ("search", "0001_trigram_indexes"),
        ("incidents", "0003_child_education_setting_urn"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
