"""表5 生产安全事故及自然灾害亡人统计表, 表8 森林防灭火与防汛月报 and 表9 道路交通与人员密集场所专项表 (DOMAIN.md
§f), declared as data. A township's return lists the month's records, one row each, under 本月合计; what runs
over the year (本年累计, 去年同期, 同比, 受害率, the hazards of 表9) is printed in the notes under its list. The
county's 汇总 has a row per township of the roster, with 合计 for the county.
"""

from __future__ import annotations

from .spec import DATE, DECIMAL, INT, MONEY, PERCENT, PERMILLE, TEXT, WANYUAN, Column, FormSpec, Ratio

_SIGNED = ("填报人（签字）", "审核人（分管领导签字）", "单位（盖章）")
_MONTH_TOTAL = "本月合计"
_TOWNSHIP = "乡镇（街道）"

# --- 表5 ----------------------------------------------------------------------------------------------------------
_HARM = "伤亡（人）"
TABLE5 = FormSpec(
    code="表5",
    title="生产安全事故及自然灾害亡人统计表",
    period_kind="month",
    orientation="landscape",
    serial_label="序号",
    total_row=_MONTH_TOTAL,
    columns=(
        Column("occurred", "日期", DATE, width=5.5),
        Column("unit", "单位", TEXT, width=10),
        Column("industry", "行业", TEXT, width=7),
        Column("category", "事故类别", TEXT, width=5),
        Column("level", "等级", TEXT, width=3.5),
        Column("kind", "性质", TEXT, width=6.5),
        Column("deaths", "死亡", INT, _HARM, width=3),
        Column("missing", "失踪", INT, _HARM, width=3),
        Column("serious", "重伤", INT, _HARM, width=3),
        Column("minor", "轻伤", INT, _HARM, width=3),
        Column("loss", "直接经济损失（万元）", MONEY, width=6, unit=WANYUAN),
        Column("summary", "简况", TEXT, width=15),
    ),
    notes=(
        "发生日期在本月的事故和自然灾害亡人，一起一行。行业按 GB/T 4754 门类，事故类别按 GB 6441。",
        "等级按《生产安全事故报告和调查处理条例》第三条：死亡（含失踪）、重伤、直接经济损失任一项达到的最高等级。",
        "性质：生产安全事故、自然灾害亡人分别统计，不相互计入。",
    ),
    signature_labels=_SIGNED,
)

_PRODUCTION, _DISASTER = "生产安全事故", "自然灾害亡人"
COUNTY_TABLE5 = FormSpec(
    code="表5（汇总）",
    title="生产安全事故及自然灾害亡人统计表（汇总）",
    period_kind="month",
    orientation="landscape",
    row_label=_TOWNSHIP,
    columns=(
        Column("month_count", "本月起数", INT, _PRODUCTION, width=3.5),
        Column("month_dead", "本月亡人", INT, _PRODUCTION, width=3.5),
        Column("ytd_count", "累计起数", INT, _PRODUCTION, width=3.5),
        Column("ytd_dead", "累计亡人", INT, _PRODUCTION, width=3.5),
        Column("last_count", "去年同期起数", INT, _PRODUCTION, width=4.5),
        Column("last_dead", "去年同期亡人", INT, _PRODUCTION, width=4.5),
        Column("change_count", "起数同比", PERCENT, _PRODUCTION, width=4.5),
        Column("change_dead", "亡人同比", PERCENT, _PRODUCTION, width=4.5),
        Column("larger", "较大以上起数", INT, _PRODUCTION, width=4.5),
        Column("ytd_loss", "累计直接经济损失（万元）", MONEY, _PRODUCTION, width=6, unit=WANYUAN),
        Column("disaster_month", "本月", INT, _DISASTER, width=3),
        Column("disaster_ytd", "累计", INT, _DISASTER, width=3),
        Column("disaster_last", "去年同期", INT, _DISASTER, width=4),
    ),
    notes=(
        "亡人 = 死亡 + 失踪。累计为本年 1 月 1 日至本月末；去年同期为去年 1 月 1 日至去年同月末。",
        "同比 =（累计 − 去年同期）÷ 去年同期；去年同期为 0 时无法计算，记“—”。",
        "较大以上：按《生产安全事故报告和调查处理条例》第三条判定为较大、重大、特别重大的事故，本年累计。",
        "自然灾害亡人：自然灾害造成的死亡和失踪人数，不计入生产安全事故。",
    ),
    signature_labels=_SIGNED,
)

