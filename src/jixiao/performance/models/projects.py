"""Projects (one form of one kind and year) with their funds, fund uses, spending plan and indicators (typed
targets), and where each value came from.

Money is stored in 元 as exact decimals. Provenance: every row keeps ``source_location`` (file and place, e.g.
``seed.txt, line 52``); a project also keeps ``field_sources`` (field → location) for its header values.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.domain.targets.model import Operator, Period, TargetKind, TargetValue
from jixiao.performance.choices import (
    AccumulationChoices,
    FormKindChoices,
    HorizonChoices,
    OperatorChoices,
    TargetKindChoices,
    TargetStatusChoices,
    TaxonomyChoices,
)
from jixiao.performance.models.base import user_fk
from jixiao.performance.querysets import (
    BudgetExecutionQuerySet,
    FundUseQuerySet,
    IndicatorQuerySet,
    ProjectFundsQuerySet,
    ProjectQuerySet,
    SpendingStepQuerySet,
)


class Project(models.Model):
    """A project's performance form of one kind and year: header, goals, and (as children) money and targets.

    Identity on import: ``(code, year, kind)`` when the form has a project code, else
    ``(unit, name, year, kind)``.
    """

    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="projects", verbose_name=_("单位")
    )
    name = models.CharField(_("项目名称"), max_length=500)
    # NULL, not "", when absent: the unique constraints below hold only for projects that have a code.
    code = models.CharField(_("项目编码"), max_length=64, null=True, blank=True)  # noqa: DJ001
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    kind = models.CharField(
        _("表类型"), max_length=32, choices=FormKindChoices.choices, default=FormKindChoices.TARGET
    )
    attribute = models.CharField(_("项目属性"), max_length=100, blank=True)
    period = models.CharField(_("项目期"), max_length=100, blank=True)
    department = models.CharField(_("主管部门"), max_length=200, blank=True)
    taxonomy = models.CharField(
        _("指标体系"), max_length=16, choices=TaxonomyChoices.choices, default=TaxonomyChoices.CLASSIC
    )
    money_unit = models.CharField(
        _("原表金额单位"), max_length=8, default="元", help_text=_("原表所写单位；数据库中金额一律以元存储")
    )
    goal_medium_term = models.TextField(_("中期目标"), blank=True)
    goal_annual = models.TextField(_("年度目标"), blank=True)
    sub_goals = models.JSONField(_("分项绩效目标"), default=list, blank=True)
    measures = models.JSONField(_("工作保障措施"), default=list, blank=True)
    source_file = models.CharField(_("来源文件"), max_length=500)
    source_location = models.CharField(_("来源位置"), max_length=500, blank=True)
    field_sources = models.JSONField(_("字段来源"), default=dict, blank=True)
    warnings = models.JSONField(_("读取警告"), default=list, blank=True)
    last_import = models.ForeignKey(
        "performance.ImportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("最近改动批次"),
    )
    # The target declaration (绩效目标申报): changed only through the TARGET_WORKFLOW actions. Once submitted
    # or approved, a re-import no longer changes the project; it proposes a TargetAdjustment instead.
    target_status = models.CharField(
        _("目标状态"), max_length=16, choices=TargetStatusChoices.choices, default=TargetStatusChoices.DRAFT
    )
    target_submitted_by = user_fk(_("目标送审人"))
    target_submitted_at = models.DateTimeField(_("目标送审时间"), null=True, blank=True)
    target_reviewed_by = user_fk(_("目标审核人"))
    target_reviewed_at = models.DateTimeField(_("目标审核时间"), null=True, blank=True)
    target_return_reason = models.TextField(_("目标退回原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    # The hash of the last imported form that the stored rows are exactly (``importing.fingerprint``), emptied
    # by any change to the project or its children: a re-import of the same form then skips the comparison.
    import_fingerprint = models.CharField(
        _("最近导入表的指纹"), max_length=64, blank=True, default="", editable=False
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ("unit__path", "-year", "name")
        # Partial unique indexes: NULL year or code would otherwise never collide.
        constraints = (
            models.UniqueConstraint(
                fields=["code", "year", "kind"],
                condition=Q(code__isnull=False, year__isnull=False),
                name="performance_project_unique_code_year",
            ),
            models.UniqueConstraint(
                fields=["code", "kind"],
                condition=Q(code__isnull=False, year__isnull=True),
                name="performance_project_unique_code_no_year",
            ),
            models.UniqueConstraint(
                fields=["unit", "name", "year", "kind"],
                condition=Q(code__isnull=True, year__isnull=False),
                name="performance_project_unique_name_year",
            ),
            models.UniqueConstraint(
                fields=["unit", "name", "kind"],
                condition=Q(code__isnull=True, year__isnull=True),
                name="performance_project_unique_name_no_year",
            ),
        )
        # The project list filters by unit and by year and sorts by name (docs/benchmarks.md, "Web load test").
        indexes = (
            models.Index(fields=["unit", "name"], name="performance_project_unit_name"),
            models.Index(fields=["unit", "year"], name="performance_project_unit_year"),
            models.Index(fields=["year", "name"], name="performance_project_year_name"),
        )

    def __str__(self) -> str:
        year = f"{self.year}年 " if self.year else ""
        return f"{year}{self.name}"

    def source_of(self, field: str) -> str:
        """Where a header value was read (``seed.txt, line 7``); the form's own location when not recorded."""
        return str(self.field_sources.get(field) or self.source_location or self.source_file)


