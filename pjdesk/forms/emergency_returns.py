"""表7 应急预案与演练统计表 (DOMAIN.md §f), declared as data: the township's return lists the month's drills, one
row each; the county's 汇总 has a row per township with its plans by 级别, the month's drills and the units
due a drill. The township's plans by 级别 and its units due a drill are figures of the period, printed in the
notes under its list (``FilledForm.notes``).
"""

from __future__ import annotations

from .spec import DATE, INT, TEXT, Column, FormSpec

_NOTES_SIGNED = ("填报人（签字）", "审核人（分管领导签字）", "单位（盖章）")

TABLE7 = FormSpec(
    code="表7",
    title="应急预案与演练统计表",
    period_kind="month",
    orientation="landscape",
    serial_label="序号",
    columns=(
        Column("date", "演练日期", DATE, "本月演练", width=6),
        Column("unit", "演练单位", TEXT, "本月演练", width=11),
        Column("form", "形式", TEXT, "本月演练", width=3.5),
        Column("content", "内容", TEXT, "本月演练", width=3.5),
        Column("purpose", "目的", TEXT, "本月演练", width=4.5),
        Column("scenario", "演练情景", TEXT, "本月演练", width=11),
        Column("participants", "参演人数", INT, "本月演练", width=4),
        Column("goals_met", "目标达成", TEXT, "评估", width=4.5),
        Column("problem_count", "问题数", INT, "评估", width=3.5),
        Column("problems_done", "已整改", INT, "评估", width=3.5),
    ),
    notes=(
        "本月演练：演练日期在本月的演练，一次一行；乡镇本级组织的演练，演练单位填乡镇名称。",
        "目标达成按演练评估填写（达成、部分达成、未达成）；问题数为演练发现的问题数，已整改为其中至填报时完成整改的数。",
        "预案：乡镇本级预案按级别统计至月末已发布的件数；单位备案预案统计至月末已备案的件数。",
        "应演练未演练单位：高危企业和人员密集场所（经营状态正常）中，截至月末 6 个月内没有演练记录的单位数。",
    ),
    signature_labels=_NOTES_SIGNED,
)

_PLANS, _DRILLS = "预案（件）", "本月演练"
COUNTY_TABLE7 = FormSpec(
    code="表7（汇总）",
    title="应急预案与演练统计表（汇总）",
    period_kind="month",
    orientation="landscape",
    row_label="乡镇（街道）",
    row_label_width=8,
    columns=(
        Column("plan_overall", "总体", INT, _PLANS, width=3.5),
        Column("plan_special", "专项", INT, _PLANS, width=3.5),
        Column("plan_department", "部门", INT, _PLANS, width=3.5),
        Column("plan_filed", "单位备案", INT, _PLANS, width=4.5),
        Column("drills", "场次", INT, _DRILLS, width=3.5),
        Column("drills_live", "实战", INT, _DRILLS, width=3.5),
        Column("drills_desk", "桌面", INT, _DRILLS, width=3.5),
        Column("participants", "参演人数", INT, _DRILLS, width=4.5),
        Column("goals_met", "目标达成", INT, _DRILLS, width=4.5),
        Column("problem_count", "问题数", INT, _DRILLS, width=4),
        Column("problems_done", "已整改", INT, _DRILLS, width=4),
        Column("due_units", "应演练未演练单位", INT, width=6),
    ),
    notes=(
        "预案：乡镇本级预案按级别统计至月末已发布的件数；单位备案：辖区单位至月末已备案的预案件数。",
        "本月演练：演练日期在本月的演练；目标达成为评估结论为“达成”的场次；已整改为发现问题中至填报时完成整改的数。",
        "应演练未演练单位：高危企业和人员密集场所（经营状态正常）中，截至月末 6 个月内没有演练记录的单位数。",
    ),
    signature_labels=_NOTES_SIGNED,
)
