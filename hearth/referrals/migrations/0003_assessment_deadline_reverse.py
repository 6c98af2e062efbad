# With the ledger's own column gone (obligations.0005), the deadline names its assessment
# again from this side (``deadline.assessment``). No change to the database.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_assessment_deadline"),
        ("obligations", "0005_referrals_moved_out"),
    ]

    operations = [
        migrations.AlterField(
            model_name="childassessment",
            name="deadline",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="assessment",
                to="obligations.deadline",
            ),
        ),
    ]
