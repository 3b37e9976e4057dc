"""表6 教育培训与持证统计表 (DOMAIN.md §f), declared as data: the township's, one row per 行业领域, and the
county's 汇总, one row per township; then 合计. Every figure is a count of people 在册 on the report
month's last day (the targets T52, T17, T51, T18a and T18b of pjdesk.indicators.people_targets)."""

from __future__ import annotations

from dataclasses import replace

from .spec import INT, PERCENT, Column, FormSpec, Ratio

_ALL, _SECONDED, _FLEXIBLE = "从业人员", "其中劳务派遣", "其中灵活用工"
_THREE, _SPECIAL = "三类人员（高危企业）", "特种作业人员"
_MANAGERS, _OPERATORS = "危化专职安管人员", "危化高风险岗位人员"

TABLE6 = FormSpec(
    code="表6",
    title="教育培训与持证统计表",
    period_kind="month",
    orientation="landscape",
    row_label="行业领域",
    row_label_width=7,
    columns=(
        Column("employees", "在册", INT, _ALL, width=3.5),
        Column("employees_trained", "培训达标", INT, _ALL, width=3.5),
        Column("employees_rate", "达标率", PERCENT, _ALL, width=4.2, ratio=Ratio("employees_trained", "employees")),
        Column("seconded", "在册", INT, _SECONDED, width=3),
        Column("seconded_trained", "达标", INT, _SECONDED, width=3),
        Column("flexible", "在册", INT, _FLEXIBLE, width=3),
        Column("flexible_trained", "达标", INT, _FLEXIBLE, width=3),
        Column("three", "总数", INT, _THREE, width=3),
        Column("three_trained", "已培训", INT, _THREE, width=3.5),
        Column("three_rate", "培训率", PERCENT, _THREE, width=4.2, ratio=Ratio("three_trained", "three")),
        Column("special", "在岗", INT, _SPECIAL, width=3),
        Column("special_certified", "持有效证", INT, _SPECIAL, width=3.5),
        Column("special_rate", "持证率", PERCENT, _SPECIAL, width=4.2, ratio=Ratio("special_certified", "special")),
        Column("special_due", "60天内到期", INT, _SPECIAL, width=4),
        Column("managers", "在岗", INT, _MANAGERS, width=3),
        Column("managers_certified", "达标", INT, _MANAGERS, width=3),
        Column("managers_rate", "达标率", PERCENT, _MANAGERS, width=4.2,
               ratio=Ratio("managers_certified", "managers")),
        Column("operators", "在岗", INT, _OPERATORS, width=3),
        Column("operators_certified", "达标", INT, _OPERATORS, width=3),
        Column("operators_rate", "达标率", PERCENT, _OPERATORS, width=4.2,
               ratio=Ratio("operators_certified", "operators")),
    ),
    notes=(
        "统计对象为月末在册人员（入职日期不晚于月末且月末未离岗），行业领域按所在单位；比率为空的填“—”。",
        "培训达标：本年1月1日至月末考核合格的培训学时达到年度最低学时（生产经营单位安全培训规定；本年入职的按初次培训学时）。",
        "三类人员：高危企业的分管负责人、专职安全管理人员和班组长（目标≥60%）；已培训：本年内有考核合格的培训。",
        "特种作业人员持有效证：月末持有效的特种作业操作证、特种设备作业人员证或建筑施工特种作业操作资格证；"
        "60天内到期：其中有效证书将在月末后60天内到期或应复审的人数。",
        "危化专职安管人员达标：持有效的安全生产知识和管理能力考核合格证；危化高风险岗位人员达标：持有效的特种作业操作证。",
        "合计行的比率由合计数计算，不是各行比率相加。",
    ),
    signature_labels=("填报人（签字）", "审核人（分管领导签字）", "单位（盖章）"),
)

COUNTY_TABLE6 = replace(TABLE6, code="表6（汇总）", title="教育培训与持证统计表（汇总）", row_label="乡镇（街道）",
                        row_label_width=8)
