"""Results over periods: entering, submitting, approving and returning an indicator's period values, their
evidence, period locks, and the settings people give an indicator (accumulation, weight).

Workflow (``RESULT_WORKFLOW``): an editor enters and submits; a reviewer approves or returns with a reason, and
may not approve a result they entered or submitted themselves. Nothing changes in a locked period.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.domain.workflow import Edge
from jixiao.orgs.actors import Actor, actor_label, person
from jixiao.performance.choices import (
    AccumulationChoices,
    GradeChoices,
    ResultStatusChoices,
    TargetKindChoices,
)
from jixiao.performance.evidence import check_evidence, store_evidence
from jixiao.performance.guards import refuse_if_locked, require, require_reason
from jixiao.performance.models import Evidence, Indicator, PeriodLock, PeriodResult, Project
from jixiao.performance.periods import Period, overlapping
from jixiao.performance.workflows import RESULT_WORKFLOW, ResultVerb

logger = logging.getLogger(__name__)

__all__ = [
    "ResultBatchError",
    "ResultEntry",
    "do_approve_result",
    "do_approve_results",
    "do_attach_evidence",
    "do_lock_period",
    "do_record_result",
    "do_record_results",
    "do_remove_evidence",
    "do_return_result",
    "do_set_accumulation",
    "do_set_indicator_weight",
    "do_submit_result",
    "do_submit_results",
    "do_unlock_period",
    "is_rate",
    "rate_from_counts",
]

_VALUE_DIGITS, _VALUE_PLACES = 24, 6
_OPEN = (ResultStatusChoices.DRAFT, ResultStatusChoices.RETURNED)


# --- validation -----------------------------------------------------------------------------------------


def _check_value(indicator: Indicator, value: Decimal | None, grade: str | None, narrative: str) -> None:
    if indicator.target_kind == TargetKindChoices.NOT_APPLICABLE:
        raise ValidationError(f"指标“{indicator.label}”不适用，不填报完成情况")
    if indicator.is_qualitative:
        if value is not None:
            raise ValidationError(f"定性指标“{indicator.label}”填报完成等级，不填数值")
        if grade not in GradeChoices.values:
            raise ValidationError(
                f"定性指标“{indicator.label}”须评定等级：{'／'.join(GradeChoices.values)}",
                code="grade_required",
            )
        if not narrative.strip():
            raise ValidationError(f"定性指标“{indicator.label}”须填写完成情况说明", code="narrative_required")
        return
    if grade:
        raise ValidationError(f"定量指标“{indicator.label}”填报数值，不评定等级")
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError(f"定量指标“{indicator.label}”须填写准确的数值（Decimal），收到 {value!r}")
    _, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    if -exponent > _VALUE_PLACES or len(digits) + exponent > _VALUE_DIGITS - _VALUE_PLACES:
        raise ValidationError(f"完成值 {value} 超出可保存的范围（最多{_VALUE_PLACES}位小数）")


def _check_links(links: Sequence[str]) -> list[str]:
    validate = URLValidator(schemes=["http", "https"])
    cleaned = []
    for link in links:
        link = link.strip()
        try:
            validate(link)
        except ValidationError as error:
            raise ValidationError(f"佐证链接“{link}”不是有效的 http(s) 地址") from error
        cleaned.append(link)
    return cleaned


def _check_open(result: PeriodResult, what: str) -> None:
    if result.status == ResultStatusChoices.SUBMITTED:
        raise ValidationError(f"{what}：已提交，待审核；须审核人退回后才能修改", code="submitted")
    if result.status == ResultStatusChoices.APPROVED:
        raise ValidationError(f"{what}：已审核通过，须审核人退回后才能修改", code="approved")


def _what(indicator: Indicator, period: Period) -> str:
    return f"“{indicator.label}”{period.label}完成情况"


def is_rate(indicator: Indicator) -> bool:
    """Whether the indicator is a percentage, which may be entered as numerator and denominator."""
    return indicator.target_kind == TargetKindChoices.QUANTITATIVE and indicator.target_unit in ("%", "‰")


def rate_from_counts(
    indicator: Indicator, numerator: Decimal | None, denominator: Decimal | None, value: Decimal | None = None
) -> Decimal:
    """The rate in the indicator's unit (% or ‰) from its counts, to six places; refused in Chinese when the
    indicator is not a rate, a count is missing, negative or not a number, the denominator is 0, or a value
    given beside the counts is not their quotient."""
    if not is_rate(indicator):
        raise ValidationError(
            f"指标“{indicator.label}”不是比率（单位不是%），不按分子/分母填报", code="not_a_rate"
        )
    for name, count in (("分子", numerator), ("分母", denominator)):
        if not isinstance(count, Decimal) or not count.is_finite():
            raise ValidationError(f"指标“{indicator.label}”按分子/分母填报时须填写{name}", code="counts")
        if count < 0:
            raise ValidationError(f"指标“{indicator.label}”的{name}不能为负数，收到 {count}", code="counts")
    assert numerator is not None
    assert denominator is not None
    if denominator == 0:
        raise ValidationError(f"指标“{indicator.label}”的分母为0，无法计算比率", code="counts")
    scale = Decimal(1000) if indicator.target_unit == "‰" else Decimal(100)
    rate = (numerator / denominator * scale).quantize(Decimal(1).scaleb(-_VALUE_PLACES), ROUND_HALF_UP)
    if value is not None and value != rate:
        raise ValidationError(
            f"指标“{indicator.label}”的完成值{value}与分子/分母 {numerator}/{denominator} 算出的{rate}不符",
            code="counts",
        )
    return rate


# --- actions --------------------------------------------------------------------------------------------


@transaction.atomic
def do_record_result(
    indicator: Indicator,
    period: Period,
    *,
    value: Decimal | None = None,
    grade: str | None = None,
    narrative: str = "",
    note: str = "",
    links: Sequence[str] = (),
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    acting_user: Actor,
    reason: str = "",
) -> PeriodResult:
    """Enter or change the result of ``indicator`` for ``period`` as a draft (a returned one becomes a draft).

    A rate (an indicator in %) may be entered as its counts: ``numerator`` and ``denominator`` (满意人数 and
    调查人数); the value is then their quotient in %, to six places.

    Refused when the period is locked (the message names the lock), when the result is submitted or
    approved, for a withdrawn or not-applicable indicator, and, for a per-period indicator, when the period
    overlaps one already entered (their sum would count months twice).
    """
    project = indicator.project
    require(acting_user, "change", project)
    what = _what(indicator, period)
    refuse_if_locked(project, period, what)
    if indicator.withdrawn:
        raise ValidationError(f"指标“{indicator.label}”已从目标表中撤销，不再填报")
    if numerator is not None or denominator is not None:
        value = rate_from_counts(indicator, numerator, denominator, value)
    _check_value(indicator, value, grade, narrative)
    clean_links = _check_links(links)

    results = PeriodResult.objects.unrestricted()  # the permission was checked on the project above
    existing = (
        results.select_for_update()
        .filter(indicator=indicator, period_kind=period.kind, period_index=period.index)
        .first()
    )
    if indicator.accumulation == AccumulationChoices.PER_PERIOD:
        others = results.filter(indicator=indicator)
        if existing is not None:
            others = others.exclude(pk=existing.pk)
        clash = overlapping(period, [r.period for r in others])
        if clash:
            raise ValidationError(
                f"{what}：该指标按当期值相加，与已填报的{'、'.join(p.label for p in clash)}重叠",
                code="overlap",
            )
    fields: dict[str, Any] = {
        "value": value,
        "grade": grade or "",
        "narrative": narrative.strip(),
        "note": note.strip(),
        "links": clean_links,
        "numerator": numerator,
        "denominator": denominator,
    }
    now = timezone.now()
    details = {"indicator": indicator.pk, "period": period.label}
    if existing is None:
        result = results.create(
            indicator=indicator,
            period_kind=period.kind,
            period_index=period.index,
            entered_by=person(acting_user),
            entered_at=now,
            **fields,
        )
        changes = {name: [None, v] for name, v in fields.items() if v not in (None, "", [])}
        audit.record(
            acting_user,
            "result.created",
            result,
            reason=reason,
            changes=changes,
            unit=project.unit,
            details=details,
        )
        return result
    _check_open(existing, what)
    stamp = {"entered_by": person(acting_user), "entered_at": now}
    if existing.status == ResultStatusChoices.RETURNED:
        # Correcting a returned result makes it a draft again: one transition, one audit row.
        return transition(
            existing,
            RESULT_WORKFLOW,
            ResultVerb.REOPEN,
            acting_user=acting_user,
            reason=reason,
            updates={**fields, **stamp},
            details=details,
        )
    changes = {
        name: [getattr(existing, name), v] for name, v in fields.items() if getattr(existing, name) != v
    }
    for name, v in {**fields, **stamp}.items():
        setattr(existing, name, v)
    existing.save(update_fields=[*fields, *stamp])
    audit.record(
        acting_user,
        "result.updated",
        existing,
        reason=reason,
        changes=changes,
        unit=project.unit,
        details=details,
    )
    return existing


def _move(result: PeriodResult, verb: ResultVerb, *, acting_user: Actor, reason: str) -> PeriodResult:
    """Take ``verb`` through ``transition()``: the period lock and four eyes are its guard."""
    now = timezone.now()
    updates: dict[str, Any]
    if verb == ResultVerb.SUBMIT:
        updates = {"submitted_by": person(acting_user), "submitted_at": now}
    else:
        updates = {"reviewed_by": person(acting_user), "reviewed_at": now}
    if verb == ResultVerb.RETURN:
        updates["return_reason"] = (reason or "").strip()

    def guard(locked: PeriodResult, edge: Edge) -> None:
        indicator = locked.indicator
        what = _what(indicator, locked.period)
        refuse_if_locked(indicator.project, locked.period, what)
        own = person(acting_user)
        mine = own is not None and own.pk in (locked.entered_by_id, locked.submitted_by_id)
        if edge.verb == ResultVerb.APPROVE and mine:
            raise ValidationError(
                f"{what}由 {actor_label(acting_user)} 填报或提交，不能由本人审核通过", code="own_result"
            )

    indicator = result.indicator
    return transition(
        result,
        RESULT_WORKFLOW,
        verb,
        acting_user=acting_user,
        reason=reason,
        updates=updates,
        guard=guard,
        details={"indicator": indicator.pk, "period": result.period.label},
    )


@transaction.atomic
def do_submit_result(result: PeriodResult, *, acting_user: Actor, reason: str = "") -> PeriodResult:
    """draft (or returned) → submitted, by someone who may submit (填报人, 单位负责人)."""
    return _move(result, ResultVerb.SUBMIT, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_approve_result(result: PeriodResult, *, acting_user: Actor, reason: str = "") -> PeriodResult:
    """submitted → approved, by a reviewer who neither entered nor submitted it (four eyes)."""
    return _move(result, ResultVerb.APPROVE, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_return_result(result: PeriodResult, *, acting_user: Actor, reason: str) -> PeriodResult:
    """submitted or approved → returned, with the reason the editor will see (required)."""
    return _move(result, ResultVerb.RETURN, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_attach_evidence(
    result: PeriodResult, upload: UploadedFile, *, acting_user: Actor, reason: str = ""
) -> Evidence:
    """Store a checked evidence file under MEDIA_ROOT and attach it to a result that is still open."""
    result = PeriodResult.objects.unrestricted().select_related("indicator__project__unit").get(pk=result.pk)
    project = result.indicator.project
    require(acting_user, "change", project)
    what = _what(result.indicator, result.period)
    refuse_if_locked(project, result.period, what)
    _check_open(result, what)
    content_type = check_evidence(upload)
    evidence = store_evidence(Evidence(result=result, uploaded_by=person(acting_user)), upload, content_type)
    audit.record(
        acting_user,
        "evidence.attached",
        evidence,
        reason=reason,
        unit=project.unit,
        details={
            "result": result.pk,
            "file": evidence.file.name,
            "size": evidence.size,
            "type": content_type,
        },
    )
    return evidence


@transaction.atomic
def do_lock_period(project: Project, period: Period, *, acting_user: Actor, reason: str) -> PeriodLock:
    """Close ``period`` of ``project`` for changes (reviewers); the reason is shown to whoever is refused."""
    require(acting_user, "review", project)
    reason = require_reason(reason, "锁定期间")
    lock, created = PeriodLock.objects.unrestricted().get_or_create(
        project=project,
        period_kind=period.kind,
        period_index=period.index,
        defaults={
            "reason": reason,
            "locked_by": person(acting_user),
            "locked_by_label": audit.actor_label(acting_user),
        },
    )
    if created:
        audit.record(
            acting_user,
            "period.locked",
            lock,
            reason=reason,
            unit=project.unit,
            details={"period": period.label},
        )
    return lock


@transaction.atomic
def do_unlock_period(lock: PeriodLock, *, acting_user: Actor, reason: str) -> None:
    """Reopen a locked period (finance, or an administrator), with the reason in the audit log."""
    require(acting_user, "finance", lock.project)
    reason = require_reason(reason, "解除锁定")
    audit.record(
        acting_user,
        "period.unlocked",
        lock,
        reason=reason,
        unit=lock.project.unit,
        changes={"locked": [lock.describe(), None]},
    )
    lock.delete()


@transaction.atomic
def do_set_accumulation(
    indicator: Indicator, accumulation: str, *, acting_user: Actor, reason: str
) -> Indicator:
    """Say how the indicator's period values add up; refused once results are submitted or approved."""
    require(acting_user, "change", indicator.project)
    if accumulation not in AccumulationChoices.values:
        raise ValidationError(f"累计方式须为 {AccumulationChoices.values} 之一，不是 {accumulation!r}")
    if accumulation == indicator.accumulation:
        return indicator
    if PeriodResult.objects.unrestricted().filter(indicator=indicator).exclude(status__in=_OPEN).exists():
        raise ValidationError(f"指标“{indicator.label}”已有提交或审核的完成情况，不能再改累计方式")
    before = indicator.accumulation
    indicator.accumulation = accumulation
    indicator.save(update_fields=["accumulation"])
    audit.record(
        acting_user,
        "indicator.accumulation_set",
        indicator,
        reason=reason,
        unit=indicator.project.unit,
        changes={"accumulation": [before, accumulation]},
    )
    return indicator


