"""Word lists the review rules match indicator names and units against, kept in one place to tune them."""

from __future__ import annotations

# A name with one of these words is a rate, to be measured in %.
RATE_WORDS: tuple[str, ...] = ("率", "比例", "占比", "比重", "百分比")
# Words ending in 率 that are not shares of a whole (频率 is 次/月, 速率 is Mbps ...).
NOT_RATE_WORDS: tuple[str, ...] = ("频率", "效率", "速率", "功率", "码率", "帧率", "分辨率", "汇率", "率先")
SATISFACTION_WORDS: tuple[str, ...] = ("满意度", "满意率")

PERCENT_UNITS: frozenset[str] = frozenset({"%", "％", "百分比", "百分点", "个百分点", "‰"})
# Satisfaction surveys are sometimes scored out of 100 points.
SATISFACTION_EXTRA_UNITS: frozenset[str] = frozenset({"分"})
TIME_UNITS: frozenset[str] = frozenset(
    {"天", "日", "工作日", "个工作日", "小时", "个小时", "分钟", "秒", "周", "个月", "月", "年", "h", "min"}
)

# A name with one of these words is an amount of money, never a %.
MONEY_NAME_WORDS: tuple[str, ...] = ("费用", "成本", "金额", "资金", "经费", "价格", "单价")
# A name with one of these words counts things or people, never a %.
COUNT_NAME_WORDS: tuple[str, ...] = ("数量", "个数", "次数", "人数", "家数", "户数", "人次")
# A change of a money or count figure may well be a % ("成本降低", "数量增长").
CHANGE_WORDS: tuple[str, ...] = (
    "节约",
    "节省",
    "降低",
    "下降",
    "压减",
    "减少",
    "控制",
    "增长",
    "增幅",
    "增速",
    "增加",
    "提高",
    "提升",
    "同比",
    "环比",
)

# A money or count figure may be tracked as a share of its plan ("资金支出进度 ≥95%").
SHARE_WORDS: tuple[str, ...] = ("进度", "执行", "完成", "到位", "覆盖", "达标", "合格")

# Count words that name an object being counted; measured in 次 they are a defect.
OBJECT_COUNT_WORDS: tuple[str, ...] = (
    "家数",
    "个数",
    "户数",
    "人数",
    "会员数",
    "单位数",
    "企业数",
    "网站数",
    "账号数",
    "系统数",
    "平台数",
    "应用数",
    "机构数",
)
# "X数量" counts events when X is one of these, and then 次 is right ("宣传数量 ≥6次").
EVENT_WORDS: tuple[str, ...] = (
    "活动",
    "宣传",
    "检查",
    "督查",
    "督导",
    "培训",
    "演练",
    "会议",
    "执法",
    "巡查",
    "通报",
    "预警",
    "发布",
    "处置",
    "监测",
    "评估",
    "调研",
    "讲座",
    "竞赛",
    "比赛",
    "采访",
    "报道",
    "推送",
    "更新",
    "考核",
    "座谈",
    "走访",
    "宣讲",
    "评选",
    "征集",
    "约谈",
    "出差",
    "任务",
    "访问",
    "浏览",
    "转发",
    "下载",
)
EVENT_UNITS: frozenset[str] = frozenset({"次"})
# Units of things and places; a 次数 indicator measured in one of these is a defect.
OBJECT_UNITS: frozenset[str] = frozenset({"家", "个", "户", "所", "台", "套", "款", "部", "座"})
# Units of a count that adds up over the years, for the annual ≤ medium-term check.
COUNT_UNITS: frozenset[str] = frozenset(
    {
        "次",
        "家",
        "人次",
        "起",
        "个",
        "人",
        "场",
        "期",
        "篇",
        "条",
        "件",
        "户",
        "所",
        "名",
        "项",
        "批",
        "部",
        "台",
        "套",
    }
)

# Levels (一级/二级) that make an indicator a cost indicator.
COST_LEVEL_WORD = "成本"
# Names that are costs when the levels say nothing.
COST_NAME_WORDS: tuple[str, ...] = ("费用", "成本", "经费")
OUTPUT_LEVEL_WORD = "产出"
OUTPUT_LEVEL2: tuple[str, ...] = ("数量指标", "质量指标", "时效指标")
BENEFIT_LEVEL_WORDS: tuple[str, ...] = ("效益", "可持续")
SATISFACTION_LEVEL_WORD = "满意度"

# Inputs used as targets: money and staff are what a project spends, not what it delivers.
INPUT_MONEY_WORDS: tuple[str, ...] = (
    "预算总金额",
    "预算金额",
    "预算资金",
    "预算总额",
    "预算总成本",
    "资金总额",
    "经费总额",
    "投入资金",
    "资金投入",
    "总投资",
    "财政拨款",
)
INPUT_STAFF_WORDS: tuple[str, ...] = (
    "工作人员",
    "在编",
    "编制",
    "聘用人员",
    "出差人数",
    "出差人次",
    "派出人员",
    "人员配备",
)

# A name that asks for a date or a deadline.
DATE_WORDS: tuple[str, ...] = ("时间", "日期", "时限", "期限", "截止", "时点")
# Words a target warning uses when a value was read as an Excel date serial.
SERIAL_WARNING_WORDS: tuple[str, ...] = ("序列", "serial", "Serial", "Excel", "excel")
EXCEL_SERIAL_MIN = 20000  # 1954-10-03
EXCEL_SERIAL_MAX = 80000  # 2119-01-10

SATISFACTION_FLOOR = 85  # targets seen on real forms run from ≥85% to ≥95%
