"""An object's history from the audit log, as people read it: who, when, what (before → after), why.

The log stores field names and stored values (``funds.annual.total``, ``approved``); here they become the
models' Chinese field names and choice labels. Anything without a Chinese name reads as a generic word, never
as an English code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jixiao.audit.models import AuditEvent
from jixiao.orgs.actors import SYSTEM_LABEL
from jixiao.performance import models as perf
from jixiao.performance.choices import HorizonChoices

SYSTEM = SYSTEM_LABEL

ACTIONS: dict[str, Promise] = {
    "project.created": _("导入创建项目"),
    "project.updated": _("重新导入更新项目"),
    "project.unchanged": _("重新导入（无变化）"),
    "import.completed": _("完成导入"),
    "reminders.sent": _("发送待办提醒"),
    "result.created": _("填报完成情况"),
    "result.updated": _("修改完成情况"),
    "result.draft": _("退回草稿"),
    "result.reopened": _("修改被退回的完成情况"),
    "project.adjusted": _("调整绩效目标"),
    "targets.submitted": _("绩效目标送审"),
    "targets.approved": _("绩效目标审核通过"),
    "targets.returned": _("退回绩效目标"),
    "targets.graded": _("绩效目标审核评级"),
    "target_adjustment.proposed": _("提出目标调整"),
    "target_adjustment.approved": _("批准目标调整"),
    "target_adjustment.rejected": _("驳回目标调整"),
    "target_adjustment.superseded": _("目标调整被替代"),
    "result.submitted": _("提交完成情况"),
    "result.approved": _("审核通过完成情况"),
    "result.returned": _("退回完成情况"),
    "evidence.attached": _("上传佐证材料"),
    "period.locked": _("锁定期间"),
    "period.unlocked": _("解除期间锁定"),
    "indicator.accumulation_set": _("设置累计方式"),
    "indicator.weight_set": _("设置指标分值"),
    "expenditure.recorded": _("登记支出"),
    "budget.adjusted": _("调整预算"),
    "monitoring.entry_recorded": _("填报运行监控"),
    "monitoring.budget_forecast_recorded": _("填报全年预计执行数"),
    "evaluation.updated": _("修改绩效自评"),
    "evaluation.line_recorded": _("填写自评偏差分析"),
    "evaluation.score_adjusted": _("审核调整得分"),
    "evaluation.finalised": _("绩效自评定稿"),
    "unit.created": _("创建单位"),
    "unit.updated": _("修改单位"),
    "unit.moved": _("调整上级单位"),
    "membership.granted": _("授予角色"),
    "membership.revoked": _("撤销角色"),
}
_COLLECTIONS: dict[str, Promise] = {
    "funds": _("项目资金"),
    "indicators": _("绩效指标"),
    "fund_uses": _("资金用途"),
    "spending_plan": _("资金支出计划"),
    "budget_execution": _("预算执行情况"),
}
_MODELS: tuple[type[models.Model], ...] = (
    perf.Project,
    perf.ProjectFunds,
    perf.BudgetExecution,
    perf.FundUse,
    perf.SpendingStep,
    perf.Indicator,
    perf.PeriodResult,
    perf.PeriodLock,
    perf.Expenditure,
    perf.BudgetAdjustment,
    perf.MonitoringRound,
    perf.MonitoringEntry,
    perf.Evaluation,
    perf.EvaluationLine,
    perf.TargetAdjustment,
)
_TOKEN = re.compile(r"([A-Za-z_]+)(?:\[([^\]]*)\])?")


def _fields() -> dict[str, models.Field[Any, Any]]:
    found: dict[str, models.Field[Any, Any]] = {}
    for model in _MODELS:
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.name not in found:
                found[field.name] = field
    return found


_FIELDS = _fields()
_WORDS: dict[str, str] = {
    **{h.value: str(h.label) for h in HorizonChoices},
    **{k: str(v) for k, v in _COLLECTIONS.items()},
}


def field_label(key: str, model: type[models.Model] | None = None) -> str:
    """``funds.annual.total`` → ``项目资金·年度·资金总额（元）``; ``indicators[满意度].target_raw`` → ``绩效指标「满意度」·指标值（原文）``."""
    parts = []
    for piece in key.split("."):
        match = _TOKEN.fullmatch(piece)
        if match is None:
            parts.append(piece if not piece.isascii() else str(_("字段")))
            continue
        name, label = match.groups()
        field = _field(name, model) if len(parts) == 0 else _FIELDS.get(name)
        word = _WORDS.get(name) or (str(field.verbose_name) if field is not None else str(_("其他字段")))
        parts.append(f"{word}「{label}」" if label else word)
    return "·".join(parts)


def _all_choices() -> dict[str, str]:
    """Every stored choice value of the performance models → its label (for a value whose field is unknown)."""
    labels: dict[str, str] = {}
    for model in _MODELS:
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.choices:
                for stored, label in field.flatchoices:
                    labels.setdefault(str(stored), str(label))
    return labels


_ANY_CHOICE = _all_choices()
_CODE = re.compile(r"[a-z][a-z_]*")


def _field(name: str, model: type[models.Model] | None) -> models.Field[Any, Any] | None:
    """The field of the event's own model first (``status`` is a result's, or an evaluation's), else any."""
    if model is not None:
        try:
            found = model._meta.get_field(name)
        except Exception:
            found = None
        if isinstance(found, models.Field):
            return found
    return _FIELDS.get(name)