@transaction.atomic
def do_set_indicator_weight(
    indicator: Indicator, weight: Decimal | None, *, acting_user: Actor, reason: str
) -> Indicator:
    """Set the weight (分值) the self-evaluation uses for this indicator; ``None`` goes back to the default."""
    require(acting_user, "change", indicator.project)
    if weight is not None and (not isinstance(weight, Decimal) or not weight.is_finite() or weight < 0):
        raise ValidationError(f"分值须为不小于0的准确数值，收到 {weight!r}")
    if weight is not None and weight != weight.quantize(Decimal("0.0001")):
        raise ValidationError(f"分值 {weight} 最多4位小数")
    before: Any = indicator.assigned_weight
    if before == weight:
        return indicator
    indicator.assigned_weight = weight
    indicator.save(update_fields=["assigned_weight"])
    audit.record(
        acting_user,
        "indicator.weight_set",
        indicator,
        reason=reason,
        unit=indicator.project.unit,
        changes={"assigned_weight": [before, weight]},
    )
    return indicator


# --- several results at once (the period's grid) ---------------------------------------------------------


class ResultBatchError(ValidationError):
    """Some entries of a batch were refused, so none was kept; ``errors`` maps each entry's key to why."""

    def __init__(self, errors: dict[Any, str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors.values()), code="batch")


