"""表1 安全生产工作月报（综合） (DOMAIN.md §f), declared as data: one page drawn from every kind — checks,
hazards, enforcement documents, 打非治违, training and drills, rewards, accidents with their 同比. The
township's return has two rows (本月, 本年累计); the county's 汇总 a row per township of the month, and 合计.
"""

from __future__ import annotations

from .spec import INT, PERCENT, TEXT, Column, FormSpec, Ratio

_SIGNED = ("填报人（签字）", "审核人（分管领导签字）", "单位（盖章）")
_CHECKS, _FOUND, _FIXED, _CRACKDOWN, _REWARDS, _ACCIDENTS = (
    "检查", "发现隐患", "已整改", "打非治违", "有奖举报", "生产安全事故")

COLUMNS = (
    Column("inspections", "检查单位家次", INT, _CHECKS, width=4),
    Column("inspections_high_risk", "其中高危企业", INT, _CHECKS, width=4),
    Column("found_general", "一般", INT, _FOUND, width=3),
    Column("found_major", "重大", INT, _FOUND, width=3),
    Column("fixed_general", "一般", INT, _FIXED, width=3),
    Column("fixed_major", "重大", INT, _FIXED, width=3),
    Column("fix_rate", "整改率", PERCENT, width=4.5, ratio=Ratio("fixed", "found")),
    Column("documents", "执法文书（份）", INT, width=4),
    Column("referrals", "移交县局案件", INT, width=4),
    Column("banned", "取缔", INT, _CRACKDOWN, width=3),
    Column("stopped", "停产", INT, _CRACKDOWN, width=3),
    Column("trainings", "宣传/培训场次", INT, width=4),
    Column("drills", "演练场次", INT, width=3.5),
    Column("rewards_received", "受理", INT, _REWARDS, width=3),
    Column("rewards_paid", "兑现", INT, _REWARDS, width=3),
    Column("accidents", "起数", INT, _ACCIDENTS, width=3),
    Column("deaths", "死亡（含失踪）", INT, _ACCIDENTS, width=4.5),
    Column("versus", "同比（上年同期）", TEXT, _ACCIDENTS, width=11),
)

NOTES = (
    "检查单位家次：检查日期在统计期内的检查记录数（一次检查一家次）；其中高危企业：被检查单位为高危企业的家次。",
    "发现隐患：发现日期在统计期内的隐患；已整改：其中至月末整改完成的；整改率＝已整改÷发现隐患（一般和重大合计），无隐患的填“—”。",
    "执法文书：日期在统计期内的执法文书份数；移交县局案件：其中的案件移送书。",
    "打非治违：取缔＝经营状态在统计期内改为“取缔”的单位数；停产＝检查中责令停产整顿的家次。",
    "宣传/培训场次、演练场次：日期在统计期内的培训、演练记录数。",
    "有奖举报：受理＝受理日期在统计期内的举报数；兑现＝兑现日期在统计期内的举报数。",
    "生产安全事故：发生日期在统计期内、标为生产安全事故的起数和死亡（含失踪）人数；同比为与上年同期相比的增减（起、人），两年均无事故的填“均为0”，上年同期无任何记录时注明“无记录”。",
)

TABLE1 = FormSpec(
    code="表1",
    title="安全生产工作月报（综合）",
    period_kind="month",
    orientation="landscape",
    row_label="统计期",
    row_label_width=5,
    total_row=None,
    columns=COLUMNS,
    notes=NOTES,
    signature_labels=_SIGNED,
    font_size=8,
)

COUNTY_TABLE1 = FormSpec(
    code="表1（汇总）",
    title="安全生产工作月报（综合）（汇总）",
    period_kind="month",
    orientation="landscape",
    row_label="乡镇（街道）",
    row_label_width=7,
    columns=COLUMNS,
    notes=(*NOTES, "汇总：各乡镇为本月数；合计行的整改率由合计数计算；本年累计和同比见表下说明。"),
    signature_labels=_SIGNED,
    font_size=8,
)
