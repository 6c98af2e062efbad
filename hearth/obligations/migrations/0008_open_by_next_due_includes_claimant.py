# The open work's index carries who claimed each item, so that a manager's summary of a
# team's open work by person is read from the index alone (issue 12). On SQLite, which
# has no INCLUDE, the index is the same as before.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0007_updated_at_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="obligation",
            name="obligation_open_by_next_due",
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                condition=models.Q(("status__in", ["closed", "withdrawn"]), _negated=True),
                fields=["team", "next_due_at", "incident", "id"],
                include=("route", "status", "access_ends_at", "claimed_by"),
                name="obligation_open_by_next_due",
            ),
        ),
    ]
