"""The State Council's schedules of 2023–2026 (jixiao.workdays.schedules)."""

from django.db import migrations


def load(apps, schema_editor):
    from jixiao.workdays.schedules import SCHEDULES, days_of

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    for year in SCHEDULES:
        for day, is_workday, name in days_of(year):
            CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": is_workday, "name": name})


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_calendar_days")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
