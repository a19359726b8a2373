"""The target declaration (绩效目标申报) of a project, through ``TARGET_WORKFLOW``: 填报人 送审 the targets, an
审核人 approves them or returns them with a reason. Once submitted or approved, a re-import no longer changes
the project: it proposes a target adjustment (``actions.imports``).

A project declared in the browser (``do_create_project``) and targets edited there (``do_save_targets``) are
stored as a form: the page's values become a ``FormDocument`` (``draft_document``) that goes through
``do_import_forms``, so a typed form and an imported one are stored, merged and audited the same way.
``do_review_targets`` records the reviewer's grades per criterion with the approval or the return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit import log as audit
from jixiao.audit.transitions import transition
from jixiao.domain.forms.model import FormDocument, FormKind, Funds, Horizon, Location, ProjectInfo
from jixiao.domain.forms.model import Indicator as DomainIndicator
from jixiao.domain.targets.grammar import parse_target
from jixiao.domain.workflow import Edge
from jixiao.orgs.actors import Actor, actor_label, person, require_actor
from jixiao.orgs.models import Unit
from jixiao.orgs.permissions import require
from jixiao.performance.choices import TargetStatusChoices
from jixiao.performance.models import Project
from jixiao.performance.models.reviews import (
    ReviewCriterionChoices,
    ReviewGradeChoices,
    ReviewOutcomeChoices,
    TargetReview,
    TargetReviewLine,
)
from jixiao.performance.workflows import TARGET_WORKFLOW, TargetVerb

__all__ = [
    "WEB_SOURCE",
    "IndicatorDraft",
    "ProjectDraft",
    "do_approve_targets",
    "do_create_project",
    "do_return_targets",
    "do_review_targets",
    "do_save_targets",
    "do_submit_targets",
    "draft_document",
]

# The source a form typed in the browser is stored under (where an import stores the file's name).
WEB_SOURCE = "网页填报"
EDITABLE = frozenset({TargetStatusChoices.DRAFT.value, TargetStatusChoices.RETURNED.value})


def _move(project: Project, verb: TargetVerb, *, acting_user: Actor, reason: str) -> Project:
    now = timezone.now()
    updates: dict[str, Any]
    if verb == TargetVerb.SUBMIT:
        updates = {"target_submitted_by": person(acting_user), "target_submitted_at": now}
    else:
        updates = {"target_reviewed_by": person(acting_user), "target_reviewed_at": now}
    if verb == TargetVerb.RETURN:
        updates["target_return_reason"] = (reason or "").strip()

    def guard(locked: Project, edge: Edge) -> None:
        own = person(acting_user)
        if edge.verb == TargetVerb.APPROVE and own is not None and own.pk == locked.target_submitted_by_id:
            raise ValidationError(
                f"项目“{locked.name}”的绩效目标由 {actor_label(acting_user)} 送审，不能由本人审核通过",
                code="own_targets",
            )

    return transition(
        project,
        TARGET_WORKFLOW,
        verb,
        acting_user=acting_user,
        reason=reason,
        state_field="target_status",
        updates=updates,
        guard=guard,
        details={"project": project.pk},
    )


@transaction.atomic
def do_submit_targets(project: Project, *, acting_user: Actor, reason: str = "") -> Project:
    """草稿 (or 已退回) → 已送审, by someone who may submit on the project's unit (填报人, 单位负责人)."""
    return _move(project, TargetVerb.SUBMIT, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_approve_targets(project: Project, *, acting_user: Actor, reason: str = "") -> Project:
    """已送审 → 已审核, by a reviewer who did not submit them (four eyes)."""
    return _move(project, TargetVerb.APPROVE, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_return_targets(project: Project, *, acting_user: Actor, reason: str) -> Project:
    """已送审 or 已审核 → 已退回, with the reason the editor reads (required); the form may be re-imported."""
    return _move(project, TargetVerb.RETURN, acting_user=acting_user, reason=reason)


# --- targets typed in the browser --------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorDraft:
    """One indicator row as typed: the levels, the name, the target as people write it (``≥4万家``), the
    weight. ``ident`` is the stored indicator the row edits (``None`` for a new row): its other values
    (解释, 依据, 完成值…) are kept."""

    horizon: str
    level1: str
    level2: str
    name: str
    target: str
    weight: Decimal | None = None
    ident: int | None = None
    position: int | None = None  # the row's number on the page, which findings name (第N行)

    def is_blank(self) -> bool:
        return not (self.level1 or self.level2 or self.name or self.target)


@dataclass(frozen=True)
class ProjectDraft:
    """The header of a project declared in the browser; money in 元."""

    name: str
    year: int
    kind: str = FormKind.TARGET.value
    attribute: str = ""
    period: str = ""
    funds_total: Decimal | None = None
    funds_fiscal: Decimal | None = None
    goal_annual: str = ""
    goal_medium_term: str = ""


def _domain_indicator(row: IndicatorDraft, position: int, base: DomainIndicator | None) -> DomainIndicator:
    level1, level2, name = row.level1.strip(), row.level2.strip(), row.name.strip()
    target = parse_target(row.target.strip(), indicator=name or None, level2=level2 or None)
    # Row numbers count the page's indicator rows from 1: a finding says 第 N 行.
    location = Location(file=WEB_SOURCE, row=row.position or position)
    values: dict[str, Any] = {
        "horizon": Horizon(row.horizon),
        "level1": level1 or None,
        "level2": level2 or None,
        "name": name or None,
        "raw_level1": level1 or None,
        "raw_level2": level2 or None,
        "target": target,
        "weight": row.weight,
        "location": location,
    }
    if base is None:
        return DomainIndicator(**values)
    # The spelling the form used stays while the level is the same one.
    if base.level1 == values["level1"]:
        values["raw_level1"] = base.raw_level1
    if base.level2 == values["level2"]:
        values["raw_level2"] = base.raw_level2
    if base.target.raw == target.raw:
        values["target"] = base.target
    return replace(base, **values)


def draft_document(
    rows: Sequence[IndicatorDraft],
    *,
    project: Project | None = None,
    header: ProjectDraft | None = None,
    unit: Unit | None = None,
) -> FormDocument:
    """The form the page's values make: an existing project's form with its indicators replaced by ``rows``
    (each edited row keeps the values the page does not show), or a new project's form from ``header``."""
    from jixiao.performance.documents import target_form  # documents imports the actions package

    kept = [r for r in rows if not r.is_blank()]
    if project is not None:
        doc = target_form(project)
        doc.source = WEB_SOURCE
        stored = {}
        ordered = sorted(
            project.indicators.filter(withdrawn=False),
            key=lambda i: (i.order, i.horizon != "medium_term", i.pk),
        )
        for stored_row, domain in zip(ordered, doc.indicators, strict=True):
            stored[stored_row.pk] = domain
        doc.indicators = [
            _domain_indicator(r, n, stored.get(r.ident) if r.ident else None) for n, r in enumerate(kept, 1)
        ]
        if header is not None:
            doc.goal_annual = header.goal_annual or None
            doc.goal_medium_term = header.goal_medium_term or None
        return doc
    assert header is not None
    return FormDocument(
        source=WEB_SOURCE,
        kind=FormKind(header.kind),
        year=header.year,
        project=ProjectInfo(
            name=header.name.strip(),
            unit=unit.name if unit is not None else None,
            unit_code=(unit.code or None) if unit is not None else None,
            attribute=header.attribute or None,
            period=header.period or None,
        ),
        funds_annual=Funds(header.funds_total, header.funds_fiscal, None),
        goal_annual=header.goal_annual or None,
        goal_medium_term=header.goal_medium_term or None,
        indicators=[_domain_indicator(r, n, None) for n, r in enumerate(kept, 1)],
    )


def _store(doc: FormDocument, unit: Unit, *, acting_user: Actor, reason: str) -> Any:
    from jixiao.performance.actions.imports import do_import_forms  # imports reads this module's workflow

    return do_import_forms([doc], acting_user=acting_user, reason=reason, unit=unit, batch_label=WEB_SOURCE)


@transaction.atomic
def do_create_project(
    unit: Unit,
    header: ProjectDraft,
    rows: Sequence[IndicatorDraft],
    *,
    acting_user: Actor,
    reason: str = "网页填报新建项目",
) -> Project:
    """A new project (草稿) of ``unit`` declared in the browser, stored as an imported form would be. Refused
    when the unit already has a project of that name, year and kind (edit that one instead)."""
    require_actor(acting_user)
    require(acting_user, "change", unit, "项目")
    name = header.name.strip()
    if not name:
        raise ValidationError("请填写项目名称", code="name")
    taken = (
        Project.objects.restrict(acting_user, "view")
        .filter(unit=unit, name=name, year=header.year, kind=header.kind)
        .exists()
    )
    if taken:
        raise ValidationError(
            f"单位“{unit}”已有{header.year}年的项目“{name}”，请在该项目中修改目标", code="exists"
        )
    result = _store(
        draft_document(rows, header=header, unit=unit), unit, acting_user=acting_user, reason=reason
    )
    return result.created[0]


@transaction.atomic
def do_save_targets(
    project: Project,
    rows: Sequence[IndicatorDraft],
    *,
    acting_user: Actor,
    reason: str = "网页修改绩效目标",
    header: ProjectDraft | None = None,
) -> Project:
    """The targets (and goals) of a project whose declaration is 草稿 or 已退回, as edited in the browser:
    merged like a re-import, so an indicator keeps its row, results and history."""
    require_actor(acting_user)
    locked = Project.objects.unrestricted().select_for_update().select_related("unit").get(pk=project.pk)
    require(acting_user, "change", locked.unit, "绩效目标")
    if locked.target_status not in EDITABLE:
        raise ValidationError(
            f"项目“{locked.name}”的绩效目标{locked.get_target_status_display()}，不能直接修改；请申请目标调整",
            code="not_editable",
        )
    _store(
        draft_document(rows, project=locked, header=header),
        locked.unit,
        acting_user=acting_user,
        reason=reason,
    )
    locked.refresh_from_db()
    return locked


# --- the review of submitted targets -----------------------------------------------------------------------

Grades = Mapping[str, tuple[str, str]]  # criterion → (grade, comment)


@transaction.atomic
def do_review_targets(
    project: Project,
    grades: Grades,
    *,
    approve: bool,
    acting_user: Actor,
    reason: str,
) -> TargetReview:
    """The reviewer's outcome of submitted targets: a grade 优/良/中/差 and a comment for each of 完整性,
    相关性, 适当性, 可行性, then 审核通过 (four eyes: not the person who submitted) or 退回 (the comment,
    ``reason``, is required: it is what the editor reads)."""
    require_actor(acting_user)
    missing = [str(c.label) for c in ReviewCriterionChoices if c.value not in grades]
    if missing:
        raise ValidationError(f"请为{'、'.join(missing)}评定等级", code="grades")
    for criterion, (grade, _comment) in grades.items():
        if criterion not in ReviewCriterionChoices.values or grade not in ReviewGradeChoices.values:
            raise ValidationError(f"审核要点或等级无法识别：{criterion} {grade}", code="grades")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError("退回时请填写审核意见，说明需要修改什么", code="reason")
    if approve:
        project = do_approve_targets(project, acting_user=acting_user, reason=reason)
    else:
        project = do_return_targets(project, acting_user=acting_user, reason=reason)
    review = TargetReview.objects.create(
        project=project,
        outcome=ReviewOutcomeChoices.APPROVED if approve else ReviewOutcomeChoices.RETURNED,
        comment=reason,
        reviewer=person(acting_user),
        reviewer_label=actor_label(acting_user),
    )
    lines = [
        TargetReviewLine(
            review=review, criterion=c.value, grade=grades[c.value][0], comment=grades[c.value][1].strip()
        )
        for c in ReviewCriterionChoices
    ]
    TargetReviewLine.objects.bulk_create(lines)
    audit.record(
        acting_user,
        "targets.graded",
        project,
        reason=reason,
        unit=project.unit,
        details={
            "review": review.pk,
            "grades": {
                str(ReviewCriterionChoices(line.criterion).label): str(ReviewGradeChoices(line.grade).label)
                for line in lines
            },
        },
    )
    return review
