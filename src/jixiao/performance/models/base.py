"""Field helpers shared by the performance models."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def user_fk(verbose_name: Any, *, null: bool = True) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL if null else models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
    )
