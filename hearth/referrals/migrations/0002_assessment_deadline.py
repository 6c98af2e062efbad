# A front door's assessment names its deadline on the ledger (the ledger's Deadline no
# longer names a route's record): the link is copied across, then the ledger's column goes
# (obligations.0005). Auditlog's history of assessments follows the model to this app.

import django.db.models.deletion
from django.db import migrations, models


def link_deadlines(apps, schema_editor):
    Deadline = apps.get_model("obligations", "Deadline")
    ChildAssessment = apps.get_model("referrals", "ChildAssessment")
    for deadline_id, assessment_id in Deadline.objects.filter(
        assessment__isnull=False
    ).values_list("id", "assessment_id"):
        ChildAssessment.objects.filter(pk=assessment_id).update(deadline_id=deadline_id)


def unlink_deadlines(apps, schema_editor):
    Deadline = apps.get_model("obligations", "Deadline")
    ChildAssessment = apps.get_model("referrals", "ChildAssessment")
    for assessment_id, deadline_id in ChildAssessment.objects.filter(
        deadline__isnull=False
    ).values_list("id", "deadline_id"):
        Deadline.objects.filter(pk=deadline_id).update(assessment_id=assessment_id)


def history_follows(apps, schema_editor, old="obligations", new="referrals"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    for model in ("childassessment", "maracreferral", "maracreferralchild"):
        before = ContentType.objects.filter(app_label=old, model=model).first()
        if before is None:
            continue
        after, _ = ContentType.objects.get_or_create(app_label=new, model=model)
        LogEntry.objects.filter(content_type=before).update(content_type=after)


def history_returns(apps, schema_editor):
    history_follows(apps, schema_editor, old="referrals", new="obligations")


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("obligations", "0004_encompass_moved_out"),
        ("auditlog", "__latest__"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="childassessment",
            name="deadline",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="obligations.deadline",
            ),
        ),
        migrations.RunPython(link_deadlines, unlink_deadlines),
        migrations.RunPython(history_follows, history_returns),
    ]
