"""The targets a unit's own marks answer (工作方案 §二(二)8 工贸, §二(四) 本质安全, §二(五) 责任): T28, T30, T44,
T50. A unit is counted by its marks as they are now (no history of them is kept, as for the drill rule), while
it trades or has stopped for now (正常, 停产): a closed unit leaves every base.

- T28 规上工贸企业双重预防机制建成率: the 规上 units of the 工贸 sectors, marked 双重预防机制已建成.
- T30 入园新建企业“三同时”: the units marked 入园新建, marked “三同时”符合.
- T44 高危企业双重预防机制建立率: the 高危企业 marked 双重预防机制已建成.
- T50 高危企业“一会三卡”覆盖率: the 高危企业 marked 已实施“一会三卡”.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .enforcement_targets import SUPERVISED_STATUSES
from .targets import Measure, rule

UNITS = "units"  # the kind of facts these rules read: pjdesk.storage.target_facts.unit_flags rows
TRADE_SECTORS = ("金属冶炼", "涉爆粉尘", "钢铁/铝加工", "工贸其他")  # 工贸 in the plan's sense

# Each target: who is in its base, and what counts one in the numerator.
BASES: dict[str, tuple[Callable[[Mapping], bool], str]] = {
    "T28": (lambda u: bool(u["is_above_scale"]) and u["sector"] in TRADE_SECTORS, "dual_prevention"),
    "T30": (lambda u: bool(u["new_in_park"]), "three_simultaneous"),
    "T44": (lambda u: bool(u["is_high_risk"]), "dual_prevention"),
    "T50": (lambda u: bool(u["is_high_risk"]), "yihui_sanka"),
}
LACKS = {"dual_prevention": "双重预防机制未建成", "three_simultaneous": "“三同时”未符合", "yihui_sanka": "未实施“一会三卡”"}


def in_base(target_id: str, unit: Mapping) -> bool:
    return unit["status"] in SUPERVISED_STATUSES and BASES[target_id][0](unit)


def counted(target_id: str, unit: Mapping) -> bool:
    return bool(unit[BASES[target_id][1]])


def _register(target_id: str) -> None:
    @rule(target_id, reads=UNITS)
    def computed(facts: Iterable[Mapping], start: str, end: str) -> Measure:
        base = [u for u in facts if in_base(target_id, u)]
        return Measure(sum(counted(target_id, u) for u in base), len(base))


for _id in BASES:
    _register(_id)
