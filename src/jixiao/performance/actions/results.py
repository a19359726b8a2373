"""Results over periods: entering, submitting, approving and returning an indicator's period values, their
evidence, period locks, and the value to date that monitoring and the self-evaluation read.

Workflow: an editor (``change``) enters and submits; a reviewer (``review``) approves or returns with a
reason, and may not approve a result they entered or submitted themselves. Nothing changes in a locked period.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.domain.scoring.config import QualitativeGrade
from jixiao.orgs.actors import Actor, person
from jixiao.performance.choices import (
    AccumulationChoices,
    GradeChoices,
    ResultStatusChoices,
    TargetKindChoices,
)
from jixiao.performance.guards import refuse_if_locked, require, require_reason
from jixiao.performance.models import Evidence, Indicator, PeriodLock, PeriodResult, Project
from jixiao.performance.periods import Period, overlapping, value_to_date

logger = logging.getLogger(__name__)

__all__ = [
    "EVIDENCE_TYPES",
    "Progress",
    "check_evidence",
    "do_approve_result",
    "do_attach_evidence",
    "do_lock_period",
    "do_record_result",
    "do_return_result",
    "do_set_accumulation",
    "do_set_indicator_weight",
    "do_submit_result",
    "do_unlock_period",
    "evidence_max_bytes",
    "progress",
]

DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# Content type → (leading bytes, file name endings). The type is read from the bytes; what the browser
# declares is only checked against it.
EVIDENCE_TYPES: dict[str, tuple[bytes | None, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04", (".docx",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04", (".xlsx",)),
    "application/msword": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", (".doc",)),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", (".xls",)),
    "text/plain": (None, (".txt",)),
}
_VALUE_DIGITS, _VALUE_PLACES = 24, 6
_OPEN = (ResultStatusChoices.DRAFT, ResultStatusChoices.RETURNED)


def evidence_max_bytes() -> int:
    """``JIXIAO_EVIDENCE_MAX_BYTES`` in the settings, else 20 MiB."""
    return int(getattr(settings, "JIXIAO_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES))


# --- reading --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """An indicator's value (or grade) at a cut-off, the periods it came from, the last month they reach."""

    value: Decimal | None
    grade: QualitativeGrade | None
    periods: tuple[Period, ...]
    last_month: int | None

    @property
    def actual(self) -> Decimal | QualitativeGrade | None:
        return self.grade if self.grade is not None else self.value

    @property
    def reported(self) -> bool:
        return self.value is not None or self.grade is not None


def progress(indicator: Indicator, results: Sequence[PeriodResult], cutoff_month: int) -> Progress:
    """The indicator's value at the end of ``cutoff_month`` by its accumulation rule, from ``results``.

    The caller chooses which results count (monitoring and the self-evaluation pass the approved ones).
    A qualitative indicator takes the grade of its latest period.
    """
    if indicator.is_qualitative:
        graded = [r for r in results if r.grade and r.period.last_month <= cutoff_month]
        if not graded:
            return Progress(None, None, (), None)
        last = max(graded, key=lambda r: (r.period.last_month, r.period.span))
        return Progress(None, QualitativeGrade(last.grade), (last.period,), last.period.last_month)
    to_date = value_to_date(results, indicator.accumulation, cutoff_month)
    return Progress(to_date.value, None, to_date.used, to_date.last_month)


