"""单位/场所: the production and business units and places a township supervises."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .identifiers import check_uscc
from .records import BOOL, CHOICE, ERROR, LONGTEXT, Field, Problem, RecordKind, vocabulary

UNIT_FIELDS = (
    Field("name", "单位名称", required=True, in_list=True, max_length=100, initials=True,
          import_names=("单位名称", "企业名称", "检查单位", "被检查单位", "单位", "企业（单位）名称", "生产经营单位",
                        "单位（企业）名称", "被检查单位名称", "场所名称", "单位（场所）名称")),
    Field("uscc", "统一社会信用代码", in_list=True, max_length=18, unique=True,
          help="18 位，见营业执照；无证经营可留空并勾选“无证照”",
          import_names=("统一社会信用代码", "社会信用代码", "信用代码", "统一代码")),
    Field("uscc_note", "代码说明", help="代码校验不通过但确实如此时（如早期试点代码），写明原因", max_length=200),
    Field("no_licence", "无证照", BOOL, help="打非治违中发现的无证照经营"),
    Field("sector", "行业领域", CHOICE, "sector", required=True, in_list=True,
          import_names=("行业", "行业领域", "所属行业", "行业类别")),
    Field("is_high_risk", "高危企业", BOOL, in_list=True,
          help="危化、非煤矿山、烟花爆竹、金属冶炼等高危行业的企业"),
    Field("crowded_type", "人员密集场所类型", CHOICE, "crowded_place_type",
          only_when=("sector", "人员密集场所")),
    Field("is_above_scale", "规上企业", BOOL),
    # What the work plan's targets count of a unit (T28, T44 双重预防; T50 一会三卡; T30 入园新建的三同时), as it is now.
    Field("dual_prevention", "双重预防机制已建成", BOOL, group="安全管理",
          help="风险分级管控和隐患排查治理双重预防机制已建成（目标 T28、T44）"),
    Field("yihui_sanka", "已实施“一会三卡”", BOOL, group="安全管理",
          help="班前会和体检卡、动工卡、应急处置卡已实施（目标 T50）"),
    Field("new_in_park", "入园新建企业", BOOL, group="安全管理", help="新建并进入园区的企业（目标 T30）"),
    Field("three_simultaneous", "“三同时”符合", BOOL, group="安全管理",
          help="安全设施与主体工程同时设计、同时施工、同时投入使用（目标 T30）"),
    Field("village", "所在村（社区）", in_list=True, list_hidden=True, max_length=50,
          import_names=("所在村（社区）", "所在村", "村（社区）", "所属村（社区）")),
    Field("address", "地址", max_length=200, import_names=("地址", "单位地址", "详细地址", "经营地址")),
    Field("principal", "主要负责人", in_list=True, max_length=30, group="联系",
          import_names=("主要负责人", "法定代表人", "法人代表")),
    Field("phone", "联系电话", in_list=True, max_length=30, group="联系", import_names=("联系电话", "电话", "联系方式")),
    Field("status", "经营状态", CHOICE, "unit_status", required=True, in_list=True),
    Field("lead_dept", "行业主管部门", max_length=50, group="联系"),
    Field("note", "备注", LONGTEXT, group="联系"),
)


def unit_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = []
    check = check_uscc(values.get("uscc") or "")
    if not check.ok:
        if not check.warning:
            problems.append(Problem("uscc", check.message, ERROR))
        elif not values.get("uscc_note"):
            problems.append(Problem("uscc", check.message))
    return problems


def is_high_risk_sector(sector: str | None) -> bool:
    return sector in vocabulary("high_risk_sector")


def _canonical_codes(values: dict) -> dict:
    if values.get("uscc"):
        values["uscc"] = check_uscc(values["uscc"]).value
    return values


UNIT = RecordKind(
    "unit", "单位", "unit", UNIT_FIELDS, unit_rules,
    derived=("name_initials",), command="units", prepare=_canonical_codes,
    defaults={"status": "正常", "sector": "工贸其他", "is_high_risk": 0, "is_above_scale": 0, "no_licence": 0,
              "dual_prevention": 0, "yihui_sanka": 0, "new_in_park": 0, "three_simultaneous": 0},
)
