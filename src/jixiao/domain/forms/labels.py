"""The words real forms use for their fields and columns, in one place.

Matching is done on a *key*: the cell text in simplified characters with spaces, colons and full-width
brackets normalised away, so `项目资金 (万元)`, `項目資金（萬元）` and `项目资金(万元):` all read alike.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from jixiao.domain.text import to_simplified

_KEY_DROP = re.compile(r"[\s:：]+")


@lru_cache(maxsize=65536)
def key_of(text: str) -> str:
    return plain_key(to_simplified(text))


def plain_key(text: str) -> str:
    """``key_of`` for text already in simplified characters."""
    return _KEY_DROP.sub("", text).replace("（", "(").replace("）", ")")


def strip_notes(key: str) -> str:
    """`三级指标(长期)` → `三级指标`; `实施单位(盖章)` → `实施单位`."""
    if "(" not in key:
        return key
    # Each `(` up to the first `)` after it, as `re.sub(r"\(.*?\)", "", key)` would, but in one pass: that
    # regex is quadratic on a cell of many `(` with no `)`.
    out: list[str] = []
    at = 0
    while True:
        opening = key.find("(", at)
        closing = key.find(")", opening + 1) if opening >= 0 else -1
        if opening < 0 or closing < 0:
            out.append(key[at:])
            return "".join(out)
        out.append(key[at:opening])
        at = closing + 1


# Titles that start a new form, and the kind they announce.
TITLE = re.compile(
    r"(绩效目标(申报|审核)?表|绩效自评表|绩效自我评价表|绩效(运行)?监控表|部门整体(支出)?绩效目标(表|申报表)?$)"
)
STOP_WORDS = (
    "合计",
    "总分",
    "评价结论",
    "存在问题",
    "改进措施",
    "项目负责人",
    "财务负责人",
    "填报人",
    "附件",
    "填报说明",
    "说明:",
    "注:",
    "注1",
    "扫一扫",
    "偏差或不能完成目标原因分析",
    "相关建议或举措",
    "第二部分",
    "第三部分",
    "财政部门审核意见",
    "审核意见",
)


class Field(StrEnum):
    NAME = "name"
    CODE = "code"
    UNIT = "unit"
    DEPARTMENT = "department"
    ATTRIBUTE = "attribute"
    PERIOD = "period"


FIELD_LABELS: dict[str, Field] = {
    "项目名称": Field.NAME,
    "专项名称": Field.NAME,
    "专项资金名称": Field.NAME,
    "项目支出名称": Field.NAME,
    "项目编码": Field.CODE,
    "项目代码": Field.CODE,
    "项目编号": Field.CODE,
    "实施单位": Field.UNIT,
    "项目执行单位": Field.UNIT,
    "项目实施单位": Field.UNIT,
    "预算单位": Field.UNIT,
    "主管部门": Field.DEPARTMENT,
    "主管部门及编码": Field.DEPARTMENT,
    "主管预算部门": Field.DEPARTMENT,
    "县级主管部门": Field.DEPARTMENT,
    "项目主管单位": Field.DEPARTMENT,
    "项目属性": Field.ATTRIBUTE,
    "项目期": Field.PERIOD,
    "项目日期": Field.PERIOD,
    "项目周期": Field.PERIOD,
    "项目实施期": Field.PERIOD,
    "项目起止时间": Field.PERIOD,
    "项目实施周期": Field.PERIOD,
}


class Money(StrEnum):
    MEDIUM_TOTAL = "medium_total"
    TOTAL = "total"  # 资金总额: medium-term when the form also has an annual total, else annual
    ANNUAL_TOTAL = "annual_total"
    FISCAL = "fiscal"
    ANNUAL_FISCAL = "annual_fiscal"
    OTHER = "other"
    ANNUAL_OTHER = "annual_other"


def money_label(key: str) -> Money | None:
    k = strip_notes(key).removeprefix("其中")
    if not k or len(k) > 16:
        return None
    if k in ("中期资金总额", "中期资金", "中期预算总额"):
        return Money.MEDIUM_TOTAL
    if k in ("年度资金总额", "当年资金总额", "年度预算数", "预算数", "年度资金", "本年资金总额"):
        return Money.ANNUAL_TOTAL
    if k in ("资金总额", "项目资金总额", "总额"):
        return Money.TOTAL
    if k.startswith(("当年", "本年", "年度")) and ("财政" in k or "一般公共预算" in k):
        return Money.ANNUAL_FISCAL
    if k.startswith(("当年", "本年", "年度")) and k.endswith("其他资金"):
        return Money.ANNUAL_OTHER
    if k in ("财政拨款", "财政资金", "财政拨款数", "财政性资金") or k.startswith("一般公共预算"):
        return Money.FISCAL
    if k in ("其他资金", "其他"):
        return Money.OTHER
    return None


# Column headers of an indicator table, and the role of each column.
class Col(StrEnum):
    LEVEL1 = "level1"
    LEVEL2 = "level2"
    NAME = "name"
    TARGET = "target"
    OPERATOR = "operator"
    DIRECTION = "direction"
    UNIT = "unit"
    DESCRIPTION = "description"
    BASIS = "basis"
    WEIGHT = "weight"
    SCORE = "score"
    ACTUAL = "actual"
    REASON = "reason"
    NOTE = "note"
    STANDARD = "standard"
    LIKELIHOOD = "likelihood"
    # Columns of tables that list many projects, one block of rows each.
    ORG_UNIT = "org_unit"
    PROJECT = "project"
    BUDGET = "budget"
    GOAL = "goal"
    INDEX = "index"  # 序号: a row number, never a value


_HEADER_ROLES: list[tuple[str, Col]] = [
    ("一级指标", Col.LEVEL1),
    ("二级指标", Col.LEVEL2),
    ("三级指标", Col.NAME),
    ("三级指标内容", Col.NAME),
    ("考核指标", Col.NAME),
    ("序号", Col.INDEX),
    ("指标值及单位", Col.TARGET),
    ("年初目标值", Col.TARGET),
    ("年初指标值", Col.TARGET),
    # A second value column beside the target (年初 / 调整后): kept aside, never read as the target.
    ("调整后指标值", Col.NOTE),
    ("全年预计完成情况", Col.NOTE),
    ("纠偏措施", Col.NOTE),
    ("预警", Col.NOTE),
    ("原因说明", Col.REASON),
    ("调整指标值", Col.NOTE),
    ("调整后目标值", Col.NOTE),
    ("年度工作目标", Col.TARGET),
    ("绩效标准", Col.STANDARD),
    ("权数", Col.WEIGHT),
    ("参考分值", Col.WEIGHT),
    ("考评得分", Col.SCORE),
    ("自评得分", Col.SCORE),
    ("自评分", Col.SCORE),
    ("年终完成值", Col.ACTUAL),
    ("全年完成值", Col.ACTUAL),
    ("指标名称", Col.NAME),
    ("指标内容", Col.NAME),
    ("年度指标值", Col.TARGET),
    ("指标值", Col.TARGET),
    ("目标值", Col.TARGET),
    ("预期指标值", Col.TARGET),
    ("指标性质", Col.OPERATOR),
    ("指标方向性", Col.DIRECTION),
    ("指标方向", Col.DIRECTION),
    ("度量单位", Col.UNIT),
    ("计量单位", Col.UNIT),
    ("绩效指标描述", Col.DESCRIPTION),
    ("指标解释", Col.DESCRIPTION),
    ("指标说明", Col.DESCRIPTION),
    ("指标值确定依据", Col.BASIS),
    ("评(扣)分标准", Col.STANDARD),
    ("评分标准", Col.STANDARD),
    ("分值", Col.WEIGHT),
    ("权重", Col.WEIGHT),
    ("得分", Col.SCORE),
    ("实际完成值", Col.ACTUAL),
    ("全年实际值", Col.ACTUAL),
    ("完成值", Col.ACTUAL),
    ("偏差原因分析及改进措施", Col.REASON),
    ("偏差原因", Col.REASON),
    ("未完成原因分析", Col.REASON),
    ("原因分析", Col.REASON),
    ("备注", Col.NOTE),
    ("完成目标可能性", Col.LIKELIHOOD),
    ("半年度指标执行情况", Col.ACTUAL),
    ("指标执行情况", Col.ACTUAL),
    ("单位名称", Col.ORG_UNIT),
    ("项目名称", Col.PROJECT),
    ("预算数", Col.BUDGET),
    ("年度目标", Col.GOAL),
]
_HEADER_EXACT = dict(_HEADER_ROLES)


def header_role(key: str) -> Col | None:
    """The role of an indicator-table header cell, or None when the cell is not such a header."""
    k = strip_notes(key)
    if k in _HEADER_EXACT:
        return _HEADER_EXACT[k]
    if "指标值确定依据" in k:
        return Col.BASIS
    if k.startswith("截至") and "完成" in k:
        return Col.ACTUAL
    return None


def header_horizon_hint(key: str) -> str | None:
    """`三级指标(长期)` → medium_term; `指标值(年度)` → annual."""
    if "(长期)" in key or "(中期)" in key or "中期" in key:
        return "medium_term"
    if "(年度)" in key or "(当年)" in key:
        return "annual"
    return None
