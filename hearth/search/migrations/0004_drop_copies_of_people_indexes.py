"""Two of the search's PostgreSQL-only indexes became copies of the people app's own,
made for the person matcher (issue 16): ``search_person_born`` of ``person_dob_idx`` and
``search_person_family_given`` of ``person_family_given_idx``. Every index is written on
each insert and weighed by the planner on each query, so the copies are dropped; the
search reads the people app's (docs/search.md, "Speed")."""

from django.db import migrations

COPIES = [
    ("search_person_born", "people_person (date_of_birth)"),
    ("search_person_family_given", "people_person (family_name_key, given_names_key, id)"),
]


def drop_copies(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _target in COPIES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def make_copies(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, target in COPIES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_exact_name_indexes"),
        ("people", "0005_family_given_index_with_id"),
    ]

    operations = [migrations.RunPython(drop_copies, make_copies)]
