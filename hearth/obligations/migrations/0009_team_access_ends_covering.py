# What a team still sees is read from the index alone: it carries the route, the status
# and the id that a school's Operation Encompass inbox filters by and returns (issue 12).
# On SQLite, which has no INCLUDE, the index is the same as before.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0008_open_by_next_due_includes_claimant"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="obligation",
            name="obligation_team_access_ends",
        ),
        migrations.AddIndex(
            model_name="obligation",
            index=models.Index(
                fields=["team", "access_ends_at"],
                include=("route", "status", "id"),
                name="obligation_team_access_ends",
            ),
        ),
    ]
