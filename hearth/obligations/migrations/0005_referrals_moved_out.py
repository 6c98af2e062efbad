# The referral routes' models leave the ledger app (issue 12).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0004_encompass_moved_out"),
        ("referrals", "0002_assessment_deadline"),
    ]

    # The ledger's Deadline no longer names a route's record (the assessment names its
    # deadline: referrals.0002 copied the links), and the referral routes' models now
    # belong to hearth.referrals with the same tables: only Django's state forgets them.
    operations = [
        migrations.RemoveField(
            model_name="deadline",
            name="assessment",
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="maracreferral",
                    name="obligation",
                ),
                migrations.RemoveField(
                    model_name="maracreferralchild",
                    name="referral",
                ),
                migrations.RemoveField(
                    model_name="maracreferralchild",
                    name="child",
                ),
                migrations.RemoveField(
                    model_name="maracreferralchild",
                    name="notification",
                ),
                migrations.DeleteModel(
                    name="ChildAssessment",
                ),
                migrations.DeleteModel(
                    name="MaracReferral",
                ),
                migrations.DeleteModel(
                    name="MaracReferralChild",
                ),
            ],
        ),
    ]