@dataclass(frozen=True)
class ResultEntry:
    """One row of a grid to record: ``key`` names the row in the errors (the indicator's id, say)."""

    key: Any
    indicator: Indicator
    period: Period
    value: Decimal | None = None
    grade: str | None = None
    narrative: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _messages(error: ValidationError) -> str:
    return "；".join(error.messages)


_T = TypeVar("_T")


def _all_or_nothing(
    items: Iterable[_T], run: Callable[[_T], PeriodResult], key: Callable[[_T], Any]
) -> list[PeriodResult]:
    """``run`` on every item; when any is refused, ``ResultBatchError`` names every refused item (by ``key``)
    with its reason, and the caller's transaction keeps nothing."""
    done: list[PeriodResult] = []
    errors: dict[Any, str] = {}
    for item in items:
        try:
            done.append(run(item))
        except ValidationError as error:
            errors[key(item)] = _messages(error)
    if errors:
        raise ResultBatchError(errors)
    return done


@transaction.atomic
def do_record_results(
    entries: Sequence[ResultEntry], *, acting_user: Actor, reason: str = ""
) -> list[PeriodResult]:
    """Record every entry through ``do_record_result``, all or nothing: when any entry is refused, nothing is
    kept and ``ResultBatchError`` names every refused entry with its reason."""

    def record(entry: ResultEntry) -> PeriodResult:
        return do_record_result(
            entry.indicator,
            entry.period,
            value=entry.value,
            grade=entry.grade,
            narrative=entry.narrative,
            numerator=entry.numerator,
            denominator=entry.denominator,
            acting_user=acting_user,
            reason=reason,
        )

    return _all_or_nothing(entries, record, key=lambda entry: entry.key)


