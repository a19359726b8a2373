"""Projects with their funds, fund uses, spending plan and indicators (typed targets), and where each came
from; then what happens during the year: results per period, spending, monitoring rounds and the
self-evaluation.

Money is stored in 元 as exact decimals. Provenance: every row keeps ``source_location`` (file and place, e.g.
``seed.txt, line 52``); a project also keeps ``field_sources`` (field → location) for its header values.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.domain.targets.model import Operator, Period, TargetKind, TargetValue
from jixiao.performance.choices import (
    AccumulationChoices,
    DeviationCategoryChoices,
    EvaluationStatusChoices,
    ExpenditureKindChoices,
    FormKindChoices,
    FundSourceChoices,
    GradeChoices,
    HorizonChoices,
    ImportStatusChoices,
    LikelihoodChoices,
    OperatorChoices,
    PeriodKindChoices,
    ResultStatusChoices,
    TargetKindChoices,
    TaxonomyChoices,
)
from jixiao.performance.periods import Period as ReportingPeriod
from jixiao.performance.querysets import (
    BudgetAdjustmentQuerySet,
    BudgetExecutionQuerySet,
    EvaluationLineQuerySet,
    EvaluationQuerySet,
    EvidenceQuerySet,
    ExpenditureQuerySet,
    FundUseQuerySet,
    ImportBatchQuerySet,
    IndicatorQuerySet,
    MonitoringEntryQuerySet,
    MonitoringRoundQuerySet,
    PeriodLockQuerySet,
    PeriodResultQuerySet,
    ProjectFundsQuerySet,
    ProjectQuerySet,
    SpendingStepQuerySet,
)


class ImportBatch(models.Model):
    """One run of ``do_import_forms``: who, when, which files, and what it did."""

    label = models.CharField(_("批次名称"), max_length=200, blank=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    actor_label = models.CharField(_("导入人名称"), max_length=150)
    reason = models.TextField(_("原因"), blank=True)
    unit = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
        help_text=_("本批次所有项目共同所属的最低一级单位"),
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ImportStatusChoices.choices, default=ImportStatusChoices.RUNNING
    )
    files = models.JSONField(_("文件"), default=list, blank=True)
    forms_count = models.PositiveIntegerField(_("表数"), default=0)
    created_count = models.PositiveIntegerField(_("新建项目数"), default=0)
    updated_count = models.PositiveIntegerField(_("更新项目数"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变项目数"), default=0)
    indicators_count = models.PositiveIntegerField(_("写入指标数"), default=0)
    warnings_count = models.PositiveIntegerField(_("警告数"), default=0)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ("-started_at", "-id")

    def __str__(self) -> str:
        return self.label or f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"


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
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("最近改动批次"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

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
        indexes = (models.Index(fields=["unit", "name"], name="performance_project_unit_name"),)

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


def _user_fk(verbose_name: Any, *, null: bool = True) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL if null else models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
    )


class PeriodFields(models.Model):
    """A period of the project's year (``periods.Period``): kind and number."""

    period_kind = models.CharField(_("期间类型"), max_length=8, choices=PeriodKindChoices.choices)
    period_index = models.PositiveSmallIntegerField(_("期间序号"))

    class Meta:
        abstract = True

    @property
    def period(self) -> ReportingPeriod:
        return ReportingPeriod(self.period_kind, self.period_index)


class PeriodResult(PeriodFields):
    """An indicator's actual value (or grade) for one period, with evidence and a review workflow.

    draft → submitted → approved, or submitted → returned (with a reason) → draft again. Changes go through
    ``performance.results``; an approved result, or one in a locked period, is not changed.
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="results", verbose_name=_("指标")
    )
    value = models.DecimalField(_("完成值"), max_digits=24, decimal_places=6, null=True, blank=True)
    grade = models.CharField(_("完成等级"), max_length=16, choices=GradeChoices.choices, blank=True)
    narrative = models.TextField(_("完成情况说明"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    links = models.JSONField(_("佐证链接"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ResultStatusChoices.choices, default=ResultStatusChoices.DRAFT
    )
    entered_by = _user_fk(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)
    submitted_by = _user_fk(_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = _user_fk(_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    objects = PeriodResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标完成情况")
        verbose_name_plural = _("指标完成情况")
        ordering = ("indicator", "period_kind", "period_index")
        constraints = (
            models.UniqueConstraint(
                fields=["indicator", "period_kind", "period_index"], name="performance_result_unique_period"
            ),
        )

    def __str__(self) -> str:
        shown = self.grade or (f"{self.value.normalize():f}" if self.value is not None else "—")
        return f"{self.indicator.label} {self.period.label} {shown}"


class Evidence(models.Model):
    """A file attached to a result as evidence (佐证材料), stored under MEDIA_ROOT after its checks."""

    result = models.ForeignKey(
        PeriodResult, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("完成情况")
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_by = _user_fk(_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ("result", "uploaded_at", "id")

    def __str__(self) -> str:
        return self.original_name


class PeriodLock(PeriodFields):
    """A period closed for changes after approval: who, when and why (shown when a change is refused)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="period_locks", verbose_name=_("项目")
    )
    reason = models.TextField(_("锁定原因"))
    locked_by = _user_fk(_("锁定人"))
    locked_by_label = models.CharField(_("锁定人名称"), max_length=150)
    locked_at = models.DateTimeField(_("锁定时间"), default=timezone.now)

    objects = PeriodLockQuerySet.as_manager()

    class Meta:
        verbose_name = _("期间锁定")
        verbose_name_plural = _("期间锁定")
        ordering = ("project", "period_kind", "period_index")
        constraints = (
            models.UniqueConstraint(
                fields=["project", "period_kind", "period_index"], name="performance_lock_unique_period"
            ),
        )

    def __str__(self) -> str:
        return f"{self.project} {self.period.label} {_('已锁定')}"

    def describe(self) -> str:
        when = timezone.localtime(self.locked_at).strftime("%Y-%m-%d %H:%M")
        return (
            f"{self.period.label}已锁定（锁定人：{self.locked_by_label}，时间：{when}，原因：{self.reason}）"
        )