# --- 表8 ----------------------------------------------------------------------------------------------------------
TABLE8 = FormSpec(
    code="表8",
    title="森林防灭火与防汛月报",
    period_kind="month",
    orientation="landscape",
    serial_label="序号",
    total_row=_MONTH_TOTAL,
    columns=(
        Column("date", "发生日期", DATE, "本月森林火灾", width=5.5),
        Column("village", "村（社区）", TEXT, "本月森林火灾", width=7),
        Column("burned", "过火面积（公顷）", DECIMAL, "本月森林火灾", width=5.5),
        Column("forest", "受害森林面积（公顷）", DECIMAL, "本月森林火灾", width=6),
        Column("cause", "起火原因", TEXT, "本月森林火灾", width=8),
        Column("level", "等级", TEXT, "本月森林火灾", width=3.5),
        Column("deaths", "死亡（人）", INT, "本月森林火灾", width=3.5),
        Column("serious", "重伤（人）", INT, "本月森林火灾", width=3.5),
    ),
    notes=(
        "发生日期在本月的森林火灾，一起一行；等级按《森林防火条例》第四十条（受害森林面积、死亡、重伤）。",
        "受害率 = 本年受害森林面积 ÷ 森林总面积，以 ‰ 计（工作方案印作“0.9%”，国家指标以千分率计）；森林总面积由县里设定。",
        "隔离带、防火道、蓄水和防汛险情、转移人数等不由火灾记录计算，在目标进展中填报。",
    ),
    signature_labels=_SIGNED,
)

_FIRES, _TEAMS = "森林火灾", "半专业扑火队伍"
COUNTY_TABLE8 = FormSpec(
    code="表8（汇总）",
    title="森林防灭火与防汛月报（汇总）",
    period_kind="month",
    orientation="landscape",
    row_label=_TOWNSHIP,
    columns=(
        Column("month_count", "本月起数", INT, _FIRES, width=3.5),
        Column("ytd_count", "累计起数", INT, _FIRES, width=3.5),
        Column("last_count", "去年同期", INT, _FIRES, width=3.5),
        Column("change", "同比", PERCENT, _FIRES, width=4),
        Column("larger", "较大以上", INT, _FIRES, width=3.5),
        Column("ytd_burned", "过火面积（公顷）", DECIMAL, _FIRES, width=5),
        Column("ytd_forest", "受害森林面积（公顷）", DECIMAL, _FIRES, width=5.5),
        Column("area", "森林总面积（公顷）", DECIMAL, _FIRES, width=6),
        Column("damage_rate", "受害率", PERMILLE, _FIRES, width=4, ratio=Ratio("rated_forest", "area")),
        Column("teams", "已建队", INT, _TEAMS, width=3.5),
        Column("teams_equipped", "装备配齐", INT, _TEAMS, width=4),
    ),
    notes=(
        "累计为本年 1 月 1 日至本月末；同比 =（累计 − 去年同期）÷ 去年同期，去年同期为 0 时记“—”。",
        "受害率 = 本年受害森林面积 ÷ 森林总面积，以 ‰ 计（工作方案印作“0.9%”，国家指标以千分率计）；"
        "森林总面积由县里按乡镇设定，未设定的乡镇不计受害率。",
        "半专业扑火队伍：截至月末已建的半专业森林消防队；装备配齐为每项装备不少于应配数量的队伍。",
        "隔离带、防火道、蓄水和防汛险情、转移人数等不由火灾记录计算，在目标进展中填报。",
    ),
    signature_labels=_SIGNED,
)