@transaction.atomic
def do_submit_results(
    results: Sequence[PeriodResult], *, acting_user: Actor, reason: str = ""
) -> list[PeriodResult]:
    """Submit several results for review, all or nothing (``ResultBatchError`` keyed by result id)."""
    return _all_or_nothing(
        results,
        lambda result: do_submit_result(result, acting_user=acting_user, reason=reason),
        key=lambda result: result.pk,
    )


@transaction.atomic
def do_approve_results(
    results: Sequence[PeriodResult], *, acting_user: Actor, reason: str = ""
) -> list[PeriodResult]:
    """Approve several submitted results, all or nothing (``ResultBatchError`` keyed by result id); four
    eyes holds for each."""
    return _all_or_nothing(
        results,
        lambda result: do_approve_result(result, acting_user=acting_user, reason=reason),
        key=lambda result: result.pk,
    )


@transaction.atomic
def do_remove_evidence(evidence: Evidence, *, acting_user: Actor, reason: str = "") -> None:
    """Take an evidence file off a result that is still open (草稿 or 已退回) and delete the stored file
    once the removal is committed."""
    evidence = (
        Evidence.objects.unrestricted()
        .select_related("result__indicator__project__unit")
        .select_for_update(of=("self",))
        .get(pk=evidence.pk)
    )
    result = evidence.result
    project = result.indicator.project
    require(acting_user, "change", project)
    what = _what(result.indicator, result.period)
    refuse_if_locked(project, result.period, what)
    _check_open(result, what)
    audit.record(
        acting_user,
        "evidence.removed",
        evidence,
        reason=reason,
        unit=project.unit,
        changes={"original_name": [evidence.original_name, None]},
        details={"result": result.pk, "file": evidence.file.name, "size": evidence.size},
    )
    storage, name = evidence.file.storage, evidence.file.name or ""
    evidence.delete()
    if name:
        transaction.on_commit(lambda: _delete_quietly(storage, name))


def _delete_quietly(storage: Any, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # the row is gone; a file left behind is only disk space, never a failed action
        logger.warning("could not delete evidence file %s", name, exc_info=True)
