"""The targets whose figures are entered (目标进展, pjdesk.core.progress) rather than counted from records.

Which entry stands for a period ending on day E: the latest period of E's year that has begun by E's month (a
month, or a quarter: 2026-Q4 entered in October stands for October to December), among the entries a station
counts. For a target of the quarter or the month, only an entry of E's quarter or month.

Whose entries count: on a township, its own entry; for a county-level row without one, the county's (sent
down with the county's rows), shown and not judged. On the county, its own entry if it made one, else the
townships' entries added up (the two counts of a rate, or the figures).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from pjdesk.core.progress import number, period_months, target_of

from .targets import COUNTY_SCOPE, Measure, Target

PROGRESS = "progress"  # the kind of facts entered figures read (pjdesk.indicators.targets.evaluate)


@dataclass(frozen=True)
class ProgressFacts:
    # The live progress entries of the year, each with ``target_id``, ``period``, ``value``, ``numerator``,
    # ``denominator``, ``reporter``, ``township`` and ``updated_at``.
    entries: list[dict] = field(default_factory=list)
    county: str = ""  # the county's code: its own entries carry it as their township
    township: str | None = None  # the station the figures are for; None for the county

    def of_township(self, code: str) -> ProgressFacts:
        """One township's share on the county: its entries and the county's own."""
        return replace(self, entries=[e for e in self.entries if e["township"] in (code, self.county)],
                       township=code)


def _stands_for(entry: Mapping, target: Target, end: str) -> bool:
    months = period_months(entry["period"])
    year, month = int(end[:4]), int(end[5:7])
    if months is None or months[0] != year or months[1] > month:
        return False
    if target.period == "month":
        return months[1] <= month <= months[2]
    if target.period == "quarter":
        return (months[1] - 1) // 3 == (month - 1) // 3
    return True


def _latest(entries: Iterable[Mapping]) -> Mapping | None:
    return max(entries, key=lambda e: (period_months(e["period"])[1], e["updated_at"] or ""), default=None)


def entered_measure(facts: ProgressFacts | None, target: Target, start: str, end: str) -> Measure:
    """The entered figure of ``target`` for the period ending ``end`` (no data without an entry)."""
    if facts is None:
        return Measure(None, None, detail="暂无数据：未录入目标进展")
    mine = [e for e in facts.entries if target_of(e["target_id"]) == target.id and _stands_for(e, target, end)]
    county = [e for e in mine if e["township"] == facts.county]
    if facts.township is None:  # the county: its own entry, else the townships' added up
        if county:
            return _measure(target, [_latest(county)], "县级")
        by_township: dict[str, list[Mapping]] = {}
        for e in mine:
            by_township.setdefault(e["township"], []).append(e)
        latest = [_latest(rows) for _, rows in sorted(by_township.items())]
        return _measure(target, latest, f"{len(latest)} 个乡镇录入合计")
    own = [e for e in mine if e["township"] == facts.township]
    if own:
        return _measure(target, [_latest(own)], "")
    if target.scope == COUNTY_SCOPE and county:  # the county's figure, shown on the township
        return _measure(target, [_latest(county)], "县级")
    return _measure(target, [], "")


def _measure(target: Target, entries: list[Mapping], whose: str) -> Measure:
    entries = [e for e in entries if e is not None]
    if not entries:
        return Measure(None, None, detail="暂无数据：本期未录入目标进展")
    rate = target.unit == "%"
    numerators = [number(e["numerator"]) for e in entries]
    denominators = [number(e["denominator"]) for e in entries]
    values = [number(e["value"]) for e in entries]
    if all(n is not None for n in numerators) and all(d is not None for d in denominators) and (
            rate or all(v is None for v in values)):
        numerator, denominator = sum(numerators), sum(denominators)
        value = numerator / denominator if denominator else None
        if len(entries) == 1 and values[0] is not None:  # the figure as entered, its counts beside it
            value = values[0] / 100 if rate else values[0]
    elif all(v is not None for v in values):
        numerator = denominator = None
        value = sum(values) / 100 if rate else sum(values)
        if rate and len(values) > 1:  # rates of several townships without their counts: no sum to make
            value = None
    else:
        numerator = denominator = value = None
    if value is None:
        return Measure(None, None, detail="暂无数据：录入的目标进展无法汇总（请录入分子和分母）")
    value = round(value, 9)  # a sum of decimals as typed (20 + 30.5), without the float's tail
    shown = f"{value * 100:.1f}%" if rate else f"{value:g}{target.unit}"
    counts = f"（{target.numerator} {numerator:g} ÷ {target.denominator} {denominator:g}）" if denominator else ""
    latest = _latest(entries)
    source = whose or (latest["reporter"] or "")
    said = f"已录入：{shown}{counts}，{latest['period']}{('，' + source) if source else ''}"
    return Measure(numerator, denominator, entered=value, detail=said)
