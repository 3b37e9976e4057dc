"""The targets the hazard ledger answers (DOMAIN.md §c): T01, T02, T03, T10, T27.

Each rule receives the hazards as they stood at the period's end (status, deadline in force, rectified and
closed dates derived from events dated by then) and the period's first and last day, as ISO strings.
"""

from __future__ import annotations

from collections.abc import Iterable

from pjdesk.core.hazard import MAJOR, closed_on_time, rectified_on_time
from pjdesk.core.records import split_tags

from .targets import Measure, rule

LOOK_BACK = {"专项整治回头看", "潜在风险重大隐患回头看"}
BLOCKED_EXITS = {"人员密集场所封堵安全出口/疏散通道", "高层建筑封堵安全出口/疏散通道"}
SELF_BUILT = {"自建房"}
DUST_AND_METAL = {"涉爆粉尘", "钢铁/铝加工"}


def _tagged(h: dict, tags: set[str]) -> bool:
    return bool(tags.intersection(split_tags(h.get("tags"))))


def _fell_due(h: dict, start: str, end: str) -> bool:
    return bool(h["due_date"]) and start <= h["due_date"] <= end


def _found_in(h: dict, start: str, end: str) -> bool:
    return start <= h["found_date"] <= end


def _on_time_closure(hazards: Iterable[dict], start: str, end: str) -> Measure:
    due = [h for h in hazards if _fell_due(h, start, end)]
    return Measure(sum(closed_on_time(h["closed_date"], h["due_date"]) for h in due), len(due))


@rule("T01")
def look_back_on_time(facts: Iterable[dict], start: str, end: str) -> Measure:
    """回头看 items whose deadline fell in the period: the share rectified and closed by the deadline."""
    return _on_time_closure((h for h in facts if _tagged(h, LOOK_BACK)), start, end)


@rule("T02")
def blocked_exits_fixed(facts: Iterable[dict], start: str, end: str) -> Measure:
    """Blocked exits and escape routes found in the period: the share rectified within the deadline."""
    found = [h for h in facts if _tagged(h, BLOCKED_EXITS) and _found_in(h, start, end)]
    fixed = [h for h in found if rectified_on_time(h["rectified_date"], h["due_date"])]
    return Measure(len(fixed), len(found))


@rule("T03")
def high_risk_major_on_time(facts: Iterable[dict], start: str, end: str) -> Measure:
    """一单四制: major hazards of high-risk enterprises due in the period, closed by their deadline."""
    return _on_time_closure((h for h in facts if h["level"] == MAJOR and h.get("unit_high_risk")), start, end)


@rule("T10")
def self_built_fixed(facts: Iterable[dict], start: str, end: str) -> Measure:
    """自建房 problems found in the period: the share rectified by its end."""
    found = [h for h in facts if _tagged(h, SELF_BUILT) and _found_in(h, start, end)]
    return Measure(sum(bool(h["rectified_date"]) for h in found), len(found))


@rule("T27")
def dust_and_metal_cleared(facts: Iterable[dict], start: str, end: str) -> Measure:
    """清零: major hazards in steel, aluminium and combustible-dust works found in the period, rectified."""
    found = [h for h in facts if h["level"] == MAJOR and _found_in(h, start, end)
             and (h.get("sector") in DUST_AND_METAL or _tagged(h, DUST_AND_METAL))]
    return Measure(sum(bool(h["rectified_date"]) for h in found), len(found))
