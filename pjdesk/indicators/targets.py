"""Targets and their evaluation: a value against the plan's figure, green or red, or "no data"."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


@dataclass(frozen=True)
class Measure:
    """A rate's two counts. ``denominator == 0`` means there was nothing to count: no data, not 0% or 100%."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Evaluation:
    target: Target
    measure: Measure
    met: bool | None  # None: no data

    @property
    def shown(self) -> str:
        value = self.measure.value
        if value is None:
            return "暂无数据"
        return f"{value * 100:.1f}%" if self.target.unit == "%" else f"{value:g}"

    @property
    def explained(self) -> str:
        t, m = self.target, self.measure
        goal = f"目标 {t.comparator if t.comparator != '=' else ''}{t.target:g}{t.unit}" if t.target is not None else ""
        if m.value is None:
            return f"{t.name}：本期没有“{t.denominator}”，无从计算。{goal}"
        return f"{t.name}\n{t.numerator} {m.numerator} ÷ {t.denominator} {m.denominator} = {self.shown}　{goal}"


def targets() -> list[Target]:
    return [Target(**t) for t in load_config("targets")["targets"]]


Rule = Callable[[Iterable[dict], str, str], Measure]
_RULES: dict[str, Rule] = {}


def rule(target_id: str) -> Callable[[Rule], Rule]:
    """Register the computation of a target by its id."""
    def register(func: Rule) -> Rule:
        _RULES[target_id] = func
        return func
    return register


def rules() -> dict[str, Rule]:
    from . import hazard_targets  # noqa: F401 - registers the hazard ledger's rules

    return dict(_RULES)


def meets(value: float, target: float, comparator: str, unit: str) -> bool:
    goal = target / 100 if unit == "%" else target
    # Rates are compared at the precision they are printed (0.1%), so 99.96% counts as 100%.
    value = round(value, 4) if unit == "%" else value
    return {"=": value == goal, ">=": value >= goal, "<=": value <= goal, ">": value > goal,
            "<": value < goal}.get(comparator, False)


def evaluate(facts: list[dict], start: str, end: str) -> list[Evaluation]:
    """Every target that has a rule, computed over ``facts`` for the period from ``start`` to ``end``."""
    registered = rules()
    results = []
    for target in targets():
        if target.id not in registered:
            continue
        measure = registered[target.id](facts, start, end)
        met = None if measure.value is None or target.target is None else meets(
            measure.value, target.target, target.comparator, target.unit)
        results.append(Evaluation(target, measure, met))
    return results