def _choice_label(key: str, value: Any, model: type[models.Model] | None = None) -> str | None:
    if not isinstance(value, str):
        return None
    field = _field(key.rsplit(".", 1)[-1], model)
    if field is not None and field.choices:
        label = next((str(label) for stored, label in field.flatchoices if stored == value), None)
        if label is not None:
            return label
    # A stored code the field does not explain (or no field known): the label that code has anywhere.
    return _ANY_CHOICE.get(value) if _CODE.fullmatch(value) else None


def value_text(key: str, value: Any, model: type[models.Model] | None = None) -> str:
    """A stored value as a person reads it: choice labels, money and numbers as written, lists joined."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    label = _choice_label(key, value, model)
    if label is not None:
        return label
    if isinstance(value, list):
        return "；".join(value_text(key, v, model) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{field_label(str(k))}：{value_text(str(k), v)}" for k, v in value.items())
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        return format(number.normalize(), "f") if number.is_finite() else value
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str
    subject: str
    reason: str
    changes: list[Change]


def _actor_names(events: list[AuditEvent]) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id is not None}
    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: (u.get_full_name() or "").strip() or u.get_username() for u in users}


def entries(events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    events = list(events)
    names = _actor_names(events)
    out = []
    for event in events:
        actor = (
            SYSTEM
            if event.actor_id is None and event.actor_label == "system"
            else (names.get(event.actor_id or 0) or event.actor_label or SYSTEM)
        )
        model = (
            ContentType.objects.get_for_id(event.content_type_id).model_class()
            if event.content_type_id
            else None
        )
        changes = [
            Change(
                field_label(str(key), model),
                value_text(str(key), pair[0], model),
                value_text(str(key), pair[1], model),
            )
            for key, pair in (event.changes or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        out.append(
            HistoryEntry(
                at=event.at,
                actor=actor,
                action=str(ACTIONS.get(event.action, _("其他操作"))),
                subject=event.object_repr,
                reason=event.reason,
                changes=changes,
            )
        )
    return out


def project_events(user: Any, project: perf.Project) -> list[AuditEvent]:
    """Events on the project and on what belongs to it (indicators, results, money, monitoring, self-evaluation)."""
    where = Q(content_type=ContentType.objects.get_for_model(perf.Project), object_id=project.pk)
    scoped: dict[type[models.Model], QuerySet[Any]] = {
        perf.Indicator: perf.Indicator.objects.restrict(user, "view").filter(project=project),
        perf.PeriodResult: perf.PeriodResult.objects.restrict(user, "view").filter(
            indicator__project=project
        ),
        perf.Evidence: perf.Evidence.objects.restrict(user, "view").filter(
            result__indicator__project=project
        ),
        perf.PeriodLock: perf.PeriodLock.objects.restrict(user, "view").filter(project=project),
        perf.Expenditure: perf.Expenditure.objects.restrict(user, "view").filter(project=project),
        perf.BudgetAdjustment: perf.BudgetAdjustment.objects.restrict(user, "view").filter(project=project),
        perf.MonitoringRound: perf.MonitoringRound.objects.restrict(user, "view").filter(project=project),
        perf.MonitoringEntry: perf.MonitoringEntry.objects.restrict(user, "view").filter(
            round__project=project
        ),
        perf.Evaluation: perf.Evaluation.objects.restrict(user, "view").filter(project=project),
        perf.TargetAdjustment: perf.TargetAdjustment.objects.restrict(user, "view").filter(project=project),
        perf.EvaluationLine: perf.EvaluationLine.objects.restrict(user, "view").filter(
            evaluation__project=project
        ),
    }
    for model, rows in scoped.items():
        where |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=rows.values("pk"))
    return list(AuditEvent.objects.restrict(user, "view").filter(where).order_by("-at", "-id")[:500])
