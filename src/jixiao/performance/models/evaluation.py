"""The year-end self-evaluation (绩效自评) of a project and its indicator lines."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.performance.choices import EvaluationStatusChoices
from jixiao.performance.models.base import user_fk
from jixiao.performance.models.projects import Indicator, Project
from jixiao.performance.querysets import EvaluationLineQuerySet, EvaluationQuerySet


class Evaluation(models.Model):
    """A project's year-end self-evaluation (绩效自评): the people's texts and, once finalised, the figures."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("项目")
    )
    conclusion = models.TextField(_("评价结论"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    improvements = models.TextField(_("改进措施"), blank=True)
    budget_explanation = models.TextField(_("预算执行偏差说明"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=EvaluationStatusChoices.choices,
        default=EvaluationStatusChoices.DRAFT,
    )
    total = models.DecimalField(_("总分"), max_digits=9, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=4, blank=True)
    scores = models.JSONField(_("定稿时的得分"), default=dict, blank=True)
    finalised_by = user_fk(_("定稿人"))
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("绩效自评")
        verbose_name_plural = _("绩效自评")

    def __str__(self) -> str:
        return f"{self.project} {_('绩效自评')}"

    @property
    def is_final(self) -> bool:
        return self.status == EvaluationStatusChoices.FINALISED


class EvaluationLine(models.Model):
    """One indicator's line of a self-evaluation: its deviation analysis and a reviewer's lowered score."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("绩效自评")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="evaluation_lines", verbose_name=_("指标")
    )
    deviation_analysis = models.TextField(_("偏差原因分析及改进措施"), blank=True)
    proposed_score = models.DecimalField(
        _("拟定得分"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("定性指标在其等级区间内的得分"),
    )
    adjusted_score = models.DecimalField(
        _("审核调整得分"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    adjustment_reason = models.TextField(_("调整原因"), blank=True)
    adjusted_by = user_fk(_("调整人"))
    adjusted_at = models.DateTimeField(_("调整时间"), null=True, blank=True)

    objects = EvaluationLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("自评指标")
        verbose_name_plural = _("自评指标")
        ordering = ("evaluation", "indicator")
        constraints = (
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="performance_evaluation_line_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.evaluation} {self.indicator.label}"
