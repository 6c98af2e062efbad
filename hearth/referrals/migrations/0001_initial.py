# The referral routes' models, moved from hearth.obligations (issue 12).

import django.db.models.deletion
import hearth.core.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('obligations', '0004_encompass_moved_out'),
        ('people', '0002_address_history_order'),
    ]

    # The models moved here from the ledger app with their tables (Meta.db_table keeps
    # the names): only Django's state learns where they now live; the database is not
    # touched. ``obligations.0005`` forgets them there.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ChildAssessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=hearth.core.clock.now, editable=False)),
                        ('updated_at', models.DateTimeField(default=hearth.core.clock.now, editable=False)),
                        ('kind', models.CharField(max_length=40)),
                        ('started_on', models.DateField()),
                        ('authorised_on', models.DateField(blank=True, null=True)),
                        ('factors', models.JSONField(blank=True, default=list)),
                        ('obligation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessments', to='obligations.obligation')),
                    ],
                    options={
                        'db_table': 'obligations_childassessment',
                        'ordering': ['started_on', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='MaracReferral',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=hearth.core.clock.now, editable=False)),
                        ('updated_at', models.DateTimeField(default=hearth.core.clock.now, editable=False)),
                        ('criteria', models.JSONField(default=list)),
                        ('criteria_basis', models.JSONField(default=list)),
                        ('safe_contact_number', models.CharField(blank=True, max_length=40)),
                        ('number_safe_to_call', models.BooleanField(blank=True, null=True)),
                        ('safe_times', models.CharField(blank=True, max_length=200)),
                        ('afraid_of', models.CharField(blank=True, max_length=300)),
                        ('victim_aware', models.BooleanField(blank=True, null=True)),
                        ('not_aware_reason', models.TextField(blank=True)),
                        ('consent_given', models.BooleanField(blank=True, null=True)),
                        ('obligation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='marac_referral', to='obligations.obligation')),
                    ],
                    options={
                        'db_table': 'obligations_maracreferral',
                    },
                ),
                migrations.CreateModel(
                    name='MaracReferralChild',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person')),
                        ('notification', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='obligations.obligation')),
                        ('referral', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='children', to='referrals.maracreferral')),
                    ],
                    options={
                        'db_table': 'obligations_maracreferralchild',
                        'ordering': ['id'],
                        'constraints': [models.UniqueConstraint(fields=('referral', 'child'), name='one_link_per_child')],
                    },
                ),
            ]
        ),
    ]
