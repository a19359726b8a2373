"""Forms and evaluations for the report writers: seed 000's first project, scored with invented actuals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.domain.forms import read_forms
from jixiao.domain.forms.model import BudgetExecution, FormDocument, FormKind, Horizon
from jixiao.domain.scoring.engine import Evaluation, evaluate
from jixiao.domain.targets.model import TargetKind

SEED = "000_be243faf42b34df7.txt"
PROJECT = "网络内容建设工作经费及网络综合治理"

# Invented results for the annual indicators of the seed's first project (none of this is real data).
ACTUALS = {
    "开展网络文化活动次数": "4次",
    "组织开展网上重大主题宣传": "12次",
    "开展网络公益活动": "1次",
    "管理属地网站、微信公众号、微博号": "3.6万家",
    "开展执法督查": "2次",
    "开展普法宣传": "3次",
    "培训人数": "80人次",
    "违法违规网站账号处置率": "100%",
    "网上重大主题宣传市内主要新闻网站覆盖率": "100%",
    "我市网上正面宣传的传播力、引导力、影响力、公信力": "部分达成",
    "培训学员满意度": "96%",
}
REASONS = {
    "管理属地网站、微信公众号、微博号": "部分平台账号注销，属地账号总数下降；下半年开展存量账号排查。",
    "我市网上正面宣传的传播力、引导力、影响力、公信力": "重大主题宣传转发量未达预期；改进选题策划。",
}


@dataclass(frozen=True, slots=True)
class Scored:
    form: FormDocument
    evaluation: Evaluation


def seed_forms(seeds_dir: Path) -> list[FormDocument]:
    return read_forms(seeds_dir / SEED)


def score_seed(form: FormDocument) -> Scored:
    """The form as a self-evaluation: invented actuals, 达成 for the other qualitative rows, a budget block."""
    form.kind = FormKind.SELF_EVALUATION
    form.goal_annual_achieved = "全年组织网上重大主题宣传12次、网络文化活动4次，完成年度目标。"
    for indicator in form.indicators:
        if indicator.horizon is not Horizon.ANNUAL or indicator.target.kind is TargetKind.NOT_APPLICABLE:
            continue
        indicator.actual = ACTUALS.get(indicator.name or "", "达成")
        indicator.deviation_reason = REASONS.get(indicator.name or "")
    form.budget_execution = BudgetExecution(
        initial_budget=Decimal("1500000"), adjusted_budget=Decimal("1500000"), executed=Decimal("1383456.78")
    )
    return Scored(form, evaluate(form))


@pytest.fixture
def seed_form(seeds_dir: Path) -> FormDocument:
    return seed_forms(seeds_dir)[0]


@pytest.fixture
def scored(seed_form: FormDocument) -> Scored:
    return score_seed(seed_form)