# --- 表9 ----------------------------------------------------------------------------------------------------------
_HELMETS, _MODIFIED = "摩托车、电动自行车戴帽", "车辆非法改装"
TABLE9 = FormSpec(
    code="表9",
    title="道路交通与人员密集场所专项表",
    period_kind="month",
    orientation="landscape",
    serial_label="序号",
    total_row=_MONTH_TOTAL,
    columns=(
        Column("date", "抽查日期", DATE, width=5.5),
        Column("place", "地点", TEXT, width=11),
        Column("riders", "观测人数", INT, _HELMETS, width=4),
        Column("helmeted", "戴帽人数", INT, _HELMETS, width=4),
        Column("helmet_rate", "戴帽率", PERCENT, _HELMETS, width=4, ratio=Ratio("helmeted", "riders")),
        Column("vehicles", "检查车辆", INT, _MODIFIED, width=4),
        Column("modified", "改装车辆", INT, _MODIFIED, width=4),
        Column("modified_rate", "改装率", PERCENT, _MODIFIED, width=4, ratio=Ratio("modified", "vehicles")),
    ),
    notes=(
        "抽查日期在本月的道路交通抽查，一次一行；戴帽率 = 戴头盔人数 ÷ 观测骑乘人员，改装率 = 非法改装车辆 ÷ 检查车辆。",
        "人员密集场所及高层建筑封堵通道、自建房隐患：本年发现的带相应标签的隐患（自建房另含自建房经营单位的隐患），"
        "整改为至月末已整改的。",
    ),
    signature_labels=_SIGNED,
)

_BLOCKED, _HOUSES = "封堵通道隐患", "自建房隐患"
COUNTY_TABLE9 = FormSpec(
    code="表9（汇总）",
    title="道路交通与人员密集场所专项表（汇总）",
    period_kind="month",
    orientation="landscape",
    row_label=_TOWNSHIP,
    columns=(
        Column("riders", "观测人数", INT, _HELMETS, width=4),
        Column("helmeted", "戴帽人数", INT, _HELMETS, width=4),
        Column("helmet_rate", "戴帽率", PERCENT, _HELMETS, width=4, ratio=Ratio("helmeted", "riders")),
        Column("vehicles", "检查车辆", INT, _MODIFIED, width=4),
        Column("modified", "改装车辆", INT, _MODIFIED, width=4),
        Column("modified_rate", "改装率", PERCENT, _MODIFIED, width=4, ratio=Ratio("modified", "vehicles")),
        Column("blocked_found", "发现", INT, _BLOCKED, width=3.5),
        Column("blocked_fixed", "整改", INT, _BLOCKED, width=3.5),
        Column("blocked_rate", "整改率", PERCENT, _BLOCKED, width=4, ratio=Ratio("blocked_fixed", "blocked_found")),
        Column("houses_found", "发现", INT, _HOUSES, width=3.5),
        Column("houses_fixed", "整改", INT, _HOUSES, width=3.5),
        Column("houses_rate", "整改率", PERCENT, _HOUSES, width=4, ratio=Ratio("houses_fixed", "houses_found")),
    ),
    notes=(
        "戴帽、改装：本月的道路交通抽查。戴帽率 = 戴头盔人数 ÷ 观测骑乘人员，改装率 = 非法改装车辆 ÷ 检查车辆。",
        "封堵通道隐患：本年发现的“人员密集场所/高层建筑封堵安全出口、疏散通道”隐患；自建房隐患：本年发现的带“自建房”"
        "标签或自建房经营单位的隐患；整改为至月末已整改的。",
    ),
    signature_labels=_SIGNED,
)
