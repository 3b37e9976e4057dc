"""The targets the inspections answer (工作方案 §二(二)2 and §二(三)8): T05, T25, T26.

Each rule receives the ``EnforcementFacts`` of the period and its first and last day, as ISO strings. An
enforcement check is pjdesk.core.inspection.is_enforcement: every 检查方式 except 日常巡查.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pjdesk.core.inspection import PLANNED, RANDOM, is_enforcement

from .targets import ENFORCEMENT, Measure, rule

# A high-risk unit is still to be supervised while it trades or has stopped for now (停产); once 关闭 or
# 取缔 it leaves T05's count.
SUPERVISED_STATUSES = ("正常", "停产")


@dataclass(frozen=True)
class EnforcementFacts:
    # The units marked 高危企业, each with ``id`` and its ``status`` at the period's end.
    high_risk_units: list[dict] = field(default_factory=list)
    # The inspections dated from 1 January to the period's end, each with ``unit_id``, ``mode`` and ``date``.
    inspections: list[dict] = field(default_factory=list)


def _checked(facts: EnforcementFacts, start: str, end: str, counts) -> set[str]:
    return {i["unit_id"] for i in facts.inspections if start <= i["date"] <= end and counts(i["mode"])}


@rule("T05", reads=ENFORCEMENT)
def high_risk_coverage(facts: EnforcementFacts, start: str, end: str) -> Measure:
    """高危企业监管执法覆盖率: the high-risk units still supervised at the end (正常 or 停产) that had at least
    one enforcement check in the period, of all those units."""
    units = {u["id"] for u in facts.high_risk_units if u["status"] in SUPERVISED_STATUSES}
    return Measure(len(units & _checked(facts, start, end, is_enforcement)), len(units))


def _units_checked_by(mode: str, facts: EnforcementFacts, start: str, end: str) -> Measure:
    """The distinct units that had at least one check of ``mode`` in the period; no data when no check of
    any kind is recorded in it (a station that does not keep its inspections here yet)."""
    if not any(start <= i["date"] <= end for i in facts.inspections):
        return Measure.count(None)
    return Measure.count(len(_checked(facts, start, end, lambda m: m == mode)))


@rule("T25", reads=ENFORCEMENT)
def planned_enforcement(facts: EnforcementFacts, start: str, end: str) -> Measure:
    """计划执法重点企业检查: the units that had a 计划执法 check in the period."""
    return _units_checked_by(PLANNED, facts, start, end)


@rule("T26", reads=ENFORCEMENT)
def random_checks(facts: EnforcementFacts, start: str, end: str) -> Measure:
    """一般企业“双随机”抽查: the units that had a 双随机 check in the period."""
    return _units_checked_by(RANDOM, facts, start, end)
