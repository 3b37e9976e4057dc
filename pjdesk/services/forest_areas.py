"""森林总面积 of each township: the denominator of 森林火灾受害率 (T42, 表8), a figure the county keeps.

The county sets each township's area (from its 森林资源调查); the townships receive the figures with the
county's targets (pjdesk.services.county_data), as they receive its training hours. Figures in
resources/config/forest.json, where a county ships them with the program, are the defaults under both.
"""

from __future__ import annotations

import json

from pjdesk.core import plan_records
from pjdesk.core.errors import PjdeskError
from pjdesk.core.townships import station_name, townships

from .session import Session

FOREST_SETTING = "forest_area_ha"  # {"430626101": 1234.5}: the county's figures, township code → hectares
MAX_HA = 500_000  # 平江县 is about 4,125 km² in all: no township is near this


def _kept(raw) -> dict[str, float]:
    """The figures as kept or as received: only known townships' positive numbers count."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    if not isinstance(raw, dict):
        return {}
    known = {t.code for t in townships()}
    return {code: float(ha) for code, ha in raw.items()
            if code in known and isinstance(ha, int | float) and not isinstance(ha, bool) and 0 < ha <= MAX_HA}


def county_figures(session: Session) -> dict[str, float]:
    """The county's own figures (on the county, its setting; on a township, what the county sent)."""
    if session.require_station().is_county:
        return _kept(session.store.setting(FOREST_SETTING))
    from .county_data import county_data

    return _kept((county_data(session)["targets"] or {}).get("forest_area_ha"))


def forest_areas(session: Session) -> dict[str, float]:
    """Each township's 森林总面积 (ha) this station counts with: the county's figure, else the shipped default."""
    shipped = {t.code: ha100 / 100 for t in townships() if (ha100 := plan_records.forest_area_ha100(t.code))}
    return {**shipped, **county_figures(session)}


def demo_forest_areas(session: Session, seed: int) -> None:
    """The county demo's figures: 4,000 to 22,000 ha a township (平江县 is about two thirds forest), from the
    seed; a township already set keeps its figure."""
    import random

    rng = random.Random(f"forest-{seed}")
    drawn = {t.code: round(rng.uniform(4_000, 22_000), 1) for t in townships()}
    session.store.set_settings({FOREST_SETTING: json.dumps({**drawn, **county_figures(session)}, sort_keys=True)})


def set_forest_area(session: Session, code: str, hectares: float | None) -> dict[str, float]:
    """County only: keep a township's area (None: back to the default); returns the figures in force."""
    if not session.require_station().is_county:
        raise PjdeskError("森林总面积由县级设置，随县级下发的目标任务一起送达乡镇")
    if code not in {t.code for t in townships()}:
        raise PjdeskError(f"“{code}”不是平江县的乡镇（街道）代码，可运行 pjdesk townships 查看")
    figures = county_figures(session)
    if hectares is None:
        figures.pop(code, None)
    elif isinstance(hectares, bool) or not isinstance(hectares, int | float) or not 0 < hectares <= MAX_HA:
        raise PjdeskError(f"{station_name(code)}的森林总面积应为大于 0、不超过 {MAX_HA:,} 的公顷数")
    else:
        figures[code] = float(hectares)
    session.store.set_settings({FOREST_SETTING: json.dumps(figures, sort_keys=True) if figures else None})
    return forest_areas(session)
