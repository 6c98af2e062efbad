# Operation Encompass's models, moved from hearth.obligations (issue 12).

import django.db.models.deletion
import hearth.core.clock
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0003_shared_cache_table"),
        ("obligations", "0002_alter_obligation_route_encompassnotification_and_more"),
        ("people", "0002_address_history_order"),
        ("schools", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The models moved here from the ledger app with their tables (Meta.db_table keeps
    # the names): this only tells Django's state where they now live; the database is not
    # touched, so no row moves or is lost. ``obligations.0004`` removes them there.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="EncompassNotification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(default=hearth.core.clock.now, editable=False),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(default=hearth.core.clock.now, editable=False),
                        ),
                        ("template", models.CharField(max_length=10)),
                        ("content", models.JSONField(default=dict)),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        ("first_opened_at", models.DateTimeField(blank=True, null=True)),
                        ("support_outcome", models.TextField(blank=True)),
                        ("support_outcome_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "escalated_to",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.team",
                            ),
                        ),
                        (
                            "first_opened_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "obligation",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="encompass",
                                to="obligations.obligation",
                            ),
                        ),
                        (
                            "setting",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="encompass_notifications",
                                to="schools.educationsetting",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "obligations_encompassnotification",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="EncompassSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(default=hearth.core.clock.now, editable=False),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(default=hearth.core.clock.now, editable=False),
                        ),
                        (
                            "template",
                            models.CharField(
                                choices=[
                                    (
                                        "minimal",
                                        "Minimal: that an incident happened, with no details of who, where or what",
                                    ),
                                    (
                                        "full",
                                        "Full: adds the police reference, time, place and the child's own words",
                                    ),
                                ],
                                default="minimal",
                                max_length=10,
                            ),
                        ),
                        ("health_visiting_under_school_age", models.BooleanField(default=False)),
                        (
                            "area",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.area",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "obligations_encompasssettings",
                    },
                ),
                migrations.CreateModel(
                    name="EncompassChild",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "child",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="people.person",
                            ),
                        ),
                        (
                            "notification",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="children",
                                to="encompass.encompassnotification",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "obligations_encompasschild",
                        "ordering": ["id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("notification", "child"),
                                name="one_row_per_child_per_notification",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
