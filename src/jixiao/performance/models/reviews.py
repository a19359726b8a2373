"""The review of a project's target declaration (绩效目标审核): the outcome (approved or returned), the
reviewer's comment, and a grade 优/良/中/差 with a comment for each criterion (完整性, 相关性, 适当性, 可行性).

Written only by ``performance.actions.targets.do_review_targets``, in the same transaction as the workflow step.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.orgs.querysets import UnitScopedQuerySet
from jixiao.performance.models.base import user_fk


class ReviewOutcomeChoices(models.TextChoices):
    APPROVED = "approved", _("审核通过")
    RETURNED = "returned", _("退回")


class ReviewCriterionChoices(models.TextChoices):
    """The four criteria of 绩效目标审核 (财预〔2015〕88号)."""

    COMPLETENESS = "completeness", _("完整性")
    RELEVANCE = "relevance", _("相关性")
    APPROPRIATENESS = "appropriateness", _("适当性")
    FEASIBILITY = "feasibility", _("可行性")


class ReviewGradeChoices(models.TextChoices):
    EXCELLENT = "excellent", _("优")
    GOOD = "good", _("良")
    FAIR = "fair", _("中")
    POOR = "poor", _("差")


class TargetReviewQuerySet(UnitScopedQuerySet["TargetReview"]):
    unit_lookup = "project__unit"


class TargetReviewLineQuerySet(UnitScopedQuerySet["TargetReviewLine"]):
    unit_lookup = "review__project__unit"


class TargetReview(models.Model):
    """One review of a project's submitted targets: who, when, approved or returned, and why."""

    project = models.ForeignKey(
        "performance.Project", on_delete=models.CASCADE, related_name="target_reviews", verbose_name=_("项目")
    )
    outcome = models.CharField(_("审核结果"), max_length=16, choices=ReviewOutcomeChoices.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    reviewer = user_fk(_("审核人"))
    reviewer_label = models.CharField(_("审核人名称"), max_length=150)
    reviewed_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    objects = TargetReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("绩效目标审核")
        verbose_name_plural = _("绩效目标审核")
        ordering = ("-reviewed_at", "-id")

    def __str__(self) -> str:
        return f"{self.project} {self.get_outcome_display()}"


class TargetReviewLine(models.Model):
    """The grade of one criterion in a target review, with the reviewer's comment on it."""

    review = models.ForeignKey(
        TargetReview, on_delete=models.CASCADE, related_name="lines", verbose_name=_("绩效目标审核")
    )
    criterion = models.CharField(_("审核要点"), max_length=24, choices=ReviewCriterionChoices.choices)
    grade = models.CharField(_("等级"), max_length=16, choices=ReviewGradeChoices.choices)
    comment = models.TextField(_("意见"), blank=True)

    objects = TargetReviewLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("绩效目标审核要点")
        verbose_name_plural = _("绩效目标审核要点")
        ordering = ("review", "id")
        constraints = (
            models.UniqueConstraint(fields=["review", "criterion"], name="performance_review_line_unique"),
        )

    def __str__(self) -> str:
        return f"{self.get_criterion_display()} {self.get_grade_display()}"