class ProjectFunds(models.Model):
    """项目资金 of one horizon: 总额, 其中财政拨款, 其他资金, in 元; empty cells stay NULL."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="funds", verbose_name=_("项目")
    )
    horizon = models.CharField(_("期间"), max_length=16, choices=HorizonChoices.choices)
    total = models.DecimalField(_("资金总额（元）"), null=True, blank=True, max_digits=18, decimal_places=2)
    fiscal = models.DecimalField(_("财政拨款（元）"), null=True, blank=True, max_digits=18, decimal_places=2)
    other = models.DecimalField(_("其他资金（元）"), null=True, blank=True, max_digits=18, decimal_places=2)

    objects = ProjectFundsQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目资金")
        verbose_name_plural = _("项目资金")
        ordering = ("project", "horizon")
        constraints = (
            models.UniqueConstraint(fields=["project", "horizon"], name="performance_funds_unique"),
        )

    def __str__(self) -> str:
        return f"{self.project} {self.get_horizon_display()}"


class BudgetExecution(models.Model):
    """The funds block of a self-evaluation: 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="budget_execution", verbose_name=_("项目")
    )
    initial_budget = models.DecimalField(
        _("年初预算数（元）"), null=True, blank=True, max_digits=18, decimal_places=2
    )
    adjusted_budget = models.DecimalField(
        _("全年预算数（元）"), null=True, blank=True, max_digits=18, decimal_places=2
    )
    executed = models.DecimalField(
        _("全年执行数（元）"), null=True, blank=True, max_digits=18, decimal_places=2
    )
    weight = models.DecimalField(_("分值"), null=True, blank=True, max_digits=9, decimal_places=4)
    rate = models.DecimalField(_("执行率"), max_digits=12, decimal_places=6, null=True, blank=True)
    recorded_score = models.DecimalField(
        _("得分（原表）"), null=True, blank=True, max_digits=9, decimal_places=4
    )
    source_location = models.CharField(_("来源位置"), max_length=500, blank=True)

    objects = BudgetExecutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("预算执行情况")
        verbose_name_plural = _("预算执行情况")

    def __str__(self) -> str:
        return f"{self.project} {_('预算执行情况')}"


class FundUse(models.Model):
    """One line of 资金用途: what the money is for, and how much, as written and as read."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="fund_uses", verbose_name=_("项目")
    )
    order = models.PositiveIntegerField(_("序号"))
    item = models.CharField(_("用途"), max_length=500)
    amount = models.DecimalField(_("金额（元）"), max_digits=18, decimal_places=2)
    raw = models.CharField(_("原文"), max_length=500, blank=True)
    source_location = models.CharField(_("来源位置"), max_length=500, blank=True)

    objects = FundUseQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金用途")
        verbose_name_plural = _("资金用途")
        ordering = ("project", "order")

    def __str__(self) -> str:
        return f"{self.item} {self.amount}元"


class SpendingStep(models.Model):
    """One point of 资金支出计划: cumulative percent spent by a date label such as 6月底."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="spending_plan", verbose_name=_("项目")
    )
    order = models.PositiveIntegerField(_("序号"))
    label = models.CharField(_("时点"), max_length=100)
    cumulative_percent = models.DecimalField(_("累计支出（%）"), max_digits=9, decimal_places=4)
    source_location = models.CharField(_("来源位置"), max_length=500, blank=True)

    objects = SpendingStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金支出计划")
        verbose_name_plural = _("资金支出计划")
        ordering = ("project", "order")

    def __str__(self) -> str:
        return f"{self.label} {self.cumulative_percent}%"


