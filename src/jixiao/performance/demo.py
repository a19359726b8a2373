"""Invented but plausible activity for the demo projects: spending and results for 1–7月, a monitoring round,
and a finalised year-end self-evaluation. Deterministic (figures follow from each target), and a project that
already has any activity is left alone, so loading twice changes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import struct
import zlib
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from jixiao.domain.forms.model import FormDocument
from jixiao.orgs.actors import SYSTEM, Actor
from jixiao.performance.actions.adjustments import do_propose_target_adjustment
from jixiao.performance.actions.evaluation import (
    build_self_evaluation,
    do_adjust_indicator_score,
    do_finalise_evaluation,
    do_record_evaluation_line,
    do_update_evaluation,
    evaluation_indicators,
)
from jixiao.performance.actions.imports import do_import_forms
from jixiao.performance.actions.monitoring import (
    _DEVIATION,
    do_record_budget_forecast,
    do_record_monitoring_entry,
    do_submit_monitoring_round,
)
from jixiao.performance.actions.results import (
    do_approve_result,
    do_attach_evidence,
    do_record_result,
    do_return_result,
    do_set_accumulation,
    do_submit_result,
)
from jixiao.performance.actions.spending import do_adjust_budget, do_record_expenditure
from jixiao.performance.actions.targets import IndicatorDraft, do_review_targets, do_submit_targets
from jixiao.performance.actions.tasks import do_issue_monitoring_task
from jixiao.performance.choices import (
    AccumulationChoices,
    DeviationCategoryChoices,
    FormKindChoices,
    GradeChoices,
    HorizonChoices,
    LikelihoodChoices,
    TargetKindChoices,
)
from jixiao.performance.models import Evaluation, Expenditure, Indicator, PeriodResult, Project
from jixiao.performance.periods import Period
from jixiao.workdays.selectors import deadline_after

REASON = "演示数据（load_demo）"
# Seed 004's target form has review errors: its demo evaluation is finalised only over them, with a reason.
REVIEW_OVERRIDE = "演示数据：目标表的审核错误已记录，待单位修正目标表；为演示自评流程越过审核意见定稿"
CUTOFF = 7
# Share of the annual budget paid in each month (%): 49 % by the end of July, 96 % by December.
MONTHLY_SHARES = (3, 5, 8, 9, 7, 9, 8, 9, 10, 10, 9, 9)
# A slow starter pays 70 % of that in 1–7月 and catches up later.
SLOW_FACTOR = Decimal("0.7")
MONTHLY_INDICATORS = 4
_CENT = Decimal("0.01")


@dataclass
class DemoReport:
    projects: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _has_activity(project: Project) -> bool:
    return (
        Expenditure.objects.unrestricted().filter(project=project).exists()
        or PeriodResult.objects.unrestricted().filter(indicator__project=project).exists()
        or Evaluation.objects.unrestricted().filter(project=project).exists()
    )


def _round_count(value: Decimal, rounding: str) -> Decimal:
    return value.quantize(Decimal(1), rounding)


def _approve(indicator: Indicator, period: Period, **values: object) -> None:
    result = do_record_result(
        indicator,
        period,
        acting_user=SYSTEM,
        reason=REASON,
        **values,  # type: ignore[arg-type]
    )
    do_submit_result(result, acting_user=SYSTEM, reason=REASON)
    do_approve_result(result, acting_user=SYSTEM, reason=REASON)


def _is_count(indicator: Indicator) -> bool:
    return indicator.accumulation != AccumulationChoices.LATEST and indicator.target_operator in (
        ">=",
        ">",
        "=",
    )


def _month_value(indicator: Indicator, month: int, behind: bool) -> Decimal:
    target = indicator.target_value or Decimal(0)
    if indicator.target_operator in ("<=", "<"):
        return (target * Decimal("0.75")).quantize(_CENT, ROUND_HALF_UP)
    if indicator.accumulation == AccumulationChoices.LATEST:
        return min(target + 2, Decimal(100)) if indicator.target_unit == "%" else target + target / 25
    pace = Decimal("0.3") if behind else Decimal("1.05")
    return _round_count(target * month / 12 * pace, ROUND_FLOOR)


def _year_value(indicator: Indicator, behind: bool) -> Decimal:
    target = indicator.target_value or Decimal(0)
    if indicator.target_operator in ("<=", "<"):
        return (target * Decimal("0.75")).quantize(_CENT, ROUND_HALF_UP)
    if indicator.target_unit == "%":
        return min(target + 3, Decimal(100))
    if indicator.target_operator == "=":
        return target
    if indicator.accumulation == AccumulationChoices.LATEST:
        return (target * Decimal("1.04")).quantize(_CENT, ROUND_HALF_UP)
    if behind:
        return _round_count(target * Decimal("0.6"), ROUND_FLOOR)
    return _round_count(target * Decimal("1.1"), ROUND_CEILING)


@transaction.atomic
def load_demo_activity(projects: list[Project]) -> DemoReport:
    """Add the demo activity to each target project that has annual indicators and none yet."""
    report = DemoReport()
    targets = sorted(
        (p for p in projects if p.kind == FormKindChoices.TARGET), key=lambda p: (p.unit.name, p.name)
    )
    for position, project in enumerate(targets):
        indicators = evaluation_indicators(project)
        if not indicators or _has_activity(project):
            report.skipped.append(project.name)
            continue
        _project_activity(project, indicators, first=position == 0, slow=position % 2 == 1)
        report.projects.append(project.name)
    return report


def _project_activity(project: Project, indicators: list[Indicator], *, first: bool, slow: bool) -> None:
    for indicator in indicators:
        if "平均" in indicator.name and indicator.accumulation != AccumulationChoices.LATEST:
            do_set_accumulation(
                indicator, AccumulationChoices.LATEST, acting_user=SYSTEM, reason=f"{REASON}：平均数是水平值"
            )
            indicator.refresh_from_db()
    funds = project.funds.filter(horizon=HorizonChoices.ANNUAL).first()
    budget = funds.total if funds is not None else None
    if budget:
        _spending(project, budget, slow)

    quantitative = [i for i in indicators if i.target_kind == TargetKindChoices.QUANTITATIVE]
    counts = [i for i in quantitative if _is_count(i)]
    behind = counts[1] if first and len(counts) > 1 else None
    for indicator in quantitative[:MONTHLY_INDICATORS]:
        for month in range(1, CUTOFF + 1):
            value = _month_value(indicator, month, indicator == behind)
            _approve(indicator, Period.month(month), value=value, note=f"{month}月报送")

    _monitoring_round(project, indicators, quantitative, behind, budget)
    _year_end(project, indicators, behind, first)


def _spending(project: Project, budget: Decimal, slow: bool) -> None:
    shares = [Decimal(s) for s in MONTHLY_SHARES]
    if slow:
        early = [s * SLOW_FACTOR for s in shares[:CUTOFF]]
        held_back = sum(shares[:CUTOFF], Decimal(0)) - sum(early, Decimal(0))
        late = [s + held_back / (12 - CUTOFF) for s in shares[CUTOFF:]]
        shares = [*early, *late]
    for month, share in enumerate(shares, start=1):
        amount = (budget * share / 100).quantize(_CENT, ROUND_HALF_UP)
        do_record_expenditure(
            project,
            month,
            amount,
            description=f"{month}月支付（演示）",
            acting_user=SYSTEM,
            reason=REASON,
        )


def _monitoring_round(
    project: Project,
    indicators: list[Indicator],
    quantitative: list[Indicator],
    behind: Indicator | None,
    budget: Decimal | None,
    actor: Actor = SYSTEM,
) -> None:
    for indicator in indicators:
        if indicator.target_kind == TargetKindChoices.NOT_APPLICABLE:
            continue
        if indicator == behind:
            do_record_monitoring_entry(
                indicator,
                CUTOFF,
                forecast_value=_round_count(
                    (indicator.target_value or Decimal(0)) * Decimal("0.6"), ROUND_FLOOR
                ),
                deviation_category=DeviationCategoryChoices.STAFF,
                deviation_reason="负责该项工作的两名同志上半年借调参加专项工作，下半年人手仍不足",
                likelihood=LikelihoodChoices.IMPOSSIBLE,
                corrective_measures="调整分工，由网络安全科两名同志协助；9月起每月通报进度，年底前尽量缩小差距",
                acting_user=actor,
                reason=REASON,
            )
        elif quantitative and indicator == quantitative[0]:
            do_record_monitoring_entry(
                indicator,
                CUTOFF,
                deviation_category=DeviationCategoryChoices.FUNDING,
                deviation_reason="部分经费6月下旬才到位，相关采购顺延",
                likelihood=LikelihoodChoices.POSSIBLE,
                acting_user=actor,
                reason=REASON,
            )
        else:
            do_record_monitoring_entry(
                indicator, CUTOFF, likelihood=LikelihoodChoices.CERTAIN, acting_user=actor, reason=REASON
            )
    if budget:
        forecast = (budget * Decimal("0.96")).quantize(_CENT, ROUND_HALF_UP)
        do_record_budget_forecast(
            project, CUTOFF, forecast, note="按合同约定付款进度预计", acting_user=actor, reason=REASON
        )


def _year_end(project: Project, indicators: list[Indicator], behind: Indicator | None, first: bool) -> None:
    for indicator in indicators:
        if indicator.target_kind == TargetKindChoices.NOT_APPLICABLE:
            continue
        if indicator.target_kind == TargetKindChoices.QUALITATIVE:
            _approve(
                indicator,
                Period.year(),
                grade=GradeChoices.ACHIEVED,
                narrative=f"全年按计划完成：{indicator.target_raw}",
            )
        else:
            _approve(
                indicator,
                Period.year(),
                value=_year_value(indicator, indicator == behind),
                note="全年完成情况",
            )
    scored = build_self_evaluation(project)
    adjusted = False
    for indicator, row in zip(indicators, scored.indicators, strict=True):
        if first and not adjusted and row.score.over_achievement and row.score.value:
            do_adjust_indicator_score(
                indicator,
                (row.score.value * Decimal("0.9")).quantize(_CENT, ROUND_HALF_UP),
                acting_user=SYSTEM,
                reason="实际值超过目标值130%以上，年初目标值偏低，按九成计分",
            )
            adjusted = True
        if row.score.over_achievement:
            analysis = "上级临时增加专项任务，实际完成数明显高于年初目标；明年将据实提高目标值"
        elif row.score.needs_deviation_reason or indicator == behind:
            analysis = "人员借调导致工作量未完成；明年将提前排期并建立月度调度机制"
        else:
            continue
        do_record_evaluation_line(indicator, deviation_analysis=analysis, acting_user=SYSTEM, reason=REASON)
    budget_text = ""
    if scored.budget.needs_explanation:
        budget_text = "部分合同尾款按约定于次年支付"
    do_update_evaluation(
        project,
        conclusion="项目总体完成年度绩效目标，资金使用规范，社会效益较好。",
        problems="个别指标受人员变动影响未完成；上半年支出进度偏慢。",
        improvements="加强年初计划与人员安排的衔接，按月调度指标进度和支出进度。",
        budget_explanation=budget_text,
        acting_user=SYSTEM,
        reason=REASON,
    )
    do_finalise_evaluation(project, acting_user=SYSTEM, reason=REASON, override_reason=REVIEW_OVERRIDE)


# --- The current budget year, in progress ----------------------------------------------------------------------
# The same seed projects again for the year of today, moved along by the demo people through the actions (each
# step audited under their name): targets reviewed and approved, one declaration returned, one adjustment
# waiting; results month by month up to last month (most approved, the latest submitted, one returned);
# evidence files; spending and a budget adjustment; finance's monitoring task and one round submitted. Nothing
# is finalised, so nothing of the year is locked.

CURRENT_REASON = "演示数据：本年度进行中（load_demo）"
GRADES_GOOD = {
    "completeness": ("excellent", "目标要素齐全，产出、效益、满意度指标均已设置"),
    "relevance": ("good", "指标与项目支出内容对应"),
    "appropriateness": ("good", "目标值与预算规模基本匹配"),
    "feasibility": ("excellent", "实施计划明确，目标可实现"),
}
GRADES_RETURNED = {
    "completeness": ("fair", "缺少满意度指标"),
    "relevance": ("good", ""),
    "appropriateness": ("poor", "数量指标目标值明显低于上年实际完成数"),
    "feasibility": ("good", ""),
}
RETURN_COMMENT = "请补充服务对象满意度指标，并按上年实际完成情况提高数量指标的目标值后重新送审"
RESULT_RETURN_REASON = "本月数值与上报市网信办的月报不一致，请核对台账后重新填报"


@dataclass
class YearReport:
    year: int
    projects: list[str] = field(default_factory=list)
    evidence: int = 0


def _people() -> dict[str, Any]:
    User = get_user_model()
    return {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "suzhou_officer",
                "suzhou_head",
                "suzhou_reviewer",
                "shunping_officer",
                "shunping_head",
                "shunping_reviewer",
                "finance",
            ]
        )
    }


def _office_people(project: Project, people: dict[str, Any]) -> tuple[Any, Any, Any]:
    key = "shunping" if "顺平" in project.unit.name else "suzhou"
    return people[f"{key}_officer"], people[f"{key}_head"], people[f"{key}_reviewer"]


def demo_png(text_width: int = 120, height: int = 60) -> bytes:
    """A small real PNG (a grey bar chart on white), made without any imaging library."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(text_width):
            bar = (x // 20) % 2 == 0 and y > height - 10 - (x // 20) * 8
            row += bytes([90, 110, 160]) if bar else bytes([255, 255, 255])
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", text_width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def demo_pdf(title: str) -> bytes:
    """A one-page PDF with an ASCII line (the standard fonts have no Chinese glyphs)."""
    text = title.encode("ascii", "replace")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_xlsx(rows: list[tuple[object, ...]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "台账"
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _attach(result: PeriodResult, name: str, content: bytes, content_type: str, actor: Any) -> None:
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    do_attach_evidence(result, upload, acting_user=actor, reason=CURRENT_REASON)


def _target_drafts(project: Project) -> list[IndicatorDraft]:
    ordered = sorted(
        Indicator.objects.unrestricted().filter(project=project, withdrawn=False),
        key=lambda i: (i.order, i.horizon != "medium_term", i.pk),
    )
    return [
        IndicatorDraft(
            horizon=i.horizon,
            level1=i.level1,
            level2=i.level2,
            name=i.name,
            target=i.target_raw,
            weight=i.weight,
            ident=i.pk,
            position=n,
        )
        for n, i in enumerate(ordered, start=1)
    ]


def _propose_adjustment(project: Project, officer: Any) -> bool:
    rows = _target_drafts(project)
    stored = {i.pk: i for i in Indicator.objects.unrestricted().filter(project=project, withdrawn=False)}
    for position, row in enumerate(rows):
        indicator = stored.get(row.ident) if row.ident is not None else None
        if indicator is None or row.horizon != HorizonChoices.ANNUAL or indicator.target_unit == "%":
            continue
        if not _is_count(indicator):
            continue
        match = re.search(r"\d+", row.target)
        if match is None or int(match.group()) < 2:
            continue
        bigger = int(match.group()) + max(1, int(match.group()) // 5)
        row = replace(row, target=row.target[: match.start()] + str(bigger) + row.target[match.end() :])
        rows[position] = row
        do_propose_target_adjustment(
            project,
            rows,
            acting_user=officer,
            reason=f"市委网信办年中追加专项任务，“{row.name}”目标值相应提高",
        )
        return True
    return False


def _current_results(
    project: Project,
    quantitative: list[Indicator],
    last_month: int,
    people: tuple[Any, Any, Any],
    *,
    first: bool,
) -> int:
    """Months 1..last_month-1 approved, last month submitted (one returned in the first project); evidence."""
    officer, _head, reviewer = people
    evidence = 0
    for position, indicator in enumerate(quantitative[:MONTHLY_INDICATORS]):
        for month in range(1, last_month + 1):
            value = _month_value(indicator, month, behind=False)
            result = do_record_result(
                indicator,
                Period.month(month),
                value=value,
                narrative=f"按{month}月工作台账填报",
                acting_user=officer,
                reason=CURRENT_REASON,
            )
            if month == last_month and first and position == 0:
                _attach(
                    result,
                    f"{month}月工作台账.xlsx",
                    demo_xlsx([("日期", "事项", "数量"), (f"{month}月", indicator.name, float(value))]),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    officer,
                )
                evidence += 1
            if month == last_month and position == 1:
                _attach(result, f"{month}月通报截图.png", demo_png(), "image/png", officer)
                evidence += 1
            if month == last_month - 1 and position == 0:
                _attach(
                    result,
                    f"{month}月工作简报.pdf",
                    demo_pdf(f"Monthly report {month}"),
                    "application/pdf",
                    officer,
                )
                evidence += 1
            if month == last_month and position == len(quantitative[:MONTHLY_INDICATORS]) - 1:
                continue  # still a draft: the officer has something to submit
            do_submit_result(result, acting_user=officer, reason=CURRENT_REASON)
            if month < last_month:
                do_approve_result(result, acting_user=reviewer, reason=CURRENT_REASON)
            elif first and position == 1:
                do_return_result(result, acting_user=reviewer, reason=RESULT_RETURN_REASON)
    return evidence


def _current_spending(project: Project, last_month: int, officer: Any, *, first: bool) -> None:
    funds = project.funds.filter(horizon=HorizonChoices.ANNUAL).first()
    budget = funds.total if funds is not None else None
    if not budget:
        return
    for month, share in enumerate(MONTHLY_SHARES[:last_month], start=1):
        amount = (budget * Decimal(share) / 100).quantize(_CENT, ROUND_HALF_UP)
        do_record_expenditure(
            project, month, amount, description=f"{month}月支付", acting_user=officer, reason=CURRENT_REASON
        )
    if first:
        do_adjust_budget(
            project,
            (budget * Decimal("0.1")).quantize(_CENT, ROUND_HALF_UP),
            acting_user=officer,
            reason="年中追加网络安全专项检查经费（财政批复追加预算）",
        )


def _current_round(project: Project, officer: Any) -> None:
    """The 1–7月 round as the officer fills it from the records: a reason and measures where a light is red or
    yellow, 确定能 elsewhere."""
    from jixiao.performance.selectors import build_monitoring_snapshot

    snapshot = build_monitoring_snapshot(project, CUTOFF)
    for row in snapshot.rows:
        indicator = row.indicator
        if indicator.target_kind == TargetKindChoices.NOT_APPLICABLE:
            continue
        colour = row.light.colour
        if colour is not None and colour in _DEVIATION:
            do_record_monitoring_entry(
                indicator,
                CUTOFF,
                deviation_category=DeviationCategoryChoices.FUNDING,
                deviation_reason="部分经费6月下旬才到位，相关工作顺延",
                likelihood=LikelihoodChoices.POSSIBLE,
                corrective_measures="8月起集中开展，按月调度进度，确保年底前完成",
                acting_user=officer,
                reason=CURRENT_REASON,
            )
        else:
            do_record_monitoring_entry(
                indicator,
                CUTOFF,
                likelihood=LikelihoodChoices.CERTAIN,
                acting_user=officer,
                reason=CURRENT_REASON,
            )
    funds = project.funds.filter(horizon=HorizonChoices.ANNUAL).first()
    if funds is not None and funds.total:
        forecast = (funds.total * Decimal("0.95")).quantize(_CENT, ROUND_HALF_UP)
        do_record_budget_forecast(
            project,
            CUTOFF,
            forecast,
            note="按合同约定付款进度预计",
            acting_user=officer,
            reason=CURRENT_REASON,
        )


@transaction.atomic
def load_demo_current_year(
    forms: list[FormDocument], year: int, *, today: dt.date | None = None
) -> YearReport:
    """Import ``forms`` again as ``year`` and move the projects along as described above."""
    today = today or timezone.localdate()
    last_month = 12 if year < today.year else max(today.month - 1, 2)
    report = YearReport(year)
    people = _people()
    docs = []
    for form in forms:
        doc = copy.deepcopy(form)
        doc.year = year
        doc.source = f"{form.source}（{year}年度演示）"
        docs.append(doc)
    result = do_import_forms(
        docs, acting_user=SYSTEM, reason=CURRENT_REASON, batch_label=f"{CURRENT_LABEL}:{year}"
    )
    projects = sorted(result.created, key=lambda p: (p.unit.name, p.kind != FormKindChoices.TARGET, p.name))
    targets = [p for p in projects if p.kind == FormKindChoices.TARGET]
    returned = targets[-2] if len(targets) > 2 else None  # one project's declaration goes back to the unit
    with_round = targets[0] if targets else None
    for project in projects:
        officer, head, reviewer = _office_people(project, people)
        do_submit_targets(project, acting_user=head, reason=CURRENT_REASON)
        if project == returned:
            do_review_targets(
                project, GRADES_RETURNED, approve=False, acting_user=reviewer, reason=RETURN_COMMENT
            )
            report.projects.append(project.name)
            continue
        do_review_targets(
            project, GRADES_GOOD, approve=True, acting_user=reviewer, reason="目标设置合理，同意"
        )
        report.projects.append(project.name)
        if project.kind != FormKindChoices.TARGET:
            continue
        project.refresh_from_db()
        indicators = evaluation_indicators(project)
        quantitative = [i for i in indicators if i.target_kind == TargetKindChoices.QUANTITATIVE]
        first = project == with_round
        _current_spending(project, last_month, officer, first=first)
        report.evidence += _current_results(
            project, quantitative, last_month, (officer, head, reviewer), first=first
        )
        if first and last_month > CUTOFF:
            _current_round(project, officer)
            do_submit_monitoring_round(project, CUTOFF, acting_user=head, reason=CURRENT_REASON)
    adjusted = [p for p in targets if p not in (returned, with_round)]
    if adjusted:
        _propose_adjustment(adjusted[0], _office_people(adjusted[0], people)[0])
    offices = sorted({p.unit for p in targets}, key=lambda u: u.path)
    if offices and "finance" in people:
        do_issue_monitoring_task(
            offices,
            year=year,
            cutoff_month=CUTOFF,
            deadline=deadline_after(today, 5),
            note="请各单位按运行监控表填报1–7月绩效目标执行情况，偏离较大的指标须说明原因并提出纠偏措施",
            acting_user=people["finance"],
            reason=CURRENT_REASON,
        )
    return report


CURRENT_LABEL = "load_demo"