def approved_results(indicators: Iterable[Indicator]) -> dict[int, list[PeriodResult]]:
    """Approved results of these indicators, by indicator id, in one query."""
    ids = [i.pk for i in indicators]
    found: dict[int, list[PeriodResult]] = {pk: [] for pk in ids}
    for result in PeriodResult.objects.filter(indicator_id__in=ids, status=ResultStatusChoices.APPROVED):
        found[result.indicator_id].append(result)
    return found


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
    acting_user: Actor,
    reason: str = "",
) -> PeriodResult:
    """Enter or change the result of ``indicator`` for ``period`` as a draft (a returned one becomes a draft).

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
    _check_value(indicator, value, grade, narrative)
    clean_links = _check_links(links)

    existing = (
        PeriodResult.objects.select_for_update()
        .filter(indicator=indicator, period_kind=period.kind, period_index=period.index)
        .first()
    )
    if indicator.accumulation == AccumulationChoices.PER_PERIOD:
        clash = overlapping(period, [r.period for r in PeriodResult.objects.filter(indicator=indicator)])
        if clash:
            raise ValidationError(
                f"{what}：该指标按当期值相加，与已填报的{'、'.join(p.label for p in clash)}重叠",
                code="overlap",
            )
    fields = {
        "value": value,
        "grade": grade or "",
        "narrative": narrative.strip(),
        "note": note.strip(),
        "links": clean_links,
    }
    now = timezone.now()
    if existing is None:
        result = PeriodResult.objects.create(
            indicator=indicator,
            period_kind=period.kind,
            period_index=period.index,
            entered_by=person(acting_user),
            entered_at=now,
            **fields,
        )
        changes = {name: [None, v] for name, v in fields.items() if v not in (None, "", [])}
        verb = "result.created"
    else:
        _check_open(existing, what)
        changes = {
            name: [getattr(existing, name), v] for name, v in fields.items() if getattr(existing, name) != v
        }
        if existing.status != ResultStatusChoices.DRAFT:
            changes["status"] = [existing.status, ResultStatusChoices.DRAFT]
        for name, v in fields.items():
            setattr(existing, name, v)
        existing.status = ResultStatusChoices.DRAFT
        existing.entered_by, existing.entered_at = person(acting_user), now
        existing.save()
        result = existing
        verb = "result.updated"
    audit.record(
        acting_user,
        verb,
        result,
        reason=reason,
        changes=changes,
        unit=project.unit,
        details={"indicator": indicator.pk, "period": period.label},
    )
    return result


def _transition(
    result: PeriodResult,
    *,
    allowed_from: Sequence[str],
    to: str,
    action: str,
    acting_user: Actor,
    reason: str,
    verb: str,
) -> PeriodResult:
    result = (
        PeriodResult.objects.select_for_update().select_related("indicator__project__unit").get(pk=result.pk)
    )
    indicator = result.indicator
    project = indicator.project
    require(acting_user, "review" if action == "review" else "change", project)
    what = _what(indicator, result.period)
    refuse_if_locked(project, result.period, what)
    if result.status not in allowed_from:
        shown = "、".join(str(ResultStatusChoices(s).label) for s in allowed_from)
        raise ValidationError(
            f"{what}当前状态为“{result.get_status_display()}”，只有“{shown}”的才能{verb}", code="bad_state"
        )
    before = result.status
    result.status = to
    now = timezone.now()
    if to == ResultStatusChoices.SUBMITTED:
        result.submitted_by, result.submitted_at = person(acting_user), now
    else:
        result.reviewed_by, result.reviewed_at = person(acting_user), now
    if to == ResultStatusChoices.RETURNED:
        result.return_reason = reason
    result.save()
    audit.record(
        acting_user,
        f"result.{to}",
        result,
        reason=reason,
        changes={"status": [before, to]},
        unit=project.unit,
        details={"indicator": indicator.pk, "period": result.period.label},
    )
    return result


@transaction.atomic
def do_submit_result(result: PeriodResult, *, acting_user: Actor, reason: str = "") -> PeriodResult:
    """draft (or returned) → submitted, by someone who may enter results."""
    return _transition(
        result,
        allowed_from=_OPEN,
        to=ResultStatusChoices.SUBMITTED,
        action="change",
        acting_user=acting_user,
        reason=reason,
        verb="提交",
    )


@transaction.atomic
def do_approve_result(result: PeriodResult, *, acting_user: Actor, reason: str = "") -> PeriodResult:
    """submitted → approved, by a reviewer who neither entered nor submitted it (four eyes)."""
    stored = PeriodResult.objects.get(pk=result.pk)
    if person(acting_user) is not None and acting_user.pk in (stored.entered_by_id, stored.submitted_by_id):
        raise ValidationError(
            f"{_what(stored.indicator, stored.period)}由 {acting_user.get_username()} 填报或提交，"
            "不能由本人审核通过",
            code="own_result",
        )
    return _transition(
        result,
        allowed_from=(ResultStatusChoices.SUBMITTED,),
        to=ResultStatusChoices.APPROVED,
        action="review",
        acting_user=acting_user,
        reason=reason,
        verb="审核通过",
    )


@transaction.atomic
def do_return_result(result: PeriodResult, *, acting_user: Actor, reason: str) -> PeriodResult:
    """submitted or approved → returned, with the reason the editor will see (required)."""
    reason = require_reason(reason, "退回")
    return _transition(
        result,
        allowed_from=(ResultStatusChoices.SUBMITTED, ResultStatusChoices.APPROVED),
        to=ResultStatusChoices.RETURNED,
        action="review",
        acting_user=acting_user,
        reason=reason,
        verb="退回",
    )


def check_evidence(upload: UploadedFile) -> str:
    """The content type of an evidence file read from its bytes, or a ``ValidationError`` saying why not.

    Refused: larger than ``evidence_max_bytes()``, a type not in ``EVIDENCE_TYPES``, a name ending that does
    not fit the bytes, or a declared type that differs from what the bytes are.
    """
    name = upload.name or ""
    size = upload.size or 0
    limit = evidence_max_bytes()
    if size > limit:
        raise ValidationError(f"佐证材料“{name}”大小{size}字节，超过上限{limit}字节", code="too_large")
    if size == 0:
        raise ValidationError(f"佐证材料“{name}”是空文件", code="empty")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    lower = name.lower()
    for content_type, (magic, endings) in EVIDENCE_TYPES.items():
        if not lower.endswith(endings):
            continue
        if magic is not None and not head.startswith(magic):
            raise ValidationError(f"佐证材料“{name}”的内容不是{endings[0]}文件", code="content_mismatch")
        if magic is None and not _is_text(head):
            raise ValidationError(f"佐证材料“{name}”不是UTF-8文本", code="content_mismatch")
        declared = (getattr(upload, "content_type", None) or "").split(";")[0].strip().lower()
        if declared and declared not in (content_type, "application/octet-stream"):
            raise ValidationError(
                f"佐证材料“{name}”声明的类型{declared}与文件内容（{content_type}）不符",
                code="content_mismatch",
            )
        return content_type
    allowed = "、".join(e for _, endings in EVIDENCE_TYPES.values() for e in endings)
    raise ValidationError(f"佐证材料“{name}”的类型不允许；允许：{allowed}", code="type_not_allowed")


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The first 8 KiB may end inside a character.
        return error.start >= len(head) - 3
    return True


@transaction.atomic
def do_attach_evidence(
    result: PeriodResult, upload: UploadedFile, *, acting_user: Actor, reason: str = ""
) -> Evidence:
    """Store a checked evidence file under MEDIA_ROOT and attach it to a result that is still open."""
    result = PeriodResult.objects.select_related("indicator__project__unit").get(pk=result.pk)
    project = result.indicator.project
    require(acting_user, "change", project)
    what = _what(result.indicator, result.period)
    refuse_if_locked(project, result.period, what)
    _check_open(result, what)
    content_type = check_evidence(upload)
    evidence = Evidence(
        result=result,
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=person(acting_user),
    )
    evidence.file.save(upload.name or "evidence", upload, save=False)
    evidence.save()
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
    lock, created = PeriodLock.objects.get_or_create(
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
    """Reopen a locked period (unit admins only), with the reason in the audit log."""
    require(acting_user, "admin", lock.project)
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
    if indicator.results.exclude(status__in=_OPEN).exists():
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
