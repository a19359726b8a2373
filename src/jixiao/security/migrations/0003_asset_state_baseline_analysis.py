"""The baseline page's analysis summary per asset, so an unchanged page is not parsed on every patrol."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0002_tls_full_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="assetstate",
            name="baseline_analysis",
            field=models.JSONField(blank=True, default=None, null=True),
        ),
    ]
