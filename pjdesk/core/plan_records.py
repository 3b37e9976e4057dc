"""事故、森林火灾、道路交通抽查、有奖举报兑现、曝光和会议: the work plan's remaining records (DOMAIN.md §b
Accident, ForestFire, HelmetSurvey, Other).

Each is a plain record of the township. Two carry a derived 等级, written once here and used by the list, the
returns and the targets:

- 事故 (``accident_level``): 生产安全事故报告和调查处理条例 第三条. Deaths and missing count together; a level
  is reached by any one of deaths, serious injuries (including acute industrial poisoning) and direct loss;
  "以上" includes the number itself.
- 森林火灾 (``fire_level``): 森林防火条例 第四十条, from 受害森林面积 (a fire on other forest land is 一般),
  deaths and serious injuries, by the same rule.

Hectares carry two decimals: they are DECIMAL fields, stored as integer hundredths (``burned_ha100``, as money
is stored in 分).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from .records import (
    BOOL,
    CHOICE,
    DATE,
    DECIMAL,
    ERROR,
    INT,
    LONGTEXT,
    MONEY,
    REF,
    Field,
    Problem,
    RecordKind,
)
from .resources import load_config

# The four levels, gravest first (both regulations use the same names).
GRAVEST, GRAVE, LARGER, ORDINARY = "特别重大", "重大", "较大", "一般"
LEVELS = (GRAVEST, GRAVE, LARGER, ORDINARY)

# 条例 第三条: (level, deaths incl. missing, serious injuries, direct loss in 分) — each "以上".
WAN = 10_000 * 100  # 1 万元 in 分
ACCIDENT_THRESHOLDS = (
    (GRAVEST, 30, 100, 10_000 * WAN),
    (GRAVE, 10, 50, 5_000 * WAN),
    (LARGER, 3, 10, 1_000 * WAN),
)
# 森林防火条例 第四十条: (level, 受害森林面积 in hundredths of a hectare, deaths, serious injuries) — each "以上".
FIRE_THRESHOLDS = (
    (GRAVEST, 1000 * 100, 30, 100),
    (GRAVE, 100 * 100, 10, 50),
    (LARGER, 1 * 100, 3, 10),
)

VERIFIED, PARTLY, UNFOUNDED, CHECKING = "属实", "部分属实", "不属实", "核查中"
MEETING_TYPES = ("专班联席会议", "安委办分析研判会", "安委会全体会议", "其他")
_CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _n(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def accident_level(deaths, missing, serious, loss) -> str:
    """等级 of an accident: deaths and missing together, serious injuries, direct loss (分); the gravest level any
    one of them reaches."""
    dead, hurt, lost = _n(deaths) + _n(missing), _n(serious), _n(loss)
    for level, d, s, money in ACCIDENT_THRESHOLDS:
        if dead >= d or hurt >= s or lost >= money:
            return level
    return ORDINARY


def fire_level(forest_ha100, deaths, serious) -> str:
    """等级 of a forest fire: 受害森林面积 (hundredths of a hectare), deaths, serious injuries; the gravest level
    any one of them reaches. A fire under 1 ha, or on other forest land (no 受害森林), is 一般."""
    area, dead, hurt = _n(forest_ha100), _n(deaths), _n(serious)
    for level, a, d, s in FIRE_THRESHOLDS:
        if area >= a or dead >= d or hurt >= s:
            return level
    return ORDINARY


def _party_rule(values: Mapping, label: str) -> list[Problem]:
    if not values.get("unit_id") and not values.get("party_name"):
        return [Problem("party_name", f"请选择{label}，或填写未登记的当事单位（个人）名称", ERROR)]
    return []


# --- 事故 ---------------------------------------------------------------------------------------------------------
_HARM = "伤亡和损失"
ACCIDENT_FIELDS = (
    Field("occurred", "发生日期", DATE, required=True, in_list=True,
          import_names=("发生日期", "发生时间", "事故日期", "日期")),
    Field("occurred_time", "发生时刻", max_length=5, help="24 小时制，如 14:30（可不填）",
          import_names=("发生时刻", "时刻", "时间")),
    Field("unit_id", "事故单位", REF, ref="unit", in_list=True,
          help="辖区已登记的单位；未登记的单位或个人在下一栏填写名称", import_names=("事故单位", "单位", "单位名称")),
    Field("party_name", "未登记单位（个人）", in_list=True, max_length=100,
          help="事故单位不在单位名录中时填写（如无证经营户、个人）",
          import_names=("未登记单位（个人）", "未登记单位", "当事单位", "当事人")),
    Field("industry", "行业", CHOICE, "industry_section",
          help="国民经济行业分类（GB/T 4754）门类", import_names=("行业", "行业类别", "所属行业", "行业门类")),
    Field("place", "地点", max_length=200, import_names=("地点", "事故地点", "发生地点")),
    Field("category", "事故类别", CHOICE, "accident_category", required=True, in_list=True,
          help="按 GB 6441 分类", import_names=("事故类别", "事故类型", "类别")),
    Field("is_production", "生产安全事故", BOOL, in_list=True, import_names=("生产安全事故", "是否生产安全事故")),
    Field("is_disaster", "自然灾害亡人", BOOL, in_list=True,
          help="自然灾害（洪涝、地质灾害等）造成的死亡失踪，不属于生产安全事故",
          import_names=("自然灾害亡人", "是否自然灾害亡人")),
    Field("deaths", "死亡（人）", INT, in_list=True, group=_HARM, import_names=("死亡（人）", "死亡", "死亡人数")),
    Field("missing", "失踪（人）", INT, in_list=True, group=_HARM, import_names=("失踪（人）", "失踪", "失踪人数")),
    Field("serious", "重伤（人）", INT, in_list=True, group=_HARM,
          help="含急性工业中毒", import_names=("重伤（人）", "重伤", "重伤人数")),
    Field("minor", "轻伤（人）", INT, group=_HARM, import_names=("轻伤（人）", "轻伤", "轻伤人数", "受伤")),
    Field("loss", "直接经济损失（元）", MONEY, in_list=True, group=_HARM,
          import_names=("直接经济损失（元）", "直接经济损失", "直接经济损失（万元）", "经济损失")),
    Field("summary", "简况", LONGTEXT, required=True, max_length=1000, group="经过和原因",
          import_names=("简况", "事故简况", "事故经过", "基本情况")),
    Field("cause", "原因", LONGTEXT, max_length=1000, group="经过和原因", import_names=("原因", "事故原因", "直接原因")),
    Field("note", "备注", LONGTEXT, group="经过和原因"),
)


def accident_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = _party_rule(values, "事故单位")
    when = values.get("occurred_time")
    if when and not _CLOCK_TIME.match(str(when)):
        problems.append(Problem("occurred_time", f"发生时刻“{when}”应写成 24 小时制的 时:分，如 14:30", ERROR))
    if values.get("is_production") and values.get("is_disaster"):
        problems.append(Problem("is_disaster", "自然灾害亡人不属于生产安全事故，两项只能选一项", ERROR))
    if values.get("is_disaster") and not (_n(values.get("deaths")) + _n(values.get("missing"))):
        problems.append(Problem("deaths", "自然灾害亡人请填写死亡或失踪人数", ERROR))
    return problems


def _accident_derive(values: Mapping) -> dict:
    return {"level": accident_level(values.get("deaths"), values.get("missing"), values.get("serious"),
                                    values.get("loss"))}


ACCIDENT = RecordKind(
    "accident", "事故", "accident", ACCIDENT_FIELDS, accident_rules, derived=("level",), title_field="occurred",
    derive=_accident_derive, command="accidents", page="事故", page_group="专项工作", defaults={"is_production": 1},
    derived_labels={"level": "等级"})


# --- 森林火灾 -------------------------------------------------------------------------------------------------------
FIRE_FIELDS = (
    Field("date", "发生日期", DATE, required=True, in_list=True, import_names=("发生日期", "起火日期", "日期")),
    Field("village", "村（社区）", required=True, in_list=True, max_length=50,
          import_names=("村（社区）", "村", "发生地点", "地点", "起火村")),
    Field("burned_ha100", "过火面积（公顷）", DECIMAL, in_list=True, import_names=("过火面积（公顷）", "过火面积")),
    Field("forest_ha100", "受害森林面积（公顷）", DECIMAL, in_list=True,
          help="其他林地起火、没有受害森林的填 0", import_names=("受害森林面积（公顷）", "受害森林面积", "受害面积")),
    Field("cause", "起火原因", in_list=True, max_length=200,
          import_names=("起火原因", "原因", "火因")),
    Field("deaths", "死亡（人）", INT, in_list=True, import_names=("死亡（人）", "死亡", "死亡人数")),
    Field("serious", "重伤（人）", INT, in_list=True, import_names=("重伤（人）", "重伤", "重伤人数")),
    Field("note", "扑救和处理情况", LONGTEXT, import_names=("扑救和处理情况", "处理情况", "备注")),
)


def fire_rules(values: Mapping, today: dt.date) -> list[Problem]:
    burned, forest = values.get("burned_ha100"), values.get("forest_ha100")
    if isinstance(burned, int) and isinstance(forest, int) and forest > burned:
        return [Problem("forest_ha100", "受害森林面积不能大于过火面积", ERROR)]
    return []


def _fire_derive(values: Mapping) -> dict:
    return {"level": fire_level(values.get("forest_ha100"), values.get("deaths"), values.get("serious"))}


FIRE = RecordKind(
    "fire", "森林火灾", "fire", FIRE_FIELDS, fire_rules, derived=("level",), title_field="date",
    derive=_fire_derive, command="fires", page="森林火灾", page_group="专项工作", derived_labels={"level": "等级"})


# --- 道路交通抽查 -----------------------------------------------------------------------------------------------------
ROAD_CHECK_FIELDS = (
    Field("date", "抽查日期", DATE, required=True, in_list=True, import_names=("抽查日期", "日期", "检查日期")),
    Field("place", "地点", required=True, in_list=True, max_length=100, import_names=("地点", "抽查地点", "路段")),
    Field("riders", "观测骑乘人员", INT, in_list=True,
          help="观测到的摩托车、电动自行车驾乘人员", import_names=("观测骑乘人员", "观测人数", "骑乘人员")),
    Field("helmeted", "其中戴头盔", INT, in_list=True, import_names=("其中戴头盔", "戴头盔", "戴帽人数", "戴头盔人数")),
    Field("vehicles", "检查车辆", INT, in_list=True, import_names=("检查车辆", "检查车辆数")),
    Field("modified", "其中非法改装", INT, in_list=True, import_names=("其中非法改装", "非法改装", "改装车辆")),
    Field("note", "备注", LONGTEXT),
)


def road_check_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = []
    if _n(values.get("helmeted")) > _n(values.get("riders")):
        problems.append(Problem("helmeted", "戴头盔人数不能多于观测骑乘人员", ERROR))
    if _n(values.get("modified")) > _n(values.get("vehicles")):
        problems.append(Problem("modified", "非法改装车辆不能多于检查车辆", ERROR))
    if not _n(values.get("riders")) and not _n(values.get("vehicles")):
        problems.append(Problem("riders", "请填写观测骑乘人员或检查车辆", ERROR))
    return problems


ROAD_CHECK = RecordKind(
    "road_check", "道路交通抽查", "road_check", ROAD_CHECK_FIELDS, road_check_rules, title_field="date",
    command="road_checks", page="道路抽查", page_group="专项工作", defaults={"riders": 0, "helmeted": 0, "vehicles": 0, "modified": 0})


# --- 有奖举报兑现 -----------------------------------------------------------------------------------------------------
REWARD_FIELDS = (
    Field("received", "受理日期", DATE, required=True, in_list=True, import_names=("受理日期", "举报日期", "日期")),
    Field("matter", "举报事项", LONGTEXT, required=True, in_list=True, max_length=500,
          import_names=("举报事项", "举报内容", "事项")),
    Field("unit_id", "被举报单位", REF, ref="unit", in_list=True, import_names=("被举报单位", "单位")),
    Field("verified", "核实结果", CHOICE, "reward_verification", required=True, in_list=True,
          import_names=("核实结果", "核查结果", "核实情况")),
    Field("amount", "奖励金额（元）", MONEY, in_list=True, import_names=("奖励金额（元）", "奖励金额", "奖金")),
    Field("paid_on", "兑现日期", DATE, in_list=True, import_names=("兑现日期", "发放日期")),
    Field("note", "备注", LONGTEXT, help="不写举报人的姓名和联系方式（举报人信息保密）"),
)


def reward_rules(values: Mapping, today: dt.date) -> list[Problem]:
    problems = []
    received, paid, verified = values.get("received"), values.get("paid_on"), values.get("verified")
    if received and paid and paid < received:
        problems.append(Problem("paid_on", "兑现日期不能早于受理日期", ERROR))
    if _n(values.get("amount")) and verified in (UNFOUNDED, CHECKING):
        problems.append(Problem("amount", f"核实结果为{verified}的举报不予奖励，请清空奖励金额", ERROR))
    if paid and not _n(values.get("amount")):
        problems.append(Problem("amount", "已兑现的请填写奖励金额", ERROR))
    return problems


def reward_paid(values: Mapping) -> bool:
    """兑现: a reward with its 兑现日期 (the one definition 表1 and the targets count)."""
    return bool(values.get("paid_on"))


REWARD = RecordKind(
    "reward", "有奖举报", "reward", REWARD_FIELDS, reward_rules, title_field="received", command="rewards",
    page="有奖举报", page_group="专项工作", county_writes=True, defaults={"verified": CHECKING})


# --- 曝光 ---------------------------------------------------------------------------------------------------------
EXPOSURE_FIELDS = (
    Field("date", "曝光日期", DATE, required=True, in_list=True, import_names=("曝光日期", "日期", "发布日期")),
    Field("unit_id", "单位", REF, ref="unit", in_list=True, import_names=("单位", "被曝光单位", "单位名称")),
    Field("party_name", "未登记单位（个人）", in_list=True, max_length=100,
          help="被曝光的单位不在单位名录中时填写", import_names=("未登记单位（个人）", "当事单位", "当事人")),
    Field("facts", "违法事实", LONGTEXT, required=True, in_list=True, max_length=1000,
          import_names=("违法事实", "违法违规事实", "主要问题", "案例")),
    Field("channel", "媒体/渠道", in_list=True, max_length=100,
          import_names=("媒体/渠道", "媒体", "渠道", "曝光渠道", "曝光媒体")),
    Field("batch", "批次", in_list=True, max_length=50, help="如“2026 年第 3 批”", import_names=("批次", "曝光批次")),
    Field("note", "备注", LONGTEXT),
)


def exposure_rules(values: Mapping, today: dt.date) -> list[Problem]:
    return _party_rule(values, "单位")


EXPOSURE = RecordKind(
    "exposure", "曝光", "exposure", EXPOSURE_FIELDS, exposure_rules, title_field="date", command="exposures",
    page="曝光", page_group="专项工作", county_writes=True)


# --- 会议 ---------------------------------------------------------------------------------------------------------
MEETING_FIELDS = (
    Field("date", "会议日期", DATE, required=True, in_list=True, import_names=("会议日期", "日期", "召开日期")),
    Field("meeting_type", "会议类型", CHOICE, "meeting_type", required=True, in_list=True,
          import_names=("会议类型", "类型", "会议名称")),
    Field("host", "主持人", in_list=True, max_length=30, import_names=("主持人", "主持")),
    Field("attendees", "参会人数", INT, in_list=True, import_names=("参会人数", "人数", "参加人数")),
    Field("topics", "议题", LONGTEXT, required=True, in_list=True, max_length=1000,
          help="会议纪要可作为附件保存在这条记录下", import_names=("议题", "会议议题", "主要内容", "内容")),
    Field("note", "备注", LONGTEXT),
)

MEETING = RecordKind(
    "meeting", "会议", "meeting", MEETING_FIELDS, title_field="date", command="meetings", page="会议", page_group="专项工作",
    county_writes=True, defaults={"meeting_type": MEETING_TYPES[0]})


# --- the figures the returns and the targets count (one definition each) ---------------------------------------
def dead(accident: Mapping) -> int:
    """亡人 of an accident: deaths and missing together, as the grading counts them."""
    return _n(accident.get("deaths")) + _n(accident.get("missing"))


def year_on_year(now: int, before: int) -> float | None:
    """同比: the change from the same period last year as a fraction of it (−0.25: down a quarter); None when
    last year had none to compare with."""
    return (now - before) / before if before else None


def year_on_year_text(now: int, before: int) -> str:
    """同比 as a return prints it: 上升 12.5% / 下降 25.0% / 持平, or why there is none."""
    change = year_on_year(now, before)
    if change is None:
        return "持平（均为 0）" if not now else "无法计算（去年同期为 0）"
    if change == 0:
        return "持平"
    return f"{'上升' if change > 0 else '下降'} {abs(change) * 100:.1f}%"


def forest_area_ha100(township: str) -> int | None:
    """The township's 森林总面积 in hundredths of a hectare, as the county keeps it (resources/config/forest.json,
    which the county edits); None where it has not been set."""
    area = load_config("forest").get("forest_area_ha", {}).get(township)
    return round(float(area) * 100) if area not in (None, "") else None


def fire_damage_rate(forest_ha100: int, area_ha100: int | None) -> float | None:
    """森林火灾受害率 as a fraction (the returns print it in ‰): 受害森林面积 ÷ 森林总面积; None when the total
    is not set."""
    return forest_ha100 / area_ha100 if area_ha100 else None


def rate(part: int, whole: int) -> float | None:
    """A plain rate (戴帽率, 改装率); None when nothing was observed."""
    return part / whole if whole else None
