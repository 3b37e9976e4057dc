"""The returns and printable lists of the township, declared as data (DOMAIN.md §f).

Each declaration is all there is to a form on paper; its rows come from a service. Column keys are what the
service puts in each row dict (see ``pjdesk.forms.spec`` for the value of each kind). A derived form is a
``dataclasses.replace`` of one of these, e.g. the county's 表2 with one row per township:

    replace(TABLE2, code="表2（汇总）", row_label="乡镇（街道）")

and the county's 表4 likewise, one row per township.
"""

from __future__ import annotations

from .emergency_returns import TABLE7
from .people_returns import TABLE6
from .plan_returns import TABLE5, TABLE8, TABLE9
from .spec import DATE, INT, MONEY, PERCENT, TEXT, WANYUAN, YUAN, Column, FormSpec, Ratio
from .table1_returns import TABLE1

_GENERAL, _MAJOR = "一般隐患", "重大隐患"

# 表2 隐患排查治理统计表: one row per 行业领域 (row key "label"), then 合计.
TABLE2 = FormSpec(
    code="表2",
    title="隐患排查治理统计表",
    period_kind="month",
    orientation="landscape",
    row_label="行业领域",
    row_label_width=8,
    columns=(
        Column("general_new", "本月新增", INT, _GENERAL, width=4.5),
        Column("general_fixed", "本月整改", INT, _GENERAL, width=4.5),
        Column("general_found_ytd", "年度累计查出", INT, _GENERAL, width=4.5),
        Column("general_fixed_ytd", "年度累计整改", INT, _GENERAL, width=4.5),
        Column("general_fix_rate", "整改率", PERCENT, _GENERAL, width=5,
               ratio=Ratio("general_fixed_ytd", "general_found_ytd")),
        Column("general_open", "累计未整改", INT, _GENERAL, width=4.5),
        Column("major_new", "本月新增", INT, _MAJOR, width=4.5),
        Column("major_found_ytd", "年度累计查出", INT, _MAJOR, width=4.5),
        Column("major_closed", "已销号", INT, _MAJOR, width=4.5),
        # Of the major hazards whose deadline fell due this year, the share closed by the deadline; the
        # two counts are given per row and summed for 合计, so the total rate is not a sum of rates.
        Column("major_on_time_rate", "按期销号率", PERCENT, _MAJOR, width=5,
               ratio=Ratio("major_closed_on_time", "major_due")),
        Column("major_overdue", "逾期未销号", INT, _MAJOR, width=4.5),
        Column("major_supervised", "挂牌督办", INT, _MAJOR, width=4.5),
        Column("funds", "治理资金（万元）", MONEY, width=6, unit=WANYUAN),
    ),
    notes=(
        "本月新增＝本月发现的隐患数；本月整改＝本月整改完成的隐患数。",
        "年度累计查出：本年1月1日至月末发现的隐患数；年度累计整改、已销号：其中至月末已整改、已销号的数。",
        "整改率＝年度累计整改÷年度累计查出；年度未查出隐患的填“—”。",
        "按期销号率＝整改期限在本年内且已到期的重大隐患中，按期销号的比例；无到期重大隐患的填“—”。",
        "累计未整改、逾期未销号、挂牌督办：截至月末未整改、超过整改期限未销号、仍在挂牌督办的隐患数。",
        "治理资金：本月整改完成的隐患投入的整改资金，单位万元，保留两位小数。",
        "合计行的比率由合计数计算，不是各行比率相加。",
    ),
    signature_labels=("填报人（签字）", "审核人（分管领导签字）", "单位（盖章）"),
)

# 表3 重大事故隐患“一单四制”进度表: one row per major hazard.
TABLE3 = FormSpec(
    code="表3",
    title="重大事故隐患“一单四制”进度表",
    period_kind="month",
    orientation="landscape",
    columns=(
        Column("hazard_no", "编号", TEXT, width=8.5),
        Column("unit", "单位（统一社会信用代码）", TEXT, width=10),  # 名称（代码）, as the service joins them
        Column("description", "隐患描述", TEXT, width=10.5),
        Column("major_basis", "判定依据", TEXT, width=9.5),
        Column("assignment_no", "交办单号", TEXT, width=7.5),
        Column("responsible", "责任单位/责任人", TEXT, width=7),
        Column("measures", "整改措施", TEXT, width=10.5),
        Column("funds", "资金（元）", MONEY, width=6, unit=YUAN),
        Column("deadline", "整改时限", DATE, width=6),
        Column("interim_controls", "临时管控措施", TEXT, width=9),
        # 复查合格（逾期未销号） on two lines of words, not a character a line
        Column("progress", "进度", TEXT, width=9),
        Column("review_date", "复查", DATE, "复查/销号日期", width=6),
        Column("closed_date", "销号", DATE, "复查/销号日期", width=6),
        Column("notice", "通报情况", TEXT, width=7),
    ),
    notes=(
        "一单：重大事故隐患清单，一隐患一行；四制：交办制、台账制、销号制、通报制。",
        "进度按隐患状态填写：发现、整改中、已整改待复查、复查合格、销号；超过整改期限仍未整改的注明“逾期未整改”，"
        "已整改但超过整改期限仍未销号的注明“逾期未销号”。",
        "资金单位为元；日期按“年-月-日”填写。",
    ),
    signature_labels=("填报人（签字）", "审核人（分管领导签字）", "单位（盖章）"),
)

