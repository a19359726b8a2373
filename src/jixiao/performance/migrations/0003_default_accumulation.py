"""Indicators stored before ``accumulation`` existed: rates, percentages, upper bounds and qualitative ones
are levels (``models.default_accumulation``)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Q

LEVEL_UNITS = ("%", "‰")


def set_levels(apps: Any, schema_editor: Any) -> None:
    Indicator = apps.get_model("performance", "Indicator")
    levels = (
        ~Q(target_kind="quantitative")
        | Q(target_unit__in=LEVEL_UNITS)
        | Q(target_unit__contains="/")
        | Q(target_operator__in=("<=", "<"))
    )
    # One UPDATE: the database does it in place, however many rows there are.
    Indicator.objects.filter(levels).update(accumulation="latest")


class Migration(migrations.Migration):
    dependencies = [("performance", "0002_results_and_spending")]

    operations = [migrations.RunPython(set_levels, migrations.RunPython.noop)]
