# The force's sent list reads its newest page from an index (issue 12).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_shared_cache_table'),
        ('encompass', '0001_initial'),
        ('obligations', '0005_referrals_moved_out'),
        ('schools', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='encompassnotification',
            index=models.Index(fields=['created_at', 'id'], name='encompass_newest'),
        ),
    ]
