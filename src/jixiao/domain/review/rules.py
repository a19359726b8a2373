"""The review rules over a ``FormDocument``: what a 审核 reviewer rejects, one check per rule id.

Each check yields ``Hit`` objects; ``jixiao.domain.review.runner`` turns them into ``Finding`` objects.
The rule list with reasons and sources is in ``README.md`` beside this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from jixiao.domain.forms.model import FormDocument, FormKind, Horizon, Indicator, Location
from jixiao.domain.numbers import plain
from jixiao.domain.review import keywords as kw
from jixiao.domain.review.findings import Check, Hit, Rule, Severity
from jixiao.domain.targets.model import Operator, TargetKind, TargetValue

# Sections of a form, in reading order, for ordering hits that carry no location.
HEADER, FUNDS, GOALS, FUND_USES, SPENDING, INDICATORS, READER = range(7)

_HORIZON_LABEL = {Horizon.MEDIUM_TERM: "中期", Horizon.ANNUAL: "年度"}
_UPPER_OPERATORS = (Operator.GE, Operator.GT)
_SYMBOL = {Operator.GE: "≥", Operator.GT: ">", Operator.EQ: "=", Operator.LE: "≤", Operator.LT: "<"}
_NAME_UNIT = re.compile(r"[（(]\s*([^（）()]{1,6}?)\s*[)）]")
_MONEY_UNIT = re.compile(r"^(?:千|万|百万|千万|亿)?元(?:/.+)?$")
_BARE_NUMBER = re.compile(r"^[≥≤＞＜>=<＝]*\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TEN_THOUSAND = 4  # 万 is 10⁴

_RULES: list[Rule] = []


def _rule(
    rule_id: str, severity: Severity, title: str, description: str, source: str
) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        _RULES.append(Rule(rule_id, severity, title, description, source, check))
        return check

    return register


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _has_any(text: str | None, words: Iterable[str]) -> bool:
    return text is not None and any(word in text for word in words)


def _name(ind: Indicator) -> str:
    return (ind.name or "").strip()


def _label(ind: Indicator) -> str:
    return _name(ind) or "（未命名指标）"


def _levels(ind: Indicator) -> str:
    return " ".join(x for x in (ind.level1, ind.level2, ind.raw_level1, ind.raw_level2) if x)


def _level1(ind: Indicator) -> str:
    return " ".join(x for x in (ind.level1, ind.raw_level1) if x)


def _norm_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    unit = unit.strip().replace("％", "%")
    return unit or None


def _unit(target: TargetValue) -> str | None:
    return _norm_unit(target.unit) or _norm_unit(target.raw_unit)


def _raw(target: TargetValue) -> str:
    return target.raw.strip()


def _is_money_unit(unit: str | None) -> bool:
    return unit is not None and bool(_MONEY_UNIT.match(unit))


def _is_percent(unit: str | None) -> bool:
    return unit in kw.PERCENT_UNITS


def _quantity(target: TargetValue) -> Decimal | None:
    """The number of a quantitative target, or None for anything else."""
    if target.kind is not TargetKind.QUANTITATIVE:
        return None
    return target.value


def _name_unit(name: str) -> str | None:
    """A unit the name carries in brackets, as in ``完成及时率（%）`` or ``出差人数(人)``."""
    for found in reversed(_NAME_UNIT.findall(name)):
        unit = _norm_unit(found)
        if unit and (
            unit in kw.PERCENT_UNITS
            or unit in kw.COUNT_UNITS
            or unit in kw.TIME_UNITS
            or _is_money_unit(unit)
        ):
            return unit
    return None


def _is_rate_name(name: str) -> bool:
    stripped = name
    for word in kw.NOT_RATE_WORDS:
        stripped = stripped.replace(word, "")
    return _has_any(stripped, kw.RATE_WORDS) or _is_percent(_name_unit(name))


def _is_satisfaction_name(name: str) -> bool:
    return _has_any(name, kw.SATISFACTION_WORDS)


def _is_satisfaction(ind: Indicator) -> bool:
    name = _name(ind)
    if _is_satisfaction_name(name):
        return True
    # Under a 满意度 level, another named rate (投诉处理率) is not a satisfaction score.
    return kw.SATISFACTION_LEVEL_WORD in _levels(ind) and not _is_rate_name(name)


def _is_cost(ind: Indicator) -> bool:
    levels = _levels(ind)
    if levels:
        return kw.COST_LEVEL_WORD in levels
    # Without levels, only a cost-named indicator measured in money is taken for a cost.
    return _has_any(_name(ind), kw.COST_NAME_WORDS) and _is_money_unit(_unit(ind.target))


def _is_output(ind: Indicator) -> bool:
    level2s = (ind.level2, ind.raw_level2)
    return kw.OUTPUT_LEVEL_WORD in _level1(ind) or any(
        level in kw.OUTPUT_LEVEL2 for level in level2s if level
    )


def _is_benefit(ind: Indicator) -> bool:
    return _has_any(_levels(ind), kw.BENEFIT_LEVEL_WORDS)


def _hit(ind: Indicator, index: int, message: str) -> Hit:
    return Hit(message, ind.location, ind.name, (INDICATORS, index))


def _indicators(form: FormDocument) -> Iterator[tuple[int, Indicator]]:
    """Indicators that say something: not-applicable rows (不适用, /) are left out."""
    for index, ind in enumerate(form.indicators):
        if ind.target.kind is not TargetKind.NOT_APPLICABLE:
            yield index, ind


def _field_location(form: FormDocument, *keys: str) -> Location | None:
    for key in keys:
        if key in form.field_locations:
            return form.field_locations[key]
    return form.location


_fmt = plain


def _money(form: FormDocument, amount: Decimal) -> str:
    """An amount in 元, shown in the form's own money unit."""
    if form.money_unit == "万元":
        return f"{_fmt(amount.scaleb(-_TEN_THOUSAND))}万元"
    return f"{_fmt(amount)}元"


