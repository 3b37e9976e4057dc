"""Targets and their evaluation: a value against the plan's figure, green or red, or "no data".

A rule computes one target from one kind of facts (``reads``): the hazards as they stood at the period's end
(``HAZARDS``, pjdesk.indicators.hazard_targets) or the enforcement facts, high-risk units and inspections
(``ENFORCEMENT``, pjdesk.indicators.enforcement_targets), or the people on the roster with their training and
certificates (``PEOPLE``, pjdesk.indicators.people_targets), or the emergency teams (``EMERGENCY``,
pjdesk.indicators.emergency_targets). A rate gives two counts; a count target (T25, T26)
gives one. A target whose figure is the county's total (``scope`` "county", e.g. 52 enterprises in a year) is
met or missed by the county as a whole: a township's count adds to it and is neither.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pjdesk.core.resources import load_config


@dataclass(frozen=True)
class Target:
    id: str
    area: str
    name: str
    numerator: str
    denominator: str
    target: float | None
    unit: str
    comparator: str
    lead: str
    period: str
    scope: str = "every"  # "county": the figure is the county's total, not each township's


COUNTY_SCOPE = "county"


@dataclass(frozen=True)
class Measure:
    """A rate's two counts, or (``denominator`` None) a count alone.

    A rate with ``denominator == 0`` had nothing to count: no data, not 0% or 100%. A count with
    ``numerator`` None had nothing recorded to count from: no data, not 0."""

    numerator: int | None
    denominator: int | None

    @classmethod
    def count(cls, number: int | None) -> Measure:
        return cls(number, None)

    @property
    def is_count(self) -> bool:
        return self.denominator is None

    @property
    def value(self) -> float | int | None:
        """A fraction for a rate, the number for a count; None without data."""
        if self.denominator is None:
            return self.numerator
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Evaluation:
    target: Target
    measure: Measure
    met: bool | None  # None: no data, or a county's figure judged on a township (``judged`` False)
    judged: bool = True  # False: a county-wide figure on a township, which only adds to the county's count

    @property
    def shown(self) -> str:
        value = self.measure.value
        if value is None:
            return "暂无数据"
        return f"{value * 100:.1f}%" if self.target.unit == "%" else f"{value:g}"

    @property
    def goal(self) -> str:
        """The plan's figure as worded (目标 =100%, 全县目标 ≥52家), "" when the plan gives none."""
        t = self.target
        if t.target is None:
            return ""
        comparator = {"=": "", ">=": "≥", "<=": "≤"}.get(t.comparator, t.comparator)
        return f"{'全县' if t.scope == COUNTY_SCOPE else ''}目标 {comparator}{t.target:g}{t.unit}"

    @property
    def reckoning(self) -> str:
        """How the value was counted, in words, with the goal (for a tooltip or a note)."""
        t, m = self.target, self.measure
        if m.value is None:
            missing = "检查记录" if m.is_count else t.denominator
            return f"本期没有“{missing}”，无从计算。{self.goal}"
        if m.is_count:
            counted = f"{t.numerator} {m.numerator}"
        else:
            counted = f"{t.numerator} {m.numerator} ÷ {t.denominator} {m.denominator} = {self.shown}"
        unjudged = "（本乡镇的数计入全县，不单独考核）" if not self.judged else ""
        return f"{counted}　{self.goal}{unjudged}"

    @property
    def explained(self) -> str:
        return f"{self.target.name}\n{self.reckoning}"


def targets() -> list[Target]:
    return [Target(**t) for t in load_config("targets")["targets"]]


HAZARDS, ENFORCEMENT = "hazards", "enforcement"  # the kinds of facts a rule reads
Rule = Callable[[object, str, str], Measure]  # (facts, first day, last day) → measure
_RULES: dict[str, Rule] = {}
_READS: dict[str, str] = {}


def rule(target_id: str, reads: str = HAZARDS) -> Callable[[Rule], Rule]:
    """Register the computation of a target by its id, with the kind of facts it reads."""
    def register(func: Rule) -> Rule:
        _RULES[target_id] = func
        _READS[target_id] = reads
        return func
    return register


def rules() -> dict[str, Rule]:
    """The registered rules by target id."""
    from . import emergency_targets, enforcement_targets, hazard_targets, people_targets  # noqa: F401 - register their rules

    return dict(_RULES)


def meets(value: float, target: float, comparator: str, unit: str) -> bool:
    goal = target / 100 if unit == "%" else target
    # Rates are compared at the precision they are printed (0.1%), so 99.96% counts as 100%.
    value = round(value, 4) if unit == "%" else value
    return {"=": value == goal, ">=": value >= goal, "<=": value <= goal, ">": value > goal,
            "<": value < goal}.get(comparator, False)


def evaluate(facts: Mapping[str, object], start: str, end: str, *, county_wide: bool = True) -> list[Evaluation]:
    """Every target that has a rule, computed over ``facts`` (by the kind each rule reads) for the period from
    ``start`` to ``end``, in the order of the targets' data. ``county_wide`` False: the facts are one
    township's, whose county-scoped targets are counted but not judged."""
    registered = rules()
    results = []
    for target in targets():
        if target.id not in registered:
            continue
        measure = registered[target.id](facts[_READS[target.id]], start, end)
        judged = county_wide or target.scope != COUNTY_SCOPE
        met = None if measure.value is None or target.target is None or not judged else meets(
            measure.value, target.target, target.comparator, target.unit)
        results.append(Evaluation(target, measure, met, judged))
    return results
