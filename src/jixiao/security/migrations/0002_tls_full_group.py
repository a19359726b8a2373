"""The weekly ``tls_full`` check group: its choice, and a schedule row (due now) for every existing asset."""

from typing import Any

from django.db import migrations, models
from django.utils import timezone


def add_tls_full_schedules(apps: Any, schema_editor: Any) -> None:
    # New assets get the row from ``scheduling.create_schedules``; assets registered before need one here.
    asset_model = apps.get_model("security", "Asset")
    schedule_model = apps.get_model("security", "AssetSchedule")
    now = timezone.now()
    have = set(schedule_model.objects.filter(group="tls_full").values_list("asset_id", flat=True))
    schedule_model.objects.bulk_create(
        [
            schedule_model(asset_id=pk, group="tls_full", next_due=now, claim_token="")
            for pk in asset_model.objects.values_list("pk", flat=True)
            if pk not in have
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0001_assets_checks_findings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assetschedule",
            name="group",
            field=models.CharField(
                choices=[
                    ("availability", "可用性"),
                    ("content", "内容与暗链"),
                    ("tls", "证书与安全头"),
                    ("full", "全面检查（含敏感文件暴露）"),
                    ("tls_full", "TLS协议与密码套件枚举"),
                ],
                max_length=16,
                verbose_name="检查组",
            ),
        ),
        migrations.AlterField(
            model_name="checkrun",
            name="group",
            field=models.CharField(
                blank=True,
                choices=[
                    ("availability", "可用性"),
                    ("content", "内容与暗链"),
                    ("tls", "证书与安全头"),
                    ("full", "全面检查（含敏感文件暴露）"),
                    ("tls_full", "TLS协议与密码套件枚举"),
                ],
                max_length=16,
                verbose_name="检查组",
            ),
        ),
        migrations.RunPython(add_tls_full_schedules, migrations.RunPython.noop),
    ]
