"""The yearly minimum of safety training hours (生产经营单位安全培训规定), the one definition T52 and 表6 use.

The figures are data (resources/config/training_hours.json). The 8 h yearly retraining of employees other
than the managers is the county's own practice, not the regulation: it is a county setting, and the figures
so marked may be replaced by the station's settings (``overrides``, read by pjdesk.services).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .resources import load_config

FIRST, YEARLY = "first", "yearly"  # hired in the year (初次/岗前培训); everyone else (每年再培训)
MANAGERS, MANAGERS_HIGH_RISK, OTHERS, OTHERS_HIGH_RISK = (
    "managers", "managers_high_risk", "others", "others_high_risk")
GROUPS = (MANAGERS, MANAGERS_HIGH_RISK, OTHERS, OTHERS_HIGH_RISK)


@dataclass(frozen=True)
class CountySetting:
    """A figure of the table the county may change: its key in the settings (``others.yearly``), its label."""

    group: str
    when: str
    label: str
    source: str

    @property
    def key(self) -> str:
        return f"{self.group}.{self.when}"


@dataclass(frozen=True)
class TrainingMinimum:
    managers: tuple[str, ...]
    high_risk_sectors: tuple[str, ...]
    hours: Mapping[str, Mapping[str, float]]  # group → {FIRST: h, YEARLY: h}

    def group(self, role_class: str | None, sector: str | None) -> str:
        """Which row of the table a person is on: by 岗位类别 and the sector of the unit."""
        high_risk = sector in self.high_risk_sectors
        if role_class in self.managers:
            return MANAGERS_HIGH_RISK if high_risk else MANAGERS
        return OTHERS_HIGH_RISK if high_risk else OTHERS

    def required(self, role_class: str | None, sector: str | None, hired: str | None, year: int) -> float:
        """The hours a person must reach in ``year``: the first training's when hired in it, else the yearly
        retraining's. ``hired`` is an ISO date (None: hired before, so retraining)."""
        when = FIRST if hired and hired >= f"{year:04d}-01-01" else YEARLY
        return self.hours[self.group(role_class, sector)][when]


def county_settings() -> list[CountySetting]:
    """The figures of the table that are local practice, which the county may set."""
    return [CountySetting(**s) for s in load_config("training_hours")["county_setting"]]


def training_minimum(overrides: Mapping[str, float] | None = None) -> TrainingMinimum:
    """The table of resources/config/training_hours.json, with the county's own figures (``overrides``, by
    CountySetting.key) in place of the defaults; an override of a figure that is not a county setting, or
    that is not a positive number of hours, is ignored."""
    data = load_config("training_hours")
    hours = {group: dict(data["minimum_hours"][group]) for group in GROUPS}
    allowed = {s.key: s for s in county_settings()}
    for key, value in (overrides or {}).items():
        setting = allowed.get(key)
        if setting is None or isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 200:
            continue
        hours[setting.group][setting.when] = float(value)
    return TrainingMinimum(tuple(data["managers"]), tuple(data["high_risk_sectors"]), hours)
