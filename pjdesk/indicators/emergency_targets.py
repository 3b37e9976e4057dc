"""The targets the emergency teams answer (工作方案 §二(三)3 建强救援力量, §二(二) 森林防灭火): T48, T41, T40
and T40 配备率, as of the period's last day D.

- T48 乡镇（街道）应急队伍建设完成率: the townships counted that have a 乡镇应急队伍 built (建队日期 ≤ D), of
  them all; the county counts its 25 townships (the high-tech park is not one), a township itself (1 or 0).
- T41 高火险乡镇半专业队伍建队率: the same for 半专业森林消防队, over the 高火险 townships
  (resources/config/emergency.json); a township that is not one has no figure.
- T40 半专业森林消防队伍: how many there are (the plan asks 5 in the county: a county-wide count).
- T40a 配备率: of those teams, the ones 装备配齐 (every listed item at its 应配数量, as the list stands now:
  equipment carries no date of its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pjdesk.core.emergency import FOREST_TEAM, TOWNSHIP_TEAM, high_fire_risk_townships
from pjdesk.core.townships import townships

from .targets import Measure, rule

EMERGENCY = "emergency"  # the kind of facts these rules read (pjdesk.indicators.targets)
PARK = "园区"  # the high-tech park: not one of the plan's 25 townships


def counted_townships() -> tuple[str, ...]:
    """The plan's 25 townships and streets (the roster without the high-tech park)."""
    return tuple(t.code for t in townships() if t.kind != PARK)


@dataclass(frozen=True)
class EmergencyFacts:
    # The live teams built by the period's end, each with ``township``, ``type`` and ``equipment_complete``.
    teams: list[dict] = field(default_factory=list)
    # The townships whose teams are counted: the county's 25, or the one township (none for the park).
    townships: tuple[str, ...] = ()

    def of_township(self, code: str) -> EmergencyFacts:
        """One township's share of the county's facts."""
        return replace(self, teams=[t for t in self.teams if t["township"] == code],
                       townships=tuple(c for c in self.townships if c == code))


def _built_in(facts: EmergencyFacts, team_type: str, among: tuple[str, ...]) -> Measure:
    built = {t["township"] for t in facts.teams if t["type"] == team_type}
    return Measure(len(built & set(among)), len(among))


@rule("T48", reads=EMERGENCY)
def township_teams(facts: EmergencyFacts, start: str, end: str) -> Measure:
    """乡镇（街道）应急队伍建设完成率: townships with a 乡镇应急队伍 built by the end, of those counted."""
    return _built_in(facts, TOWNSHIP_TEAM, facts.townships)


@rule("T41", reads=EMERGENCY)
def forest_team_townships(facts: EmergencyFacts, start: str, end: str) -> Measure:
    """高火险乡镇半专业队伍建队率: 高火险 townships with a 半专业森林消防队 built by the end, of them all."""
    risky = set(high_fire_risk_townships())
    return _built_in(facts, FOREST_TEAM, tuple(c for c in facts.townships if c in risky))


@rule("T40", reads=EMERGENCY)
def forest_teams(facts: EmergencyFacts, start: str, end: str) -> Measure:
    """半专业森林消防队伍: how many are built by the end."""
    return Measure.count(sum(1 for t in facts.teams if t["type"] == FOREST_TEAM))


@rule("T40a", reads=EMERGENCY)
def forest_teams_equipped(facts: EmergencyFacts, start: str, end: str) -> Measure:
    """半专业森林消防队伍配备率: the 半专业森林消防队 装备配齐, of them all (no data without one)."""
    forest = [t for t in facts.teams if t["type"] == FOREST_TEAM]
    return Measure(sum(1 for t in forest if t["equipment_complete"]), len(forest))