def _normalise_name(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("（", "(").replace("）", ")").replace("，", ",")


def _by_horizon(form: FormDocument) -> dict[Horizon, list[tuple[int, Indicator]]]:
    groups: dict[Horizon, list[tuple[int, Indicator]]] = {}
    for index, ind in _indicators(form):
        groups.setdefault(ind.horizon, []).append((index, ind))
    return groups


def _horizon_prefix(form: FormDocument, ind: Indicator) -> str:
    """Name the horizon only when the form has two, where the same indicator appears twice."""
    horizons = {i.horizon for i in form.indicators}
    return f"{_HORIZON_LABEL[ind.horizon]}指标" if len(horizons) > 1 else "指标"


# ---------------------------------------------------------------------------------------------------------
# Units


@_rule(
    "unit-mismatch",
    Severity.ERROR,
    "单位与指标不符",
    "比率类指标（率、比例、占比、满意度）的指标值不以%计，或金额、数量类指标以%计，或数量类指标以金额计。",
    "performance-rules.md §1（审核）；种子004“各项网宣任务完成及时率（%）≤2天”",
)
def _unit_mismatch(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        unit = _unit(ind.target)
        if _quantity(ind.target) is None or unit is None:
            continue
        name, label, raw = _name(ind), _label(ind), _raw(ind.target)
        if _is_rate_name(name):
            if _is_percent(unit) or (_is_satisfaction_name(name) and unit in kw.SATISFACTION_EXTRA_UNITS):
                continue
            if unit in kw.TIME_UNITS:
                yield _hit(
                    ind,
                    index,
                    f"指标“{label}”是比率，但指标值“{raw}”的单位为“{unit}”；比率应以%计，"
                    f"若要限定时限，宜设为时效指标（如“完成时限{raw}”）",
                )
            elif _is_money_unit(unit):
                yield _hit(ind, index, f"指标“{label}”是比率，但指标值“{raw}”是金额（{unit}）；比率应以%计")
            else:
                yield _hit(ind, index, f"指标“{label}”是比率，但指标值“{raw}”的单位为“{unit}”；比率应以%计")
        elif _is_percent(unit) and not _has_any(name, (*kw.CHANGE_WORDS, *kw.SHARE_WORDS)):
            if _has_any(name, kw.MONEY_NAME_WORDS):
                yield _hit(ind, index, f"指标“{label}”是金额，但指标值“{raw}”以%计；金额应以元或万元计")
            elif _has_any(name, kw.COUNT_NAME_WORDS):
                yield _hit(ind, index, f"指标“{label}”是数量，但指标值“{raw}”以%计；数量应以次、家、个等计")
        elif (
            _is_money_unit(unit)
            and _has_any(name, kw.COUNT_NAME_WORDS)
            and not _has_any(name, kw.MONEY_NAME_WORDS)
        ):
            yield _hit(ind, index, f"指标“{label}”是数量，但指标值“{raw}”是金额（{unit}）")


def _counted_object(name: str) -> str | None:
    """The object-count word of a name (``会员数``, ``应用数量``), or None when it counts events."""
    for word in kw.OBJECT_COUNT_WORDS:
        if word in name:
            return word
    if "数量" in name:
        head = name[: name.index("数量")].rstrip("的")
        if not any(head.endswith(word) for word in kw.EVENT_WORDS):
            return "数量"
    return None


@_rule(
    "count-unit",
    Severity.WARNING,
    "数量单位与计数对象不符",
    "数量、个数、家数类指标（计的是对象）以“次”计，或“次数”类指标以家、个等对象单位计。",
    "performance-rules.md §1（审核）；种子000“监测涉个人信息保护互联网应用数量≥18次”",
)
def _count_unit(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        unit = _unit(ind.target)
        if _quantity(ind.target) is None or unit is None:
            continue
        name, label, raw = _name(ind), _label(ind), _raw(ind.target)
        if unit in kw.EVENT_UNITS and _counted_object(name):
            yield _hit(
                ind,
                index,
                f"指标“{label}”计的是对象的数量，但指标值“{raw}”以“{unit}”计；应以家、个、款等对象单位计",
            )
        elif unit in kw.OBJECT_UNITS and "次数" in name and "人次" not in name:
            yield _hit(ind, index, f"指标“{label}”计的是次数，但指标值“{raw}”以“{unit}”计；次数应以“次”计")


@_rule(
    "missing-unit",
    Severity.WARNING,
    "指标值缺少计量单位",
    "定量指标值有数字但没有单位（如出差人数“=8”），指标名称中已带单位（如“（%）”“（个）”）的除外。",
    "performance-rules.md §1（指标值写法：运算符+数字+单位）",
)
def _missing_unit(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        target = ind.target
        if _quantity(target) is None or _unit(target) is not None or target.date or target.period:
            continue
        if _name_unit(_name(ind)) is not None or _target_serial(ind) is not None:
            continue
        yield _hit(ind, index, f"指标“{_label(ind)}”的指标值“{_raw(target)}”有数值但没有计量单位")


# ---------------------------------------------------------------------------------------------------------
# Cost


@_rule(
    "cost-operator",
    Severity.ERROR,
    "成本指标使用了“≥”或“>”",
    "成本指标应以预算支出标准为上限（≤或=），按反向指标计分；“≥”“>”让超支也算达成。",
    "performance-rules.md §1（成本指标为上限）；财预〔2021〕101号；种子004“平均每月的费用≥9000元”",
)
def _cost_operator(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        target, operator = ind.target, ind.target.operator
        if _quantity(target) is None or operator is None or operator not in _UPPER_OPERATORS:
            continue
        if not _is_cost(ind):
            continue
        if _has_any(_name(ind), kw.CHANGE_WORDS):
            continue
        yield _hit(
            ind,
            index,
            f"成本指标“{_label(ind)}”的指标值为“{_raw(target)}”；成本指标应设上限（≤或=预算支出标准），"
            f"不应使用“{_SYMBOL[operator]}”",
        )


@_rule(
    "cost-zero",
    Severity.WARNING,
    "成本指标值为0",
    "成本为0的项目不需要预算；多半是单位折算（元↔万元）或小数位丢失。",
    "performance-rules.md §1（审核）",
)
def _cost_zero(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        if _quantity(ind.target) == 0 and _is_cost(ind):
            yield _hit(
                ind,
                index,
                f"成本指标“{_label(ind)}”的指标值为“{_raw(ind.target)}”，成本为0不合理；请核对单位和预算支出标准",
            )


@_rule(
    "cost-qualitative",
    Severity.INFO,
    "成本指标为定性表述",
    "成本指标宜按预算支出标准量化（如“≤3万元”），定性表述（“严格执行相关规定”）无法考核。",
    "财预〔2021〕101号（成本指标取值）",
)
def _cost_qualitative(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        if ind.target.kind is TargetKind.QUALITATIVE and _is_cost(ind):
            yield _hit(
                ind,
                index,
                f"成本指标“{_label(ind)}”为定性表述“{_raw(ind.target)}”；成本指标宜按预算支出标准量化",
            )


# ---------------------------------------------------------------------------------------------------------
# Percentages and satisfaction


@_rule(
    "satisfaction-100",
    Severity.WARNING,
    "满意度目标为100%",
    "满意度目标定为100%或“≥100%”不现实，实际调查几乎不可能达成；常见取值为≥85%至≥95%。",
    "performance-rules.md §1（审核；满意度常见取值）",
)
def _satisfaction_100(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        value = _quantity(ind.target)
        if value != 100 or ind.target.operator not in (None, Operator.EQ, Operator.GE):
            continue
        if _is_percent(_unit(ind.target)) and _is_satisfaction(ind):
            yield _hit(
                ind,
                index,
                f"满意度指标“{_label(ind)}”的目标为“{_raw(ind.target)}”；满意度定为100%无法实现，"
                f"常见取值为≥85%至≥95%",
            )


@_rule(
    "satisfaction-range",
    Severity.INFO,
    "满意度目标偏低",
    f"满意度目标低于{kw.SATISFACTION_FLOOR}%，低于实际表格上常见的≥85%至≥95%。",
    "performance-rules.md §1（满意度常见取值）",
)
def _satisfaction_range(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        value = _quantity(ind.target)
        if value is None or not _is_percent(_unit(ind.target)) or not _is_satisfaction(ind):
            continue
        if ind.target.operator not in (Operator.LE, Operator.LT) and value < kw.SATISFACTION_FLOOR:
            yield _hit(
                ind,
                index,
                f"满意度指标“{_label(ind)}”的目标为“{_raw(ind.target)}”，低于常见的{kw.SATISFACTION_FLOOR}%",
            )


@_rule(
    "percent-over-100",
    Severity.ERROR,
    "百分比目标超过100%",
    "比率的下限目标（≥、>、=）超过100%无法达成；增长率、提升幅度除外。",
    "performance-rules.md §1（审核：“≥100百分比”）",
)
def _percent_over_100(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        value, target = _quantity(ind.target), ind.target
        if value is None or not _is_percent(_unit(target)) or _unit(target) in ("百分点", "个百分点"):
            continue
        if _has_any(_name(ind), kw.CHANGE_WORDS):
            continue
        over = value > 100 and target.operator in (None, Operator.EQ, Operator.GE, Operator.GT)
        if over or (value == 100 and target.operator is Operator.GT):
            yield _hit(ind, index, f"指标“{_label(ind)}”的目标为“{_raw(target)}”，超过100%，无法达成")


@_rule(
    "percent-word",
    Severity.WARNING,
    "单位写作“百分比”",
    "指标值应写作“%”（如“≥95%”），“≥100百分比”之类的写法在汇总和计分时读不准。",
    "performance-rules.md §1（审核：“≥100百分比”）",
)
def _percent_word(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        raw = _raw(ind.target)
        if "百分比" in raw or (ind.target.raw_unit or "").strip() == "百分比":
            yield _hit(
                ind,
                index,
                f"指标“{_label(ind)}”的指标值“{raw}”的单位写作“百分比”，"
                f"应写作“%”（如“{raw.replace('百分比', '%')}”）",
            )


# ---------------------------------------------------------------------------------------------------------
# Money


def _scaled_fixes(form: FormDocument, total: Decimal) -> list[tuple[int, str]]:
    """Fund uses that, read 10⁴ times smaller or larger, make the uses add up to ``total``: index, text."""
    whole = sum((use.amount for use in form.fund_uses), Decimal(0))
    fixes = []
    for index, use in enumerate(form.fund_uses):
        rest = whole - use.amount
        smaller, larger = use.amount.scaleb(-_TEN_THOUSAND), use.amount.scaleb(_TEN_THOUSAND)
        if rest + smaller == total:
            instead = f"{_fmt(smaller)}元"
        elif rest + larger == total:
            instead = f"{_fmt(use.amount)}万元"
        else:
            continue
        fixes.append(
            (
                index,
                f"第{index + 1}项“{use.item}”写作{use.raw.strip()}，"
                f"若为{instead}则合计与预算数{_money(form, total)}一致",
            )
        )
    return fixes


@_rule(
    "fund-uses-sum",
    Severity.ERROR,
    "资金用途合计与预算数不符",
    "资金用途各项之和应等于年度预算数；若某一项按“万”折算后恰好相符，指出该项。",
    "performance-rules.md §1（资金用途须与预算相加一致）；种子004“费用15000万元”",
)
def _fund_uses_sum(form: FormDocument) -> Iterator[Hit]:
    total = form.funds_annual.total
    if not form.fund_uses or total is None:
        return
    whole = sum((use.amount for use in form.fund_uses), Decimal(0))
    if whole == total:
        return
    message = (
        f"资金用途各项合计{_money(form, whole)}，与预算数{_money(form, total)}不一致"
        f"（相差{_money(form, abs(whole - total))}）"
    )
    fixes = _scaled_fixes(form, total)
    if len(fixes) == 1:
        index, fix = fixes[0]
        use = form.fund_uses[index]
        yield Hit(
            f"{message}；{fix}", use.location or _field_location(form, "fund_uses"), None, (FUND_USES, index)
        )
        return
    if fixes:
        message += "；以下各项按“万”折算后都可相符，请核对：" + "；".join(fix for _, fix in fixes)
    first = form.fund_uses[0]
    yield Hit(message, first.location or _field_location(form, "fund_uses"), None, (FUND_USES, 0))


def _funds_of(
    form: FormDocument,
) -> Iterator[tuple[str, str, Decimal | None, Decimal | None, Decimal | None]]:
    for key, label, funds in (
        ("funds.medium_term", "中期资金", form.funds_medium_term),
        ("funds.annual", "年度资金", form.funds_annual),
    ):
        yield key, label, funds.total, funds.fiscal, funds.other


@_rule(
    "funds-total",
    Severity.ERROR,
    "资金总额不等于财政拨款与其他资金之和",
    "每个时段的资金总额应等于其中财政拨款与其他资金之和；其他资金为空时按0计。",
    "performance-rules.md §1（总额 = 财政拨款 + 其他资金）",
)
def _funds_total(form: FormDocument) -> Iterator[Hit]:
    for order, (key, label, total, fiscal, other) in enumerate(_funds_of(form)):
        if total is None or (fiscal is None and other is None):
            continue
        parts = (fiscal or Decimal(0)) + (other or Decimal(0))
        if parts == total:
            continue
        fiscal_text = _money(form, fiscal) if fiscal is not None else "（空）"
        other_text = _money(form, other) if other is not None else "（空）"
        yield Hit(
            f"{label}总额{_money(form, total)}不等于财政拨款{fiscal_text}与其他资金{other_text}之和"
            f"{_money(form, parts)}（相差{_money(form, abs(total - parts))}）",
            _field_location(form, f"{key}.total"),
            None,
            (FUNDS, order),
        )


@_rule(
    "funds-annual-over-medium",
    Severity.WARNING,
    "年度资金超过中期资金",
    "年度资金是中期资金的一部分，年度资金总额不应大于中期资金总额。",
    "performance-rules.md §1（中期与年度资金）",
)
def _funds_annual_over_medium(form: FormDocument) -> Iterator[Hit]:
    annual, medium = form.funds_annual.total, form.funds_medium_term.total
    if annual is not None and medium is not None and annual > medium:
        yield Hit(
            f"年度资金总额{_money(form, annual)}大于中期资金总额{_money(form, medium)}",
            _field_location(form, "funds.annual.total"),
            None,
            (FUNDS, 1),
        )


@_rule(
    "spending-plan",
    Severity.ERROR,
    "资金支出计划累计比例有误",
    "资金支出计划是累计百分比，应逐步不减，并在最后一步达到100%。",
    "performance-rules.md §1（资金支出计划）",
)
def _spending_plan(form: FormDocument) -> Iterator[Hit]:
    steps = form.spending_plan
    for index in range(1, len(steps)):
        before, step = steps[index - 1], steps[index]
        if step.cumulative_percent < before.cumulative_percent:
            yield Hit(
                f"资金支出计划“{step.label}”累计{_fmt(step.cumulative_percent)}%，低于上一步“{before.label}”的"
                f"{_fmt(before.cumulative_percent)}%；累计比例应逐步递增",
                step.location,
                None,
                (SPENDING, index),
            )
    if steps and steps[-1].cumulative_percent != 100:
        last = steps[-1]
        yield Hit(
            f"资金支出计划最后一步“{last.label}”累计{_fmt(last.cumulative_percent)}%，应为100%",
            last.location,
            None,
            (SPENDING, len(steps) - 1),
        )


# ---------------------------------------------------------------------------------------------------------
# Horizons and the indicator set


@_rule(
    "annual-vs-medium",
    Severity.WARNING,
    "年度目标超过中期目标",
    "同一累计数量指标（≥、>，单位为次、家、人次、起、个等），年度指标值不应大于中期指标值。",
    "performance-rules.md §1（审核：年度与中期目标不一致）",
)
def _annual_vs_medium(form: FormDocument) -> Iterator[Hit]:
    groups = _by_horizon(form)
    medium: dict[str, Indicator] = {}
    for _, ind in groups.get(Horizon.MEDIUM_TERM, []):
        medium.setdefault(_normalise_name(_name(ind)), ind)
    for index, ind in groups.get(Horizon.ANNUAL, []):
        other = medium.get(_normalise_name(_name(ind)))
        if other is None or not _name(ind):
            continue
        annual_value, medium_value = _quantity(ind.target), _quantity(other.target)
        unit = _unit(ind.target)
        if annual_value is None or medium_value is None or unit not in kw.COUNT_UNITS:
            continue
        if unit != _unit(other.target) or ind.target.operator not in _UPPER_OPERATORS:
            continue
        if other.target.operator in (Operator.LE, Operator.LT):
            continue
        if annual_value > medium_value:
            yield _hit(
                ind,
                index,
                f"指标“{_label(ind)}”的年度指标值“{_raw(ind.target)}”大于中期指标值“{_raw(other.target)}”；"
                f"累计数量的年度目标不应超过中期目标",
            )


@_rule(
    "horizon-missing-indicator",
    Severity.INFO,
    "中期与年度指标不对应",
    "表格同时列出中期和年度指标时，一个时段里的指标在另一个时段里找不到同名指标。",
    "performance-rules.md §1（中期、年度两组指标并列）",
)
def _horizon_missing_indicator(form: FormDocument) -> Iterator[Hit]:
    groups = _by_horizon(form)
    if len(groups) < 2:
        return
    names = {
        horizon: {_normalise_name(_name(ind)) for _, ind in members if _name(ind)}
        for horizon, members in groups.items()
    }
    for horizon, members in groups.items():
        other = Horizon.ANNUAL if horizon is Horizon.MEDIUM_TERM else Horizon.MEDIUM_TERM
        for index, ind in members:
            if _name(ind) and _normalise_name(_name(ind)) not in names[other]:
                yield _hit(
                    ind,
                    index,
                    f"{_HORIZON_LABEL[horizon]}指标“{_label(ind)}”在{_HORIZON_LABEL[other]}指标中没有同名指标",
                )


def _has_quantitative(form: FormDocument) -> bool:
    return any(ind.target.kind is TargetKind.QUANTITATIVE for ind in form.indicators)


@_rule(
    "all-qualitative-outputs",
    Severity.WARNING,
    "产出指标全为定性",
    "一个时段的产出指标全部是定性表述，产出无法考核；产出指标应以定量为主。",
    "performance-rules.md §1（审核：目标全为定性）；财预〔2015〕88号（可衡量）",
)
def _all_qualitative_outputs(form: FormDocument) -> Iterator[Hit]:
    # A form with no number at all is reported once, by no-quantitative.
    if not _has_quantitative(form):
        return
    for horizon, members in _by_horizon(form).items():
        outputs = [(index, ind) for index, ind in members if _is_output(ind)]
        if outputs and all(ind.target.kind is TargetKind.QUALITATIVE for _, ind in outputs):
            index, first = outputs[0]
            yield Hit(
                f"{_HORIZON_LABEL[horizon]}产出指标（{len(outputs)}项）全部为定性表述，应设置可衡量的定量指标",
                first.location,
                None,
                (INDICATORS, index),
            )


@_rule(
    "no-quantitative",
    Severity.WARNING,
    "没有定量指标",
    "整张表没有一个定量指标，绩效无法衡量。",
    "performance-rules.md §1（审核：目标全为定性）；财预〔2015〕88号（可衡量）",
)
def _no_quantitative(form: FormDocument) -> Iterator[Hit]:
    members = list(_indicators(form))
    if members and not _has_quantitative(form):
        index, first = members[0]
        yield Hit(
            f"全部{len(members)}项指标都没有定量目标，绩效无法衡量", first.location, None, (INDICATORS, index)
        )


@_rule(
    "duplicate-indicator",
    Severity.WARNING,
    "同一时段指标重复",
    "同一时段内两行三级指标同名，多半是复制时漏改，计分时会重复计算。",
    "practice",
)
def _duplicate_indicator(form: FormDocument) -> Iterator[Hit]:
    for members in _by_horizon(form).values():
        seen: set[str] = set()
        for index, ind in members:
            key = _normalise_name(_name(ind))
            if not key:
                continue
            if key in seen:
                yield _hit(ind, index, f"{_horizon_prefix(form, ind)}“{_label(ind)}”重复出现")
            seen.add(key)


# ---------------------------------------------------------------------------------------------------------
# Excel serials and repairs


def _serial_in(text: str | None) -> int | None:
    """An Excel date serial written as a bare number (``44561``, ``= 44,561``), or None."""
    if not text:
        return None
    match = _BARE_NUMBER.match(re.sub(r"\s+", "", text))
    if match is None:
        return None
    number = int(match.group(1).replace(",", ""))
    return number if kw.EXCEL_SERIAL_MIN <= number <= kw.EXCEL_SERIAL_MAX else None


def _is_serial_warning(warning: str) -> bool:
    return _has_any(warning, kw.SERIAL_WARNING_WORDS)


def _target_serial(ind: Indicator) -> int | None:
    """The serial a target looks like, when the name asks for a date or the reader said it met a serial."""
    target = ind.target
    date_named = _has_any(_name(ind), kw.DATE_WORDS)
    warned = any(_is_serial_warning(w) for w in target.warnings)
    if not (date_named or warned):
        return None
    value = _quantity(target)
    if value is not None and _unit(target) is None and value == value.to_integral_value():
        number = int(value)
        if kw.EXCEL_SERIAL_MIN <= number <= kw.EXCEL_SERIAL_MAX:
            return number
    return _serial_in(target.raw)


def _serial_date(serial: int) -> str:
    day = _EXCEL_EPOCH + dt.timedelta(days=serial)
    return f"{day.year}年{day.month}月{day.day}日"


@_rule(
    "excel-serial",
    Severity.ERROR,
    "日期写成了Excel序列号",
    "应填日期或时限的地方出现20000–80000之间的整数（如44561），是Excel把日期存成了序列号。",
    "performance-rules.md §1（审核：Excel序列号“44561”）",
)
def _excel_serial(form: FormDocument) -> Iterator[Hit]:
    for index, ind in enumerate(form.indicators):
        label = _label(ind)
        serial = _target_serial(ind)
        serial_warnings = [w for w in ind.target.warnings if _is_serial_warning(w)]
        if serial is not None:
            yield _hit(
                ind,
                index,
                f"指标“{label}”的指标值“{_raw(ind.target)}”疑为Excel日期序列号（{serial}对应"
                f"{_serial_date(serial)}），应填写日期",
            )
        elif serial_warnings:
            yield _hit(ind, index, f"指标“{label}”的指标值“{_raw(ind.target)}”：{'；'.join(serial_warnings)}")
        actual_serial = _serial_in(ind.actual) if _has_any(_name(ind), kw.DATE_WORDS) else None
        if actual_serial is not None:
            yield _hit(
                ind,
                index,
                f"指标“{label}”的实际完成值“{(ind.actual or '').strip()}”疑为Excel日期序列号（对应"
                f"{_serial_date(actual_serial)}），应填写日期",
            )


@_rule(
    "ocr-repaired",
    Severity.WARNING,
    "指标值经过修复",
    "读取指标值时做过修复或推断（识别错字、单位补全等），请人工核对；Excel序列号由excel-serial报告。",
    "项目约定：读不准的值要说出来，不静默猜测",
)
def _ocr_repaired(form: FormDocument) -> Iterator[Hit]:
    for index, ind in enumerate(form.indicators):
        for warning in ind.target.warnings:
            if not _is_serial_warning(warning):
                yield _hit(ind, index, f"指标“{_label(ind)}”的指标值“{_raw(ind.target)}”：{warning}")


@_rule(
    "reader-warning",
    Severity.INFO,
    "读取时的提示",
    "读取文件时遇到的无法读取或经过修复的内容，逐条列出，不静默丢弃。",
    "项目约定：读不准的值要说出来，不静默猜测",
)
def _reader_warning(form: FormDocument) -> Iterator[Hit]:
    for index, warning in enumerate(form.warnings):
        yield Hit(warning.message, warning.location, None, (READER, index))


# ---------------------------------------------------------------------------------------------------------
# Relevance and completeness


@_rule(
    "input-as-target",
    Severity.WARNING,
    "以投入作为绩效目标",
    "产出、效益指标应反映做成了什么，而不是投入了多少：以预算金额、资金、人员作目标，"
    "或成本指标以外的产出指标以元计，都是把投入当成了产出。",
    "performance-rules.md §1（审核：投入作为目标）；财预〔2015〕88号（相关性）",
)
def _input_as_target(form: FormDocument) -> Iterator[Hit]:
    for index, ind in _indicators(form):
        output, benefit = _is_output(ind), _is_benefit(ind)
        if not (output or benefit) or _is_cost(ind) or _quantity(ind.target) is None:
            continue
        name, label = _name(ind), _label(ind)
        if _is_rate_name(name):
            continue
        kind = "产出" if output else "效益"
        if _has_any(name, kw.INPUT_MONEY_WORDS):
            yield _hit(ind, index, f"{kind}指标“{label}”以资金投入作为绩效目标；应改为反映{kind}的指标")
        elif _has_any(name, kw.INPUT_STAFF_WORDS):
            yield _hit(ind, index, f"{kind}指标“{label}”以人员投入作为绩效目标；应改为反映{kind}的指标")
        elif output and _is_money_unit(_unit(ind.target)):
            yield _hit(
                ind,
                index,
                f"产出指标“{label}”的指标值“{_raw(ind.target)}”以金额计；金额是投入，应放在成本指标下",
            )


@_rule(
    "missing-field",
    Severity.WARNING,
    "必填内容缺失",
    "项目名称、年度目标为空，或表中没有一个绩效指标（部门整体表不查项目名称和指标，监控表不查年度目标）。",
    "财预〔2015〕88号（完整性）",
)
def _missing_field(form: FormDocument) -> Iterator[Hit]:
    department = form.kind == FormKind.DEPARTMENT_WIDE
    if not department and not (form.project.name or "").strip():
        yield Hit("项目名称为空", _field_location(form, "project.name"), None, (HEADER, 0))
    sub_goals = form.department.sub_goals if form.department is not None else []
    # A monitoring table restates indicators and progress, not the goal.
    monitoring = form.kind == FormKind.MONITORING
    if not monitoring and not (form.goal_annual or "").strip() and not sub_goals:
        yield Hit("年度目标为空", _field_location(form, "goals.annual"), None, (GOALS, 1))
    if not department and not form.indicators:
        yield Hit("没有绩效指标", _field_location(form, "indicators"), None, (INDICATORS, 0))


@_rule(
    "weights-total",
    Severity.WARNING,
    "自评分值合计不为100",
    "自评表中预算执行率分值与各指标分值之和应为100。",
    "performance-rules.md §3（权重：预算执行率10、产出50、效益30、满意度10）；财预〔2020〕10号",
)
def _weights_total(form: FormDocument) -> Iterator[Hit]:
    execution = form.budget_execution
    if form.kind != FormKind.SELF_EVALUATION or execution is None or execution.weight is None:
        return
    weights = [ind.weight for ind in form.indicators]
    if not weights or any(weight is None for weight in weights):
        return
    total = execution.weight + sum((w for w in weights if w is not None), Decimal(0))
    if total != 100:
        yield Hit(
            f"预算执行率分值{_fmt(execution.weight)}与各指标分值合计为{_fmt(total)}，应为100",
            execution.location or form.location,
            None,
            (FUNDS, 2),
        )


@_rule(
    "deviation-reason-missing",
    Severity.WARNING,
    "未得满分却没有偏差原因",
    "自评或监控中得分低于分值的指标，须填写偏差原因分析及改进措施。",
    "performance-rules.md §3 第7条；财预〔2020〕10号",
)
def _deviation_reason_missing(form: FormDocument) -> Iterator[Hit]:
    if form.kind not in (FormKind.SELF_EVALUATION, FormKind.MONITORING):
        return
    for index, ind in enumerate(form.indicators):
        score, weight = ind.recorded_score, ind.weight
        if score is None or weight is None or score >= weight or (ind.deviation_reason or "").strip():
            continue
        yield _hit(
            ind,
            index,
            f"指标“{_label(ind)}”得分{_fmt(score)}低于分值{_fmt(weight)}，但没有填写偏差原因分析及改进措施",
        )


RULES: tuple[Rule, ...] = tuple(_RULES)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
