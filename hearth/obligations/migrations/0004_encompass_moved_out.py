# Operation Encompass's models leave the ledger app (issue 12).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0003_list_indexes"),
        ("encompass", "0001_initial"),
    ]

    # Operation Encompass's models now belong to hearth.encompass, with the same tables
    # (its 0001): only Django's state forgets them here; the database is not touched.
    # The route column has no fixed choices: routes are registered (registry.py).
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="encompassnotification",
                    name="escalated_to",
                ),
                migrations.RemoveField(
                    model_name="encompassnotification",
                    name="first_opened_by",
                ),
                migrations.RemoveField(
                    model_name="encompassnotification",
                    name="obligation",
                ),
                migrations.RemoveField(
                    model_name="encompassnotification",
                    name="setting",
                ),
                migrations.RemoveField(
                    model_name="encompasssettings",
                    name="area",
                ),
                migrations.DeleteModel(
                    name="EncompassChild",
                ),
                migrations.DeleteModel(
                    name="EncompassNotification",
                ),
                migrations.DeleteModel(
                    name="EncompassSettings",
                ),
            ],
        ),
        migrations.AlterField(
            model_name="obligation",
            name="route",
            field=models.CharField(max_length=40),
        ),
    ]
