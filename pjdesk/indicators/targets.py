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
    definition: str = ""  # how the figure is counted, in words (the 目标 page shows it)
    level: str = "township"  # "county": the county's figure only (a county total, or one only the county enters)
    weight: float = 1  # the target's weight in the county's assessment (county data, sent down)
    source: str = "computed"  # "entered": its figure comes from 目标进展 (pjdesk.indicators.progress_targets)
    # Who enters an entered row: "" whoever its level says (a county row, the county); "townships": each
    # township its own part, added up at the county (the firebreaks and water a township built).
    entered_by: str = ""

    @property
    def scope(self) -> str:
        """"county": the figure is the county's, not each township's (a township's count only adds to it)."""
        return COUNTY_SCOPE if self.level == COUNTY_SCOPE else "every"

    @property
    def entered(self) -> bool:
        return self.source == ENTERED


COUNTY_SCOPE = "county"
ENTERED = "entered"
PER_MILLE = "‰"


@dataclass(frozen=True)
class Measure:
    """A rate's two counts, or (``denominator`` None) a count alone.

    A rate with ``denominator == 0`` had nothing to count: no data, not 0% or 100%. A count with
    ``numerator`` None had nothing recorded to count from: no data, not 0."""

    numerator: float | None
    denominator: float | None
    # A figure entered (目标进展) rather than counted: the value itself (a fraction for a rate).
    entered: float | None = None
    # Year on year (G2, T07, T08): the numerator is this period's count, the denominator the same period's
    # last year (None: nothing recorded then to compare with); the value is this period's count.
    versus: bool = False
    # The rule's own judgement where the plan's goal is not one figure (G2's two falls, M1's two frequencies).
    verdict: bool | None = None
    # The figure in words where its two counts do not say it all (起数 3，上年同期 5；死亡 1，上年同期 2).
    detail: str = ""

    @classmethod
    def count(cls, number: int | None) -> Measure:
        return cls(number, None)

    @property
    def is_count(self) -> bool:
        return self.denominator is None

    @property
    def value(self) -> float | int | None:
        """A fraction for a rate, the number for a count; None without data."""
        if self.entered is not None:
            return self.entered
        if self.versus or self.denominator is None:
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
        if self.measure.versus:
            last = self.measure.denominator
            return f"{value:g}（上年同期{'无数据' if last is None else f' {last:g}'}）"
        if self.target.unit == PER_MILLE:
            return f"{value * 1000:.2f}‰"
        return f"{value * 100:.1f}%" if self.target.unit == "%" else f"{value:g}"

    @property
    def goal(self) -> str:
        """The plan's figure as worded (目标 =100%, 全县目标 ≥52家), "" when the plan gives none."""
        t = self.target
        if t.target is None:
            worded = {"<上年": "低于上年同期"}.get(t.comparator, t.comparator)
            return f"目标 {worded}" if worded else ""
        comparator = {"=": "", ">=": "≥", "<=": "≤"}.get(t.comparator, t.comparator)
        return f"{'全县' if t.scope == COUNTY_SCOPE else ''}目标 {comparator}{t.target:g}{t.unit}"

    @property
    def status(self) -> str:
        """达标, 未达标, 暂无数据 or 已录入 (an entered figure, judged too: its colour says which), and for a
        figure without a verdict: 计入全县 (a county total counted on a township) or 无从比较 (no last year)."""
        if self.measure.entered is not None:
            return "已录入"
        if self.measure.value is None:
            return "暂无数据"
        if self.met is not None:
            return "达标" if self.met else "未达标"
        if not self.judged:
            return "计入全县"
        return "无从比较" if self.measure.versus else "不考核"

    @property
    def reckoning(self) -> str:
        """How the value was counted, in words, with the goal (for a tooltip or a note)."""
        t, m = self.target, self.measure
        if m.detail:
            unjudged = "" if self.judged else "（县级指标，由县级录入）" if t.entered else "（本乡镇的数计入全县，不单独考核）"
            return f"{m.detail}　{self.goal}{unjudged}".rstrip()
        if m.value is None:
            missing = "检查记录" if m.is_count else t.denominator
            return f"本期没有“{missing}”，无从计算。{self.goal}"
        if m.is_count:
            counted = f"{t.numerator} {m.numerator:g}"
        else:
            counted = f"{t.numerator} {m.numerator:g} ÷ {t.denominator} {m.denominator:g} = {self.shown}"
        unjudged = "（本乡镇的数计入全县，不单独考核）" if not self.judged else ""
        return f"{counted}　{self.goal}{unjudged}"

    @property
    def explained(self) -> str:
        return f"{self.target.name}\n{self.reckoning}"


def targets(edits: Mapping[str, Mapping] | None = None) -> list[Target]:
    """The targets of the plan, with the county's ``edits`` of the year (target id → {"target", "weight"})."""
    listed = []
    for t in load_config("targets")["targets"]:
        edit = (edits or {}).get(t["id"]) or {}
        listed.append(Target(**{**t, **{k: edit[k] for k in ("target", "weight") if k in edit}}))
    return listed


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


def reads(target_id: str) -> str | None:
    """The kind of facts the rule of ``target_id`` reads (None: no rule)."""
    return _READS.get(target_id) if target_id in rules() else None


def rules() -> dict[str, Rule]:
    """The registered rules by target id."""
    from . import (  # noqa: F401 - register their rules
        emergency_targets,
        enforcement_targets,
        hazard_targets,
        people_targets,
        record_targets,
        unit_targets,
    )

    return dict(_RULES)


def meets(value: float, target: float, comparator: str, unit: str) -> bool:
    goal = target / 100 if unit == "%" else target / 1000 if unit == PER_MILLE else target
    # Rates are compared at the precision they are printed (0.1%), so 99.96% counts as 100%.
    value = round(value, 4) if unit == "%" else value
    return {"=": value == goal, ">=": value >= goal, "<=": value <= goal, ">": value > goal,
            "<": value < goal}.get(comparator, False)


def evaluate(facts: Mapping[str, object], start: str, end: str, *, county_wide: bool = True,
             every_row: bool = False, plan: list[Target] | None = None) -> list[Evaluation]:
    """Every target that has a rule, computed over ``facts`` (by the kind each rule reads) for the period from
    ``start`` to ``end``, in the order of the targets' data (``plan``: the targets with the county's edits).
    ``county_wide`` False: the facts are one township's, whose county-scoped targets are counted but not
    judged. ``every_row``: every row of the plan, those entered (目标进展) read from ``facts[PROGRESS]``."""
    from .progress_targets import PROGRESS, entered_measure

    registered = rules()
    results = []
    for target in plan if plan is not None else targets():
        if target.id in registered:
            measure = registered[target.id](facts[_READS[target.id]], start, end)
        elif every_row:
            measure = entered_measure(facts.get(PROGRESS), target, start, end)
        else:
            continue
        judged = county_wide or target.scope != COUNTY_SCOPE
        results.append(Evaluation(target, measure, _met(measure, target) if judged else None, judged))
    return results


def _met(measure: Measure, target: Target) -> bool | None:
    if measure.verdict is not None:
        return measure.verdict
    if measure.versus:  # below last year's figure, or none in either year
        last, this = measure.denominator, measure.numerator
        return None if last is None or this is None else this < last or this == last == 0
    if measure.value is None or target.target is None:
        return None
    return meets(measure.value, target.target, target.comparator, target.unit)