class Expenditure(models.Model):
    """Money spent on a project in a month, by fund source: one payment, or the month's execution figure."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="expenditures", verbose_name=_("项目")
    )
    month = models.PositiveSmallIntegerField(_("月份"))
    fund_source = models.CharField(
        _("资金来源"), max_length=8, choices=FundSourceChoices.choices, default=FundSourceChoices.FISCAL
    )
    kind = models.CharField(
        _("类型"),
        max_length=8,
        choices=ExpenditureKindChoices.choices,
        default=ExpenditureKindChoices.PAYMENT,
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=18, decimal_places=2)
    description = models.CharField(_("摘要"), max_length=500, blank=True)
    entered_by = _user_fk(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = ExpenditureQuerySet.as_manager()

    class Meta:
        verbose_name = _("支出")
        verbose_name_plural = _("支出")
        ordering = ("project", "month", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="performance_expenditure_month_range"
            ),
        )

    def __str__(self) -> str:
        return f"{self.project} {self.month}月 {self.amount}元"


class BudgetAdjustment(models.Model):
    """A change of the year's budget (调整预算) with its reason: adjusted budget = annual total + adjustments."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_adjustments", verbose_name=_("项目")
    )
    fund_source = models.CharField(
        _("资金来源"), max_length=8, choices=FundSourceChoices.choices, default=FundSourceChoices.FISCAL
    )
    amount = models.DecimalField(
        _("调整金额（元）"), help_text=_("调减为负数"), max_digits=18, decimal_places=2
    )
    reason = models.TextField(_("调整原因"))
    entered_by = _user_fk(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = BudgetAdjustmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("预算调整")
        verbose_name_plural = _("预算调整")
        ordering = ("project", "entered_at", "id")

    def __str__(self) -> str:
        return f"{self.project} {self.amount}元"


class MonitoringRound(models.Model):
    """One monitoring round (运行监控) of a project at a cut-off month, with the people's budget forecast."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="monitoring_rounds", verbose_name=_("项目")
    )
    cutoff_month = models.PositiveSmallIntegerField(_("截至月份"))
    budget_forecast = models.DecimalField(
        _("全年预计执行数（元）"), null=True, blank=True, max_digits=18, decimal_places=2
    )
    budget_note = models.TextField(_("预算执行说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = MonitoringRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("监控轮次")
        verbose_name_plural = _("监控轮次")
        ordering = ("project", "cutoff_month")
        constraints = (
            models.UniqueConstraint(fields=["project", "cutoff_month"], name="performance_round_unique"),
            models.CheckConstraint(
                condition=Q(cutoff_month__gte=1, cutoff_month__lte=12), name="performance_round_month_range"
            ),
        )

    def __str__(self) -> str:
        return f"{self.project} 1–{self.cutoff_month}月"


class MonitoringEntry(models.Model):
    """What people say about one indicator in a monitoring round; the figures are computed at read time."""

    round = models.ForeignKey(
        MonitoringRound, on_delete=models.CASCADE, related_name="entries", verbose_name=_("监控轮次")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="monitoring_entries", verbose_name=_("指标")
    )
    forecast_value = models.DecimalField(
        _("全年预计完成值"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    forecast_grade = models.CharField(
        _("全年预计完成等级"), max_length=16, choices=GradeChoices.choices, blank=True
    )
    deviation_category = models.CharField(
        _("偏差原因类别"), max_length=16, choices=DeviationCategoryChoices.choices, blank=True
    )
    deviation_reason = models.TextField(_("偏差原因"), blank=True)
    likelihood = models.CharField(
        _("完成目标可能性"), max_length=16, choices=LikelihoodChoices.choices, blank=True
    )
    corrective_measures = models.TextField(_("纠偏措施"), blank=True)
    entered_by = _user_fk(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    objects = MonitoringEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("监控填报")
        verbose_name_plural = _("监控填报")
        ordering = ("round", "indicator")
        constraints = (
            models.UniqueConstraint(
                fields=["round", "indicator"], name="performance_monitoring_entry_unique"
            ),
            # 完全不可能 without 纠偏措施 is refused by the database too, not only by the action.
            models.CheckConstraint(
                condition=~Q(likelihood=LikelihoodChoices.IMPOSSIBLE) | ~Q(corrective_measures=""),
                name="performance_impossible_needs_measures",
            ),
        )

    def __str__(self) -> str:
        return f"{self.round} {self.indicator.label}"


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
    finalised_by = _user_fk(_("定稿人"))
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
    adjusted_by = _user_fk(_("调整人"))
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