# 表4 监管执法统计表: one row per 检查方式 (row key "label"), then 合计. The documents counted by type: each
# named type has its column (type → column key), every other type is counted under 其他.
TABLE4_DOCUMENT_COLUMNS = (
    ("现场检查记录", "doc_site_record"),
    ("现场处理措施决定书", "doc_site_measures"),
    ("责令限期整改指令书", "doc_rectification_order"),
    ("强制措施决定书", "doc_coercive_measures"),
    ("整改复查意见书", "doc_review_opinion"),
    ("行政处罚决定书", "doc_penalty_decision"),
)
TABLE4_OTHER_DOCUMENTS = "doc_other"
_HAZARDS, _DOCUMENTS = "发现隐患（项）", "执法文书（份）"
TABLE4 = FormSpec(
    code="表4",
    title="监管执法统计表",
    period_kind="month",
    orientation="landscape",
    row_label="检查方式",
    row_label_width=7,
    columns=(
        Column("inspections", "检查家次", INT, width=3.5),
        Column("units", "被检查单位数", INT, width=4),
        Column("high_risk_units", "其中高危企业", INT, width=4),
        Column("hazards_general", "一般", INT, _HAZARDS, width=3),
        Column("hazards_major", "重大", INT, _HAZARDS, width=3),
        Column("hazards_rectified", "已整改", INT, _HAZARDS, width=3.5),
        *(Column(key, doc_type, INT, _DOCUMENTS, width=4.5) for doc_type, key in TABLE4_DOCUMENT_COLUMNS),
        Column(TABLE4_OTHER_DOCUMENTS, "其他", INT, _DOCUMENTS, width=3),
        Column("stop_orders", "责令停产整顿", INT, width=4),
        Column("fines", "罚款（万元）", MONEY, width=5, unit=WANYUAN),
    ),
    notes=(
        "检查家次：检查日期在本月的检查记录数（含待补充的记录）；执法检查指日常巡查以外的各种检查方式。",
        "被检查单位数、其中高危企业：其中不同单位的家数；一家单位本月受多种方式检查的，合计行只计一次。",
        "发现隐患：隐患台账中注明由本月检查发现的隐患，按其检查方式分行；已整改：其中至月末已整改完成的。",
        "执法文书：日期在本月的文书，按所依据检查记录的检查方式分行；未关联检查记录的列“未关联检查记录”行。",
        "责令停产整顿：本月检查中责令停产整顿的家次；罚款：本月检查记录的罚款金额，单位万元，保留两位小数。",
    ),
    signature_labels=("填报人（签字）", "审核人（分管领导签字）", "单位（盖章）"),
)

# 隐患排查治理台账: the printable ledger of a period, one row per hazard, numbered.
LEDGER = FormSpec(
    code="台账",
    title="隐患排查治理台账",
    period_kind="period",
    orientation="landscape",
    serial_label="序号",
    font_size=7.5,
    columns=(
        Column("hazard_no", "编号", TEXT, width=7.5),
        Column("unit_name", "单位名称", TEXT, width=9),
        Column("description", "隐患描述", TEXT, width=13),
        Column("location", "部位", TEXT, width=8),
        Column("level", "等级", TEXT, width=3.5),
        Column("sector", "行业", TEXT, width=5.5),
        Column("source", "来源", TEXT, width=5.5),
        Column("found_date", "发现日期", DATE, width=6),
        Column("resp_person", "整改责任人", TEXT, width=5),
        Column("measures", "整改措施", TEXT, width=11),
        Column("funds", "资金（元）", MONEY, width=6, unit=YUAN),
        Column("deadline", "整改期限", DATE, width=6),
        Column("rectified_date", "整改完成", DATE, width=6),
        Column("review_date", "复查", DATE, width=6),
        Column("closed_date", "销号", DATE, width=6),
        Column("status", "状态", TEXT, width=5.5),
    ),
    notes=("本台账列出本期内任何时候未销号的隐患（含以前发现、本期仍未销号的）和本期销号的隐患；本期以前已销号的不列。",
           "状态为期末的状态，由处理记录推算：发现、整改中、已整改待复查、复查合格、销号；日期按“年-月-日”填写。"),
    signature_labels=("填报人（签字）", "审核人（签字）", "单位（盖章）"),
)

FORMS: dict[str, FormSpec] = {spec.code: spec for spec in (
    TABLE1, TABLE2, TABLE3, TABLE4, TABLE5, TABLE6, TABLE7, TABLE8, TABLE9, LEDGER)}


def ranking_form(indicators: list[tuple[str, str]]) -> FormSpec:
    """排名: the county's monthly ranking of the townships, a column per counted indicator (key, name).

    The indicators and their weights are the county's choice, so the columns are made per ranking.
    """
    return FormSpec(
        code="排名",
        title="乡镇（街道）安全生产工作月度排名表",
        period_kind="month",
        orientation="portrait",
        row_label="乡镇（街道）",
        row_label_width=7,
        columns=(
            Column("rank", "名次", INT, width=3, in_total=False),
            Column("score", "综合得分", TEXT, width=4.5),
            *(Column(key, name, PERCENT, "指标完成情况", width=max(5.0, len(name) * 0.55)) for key, name in indicators),
            Column("interview", "约谈", TEXT, width=3),
        ),
        total_row=None,
        signature_labels=("填报人（签字）", "审核人（签字）", "单位（盖章）"),
    )