class Indicator(models.Model):
    """One indicator row of one horizon, with its typed target (operator, exact value, unit) and raw text."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("项目")
    )
    horizon = models.CharField(_("期间"), max_length=16, choices=HorizonChoices.choices)
    order = models.PositiveIntegerField(_("序号"))
    level1 = models.CharField(_("一级指标"), max_length=100, blank=True)
    level2 = models.CharField(_("二级指标"), max_length=100, blank=True)
    name = models.CharField(_("三级指标"), max_length=500, blank=True)
    raw_level1 = models.CharField(_("一级指标（原文）"), max_length=100, blank=True)
    raw_level2 = models.CharField(_("二级指标（原文）"), max_length=100, blank=True)
    target_raw = models.TextField(_("指标值（原文）"), blank=True)
    target_kind = models.CharField(_("指标性质"), max_length=16, choices=TargetKindChoices.choices)
    # NULL is "no comparison" (a qualitative target), which the domain model says with None too.
    target_operator = models.CharField(  # noqa: DJ001
        _("比较符"), max_length=2, choices=OperatorChoices.choices, null=True, blank=True
    )
    target_value = models.DecimalField(_("目标值"), max_digits=24, decimal_places=6, null=True, blank=True)
    target_unit = models.CharField(_("度量单位"), max_length=32, blank=True)
    target_raw_unit = models.CharField(_("度量单位（原文）"), max_length=32, blank=True)
    target_period_start = models.DateField(_("期间起"), null=True, blank=True)
    target_period_end = models.DateField(_("期间止"), null=True, blank=True)
    target_date = models.DateField(_("日期"), null=True, blank=True)
    target_warnings = models.JSONField(_("指标值读取警告"), default=list, blank=True)
    description = models.TextField(_("指标解释"), blank=True)
    basis = models.TextField(_("指标值确定依据"), blank=True)
    weight = models.DecimalField(_("分值"), null=True, blank=True, max_digits=9, decimal_places=4)
    recorded_score = models.DecimalField(
        _("得分（原表）"), null=True, blank=True, max_digits=9, decimal_places=4
    )
    actual = models.TextField(_("实际完成值"), blank=True)
    deviation_reason = models.TextField(_("偏差原因"), blank=True)
    source_location = models.CharField(_("来源位置"), max_length=500, blank=True)
    # Set by people, never by an import: a re-import leaves these as they are.
    accumulation = models.CharField(
        _("累计方式"),
        max_length=16,
        choices=AccumulationChoices.choices,
        default=AccumulationChoices.CUMULATIVE,
        help_text=_("各期完成值如何得出截至当期数和全年数"),
    )
    assigned_weight = models.DecimalField(
        _("设定分值"),
        null=True,
        blank=True,
        max_digits=9,
        decimal_places=4,
        help_text=_("自评时使用；为空时用表中分值，表中也没有时由评分引擎在一级指标内平均分配"),
    )
    withdrawn = models.BooleanField(
        _("已撤销"), default=False, help_text=_("重新导入的表中已没有该指标，但它已有完成情况记录，故保留")
    )
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")
        ordering = ("project", "horizon", "order")
        indexes = (models.Index(fields=["project", "horizon", "order"], name="performance_indicator_order"),)

    def __str__(self) -> str:
        return f"{self.name} {self.target_raw}"

    @property
    def label(self) -> str:
        return self.name or self.level2 or self.target_raw

    @property
    def effective_weight(self) -> Decimal | None:
        """The weight people set, else the form's; ``None`` lets the engine spread its 一级's weight."""
        return self.assigned_weight if self.assigned_weight is not None else self.weight

    @property
    def is_qualitative(self) -> bool:
        return self.target_kind == TargetKindChoices.QUALITATIVE

    def target(self) -> TargetValue:
        """The stored target as the domain's typed value (what the scoring engine and the lights take)."""
        period = (
            Period(self.target_period_start, self.target_period_end)
            if self.target_period_start is not None and self.target_period_end is not None
            else None
        )
        return TargetValue(
            raw=self.target_raw,
            kind=TargetKind(self.target_kind),
            operator=Operator(self.target_operator) if self.target_operator else None,
            value=self.target_value,
            unit=self.target_unit or None,
            raw_unit=self.target_raw_unit or None,
            period=period,
            date=self.target_date,
            warnings=tuple(self.target_warnings or ()),
        )


def default_accumulation(target_kind: str, unit: str | None, operator: str | None = None) -> str:
    """Counts add up over the year (cumulative); rates, percentages, upper bounds (≤6小时) and grades are
    levels (latest)."""
    if target_kind != TargetKindChoices.QUANTITATIVE:
        return AccumulationChoices.LATEST
    if unit and (unit in ("%", "‰") or "/" in unit):
        return AccumulationChoices.LATEST
    if operator in (OperatorChoices.LE, OperatorChoices.LT):
        return AccumulationChoices.LATEST
    return AccumulationChoices.CUMULATIVE
