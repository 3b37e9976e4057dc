"""The demo's 目标进展 and the units' marks the targets count (双重预防, 一会三卡, 入园新建 and 三同时).

Each township reports the township-level rows (its firebreaks, water, staff trained, units on the supervision
system) by quarter; the county station reports the county's rows (the departments' figures) by quarter too.
The units' marks are drawn from each unit's id (a hash, no draw from the demo's generators), so that the rest
of the demo is the same records as before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from pjdesk.core.progress import PROGRESS
from pjdesk.core.townships import COUNTY_CODE
from pjdesk.indicators.targets import targets

from .demo_rows import PlannedRows

TRADE = ("金属冶炼", "涉爆粉尘", "钢铁/铝加工", "工贸其他")
REPORTERS = {"T29": "乡镇应急办", "T31": "乡镇应急办", "T36": "乡镇林业站", "T37": "乡镇林业站", "T38": "乡镇林业站",
             "T39": "乡镇水利站"}
COUNTY_REPORTERS = {"T09": "县住建局", "T11": "县消防救援大队", "T12": "县消防救援大队", "T13": "县城管局",
                    "T14": "县应急管理局", "T15": "县应急管理局", "T16": "县应急管理局", "T19": "县应急管理局",
                    "T20": "县应急管理局", "T21": "县应急管理局", "T22": "县应急管理局", "T32": "岳阳市生态环境局平江分局",
                    "T33": "县发改局", "T34": "县文旅广体局", "T35": "县水利局", "T45": "县安委办", "T47": "县应急管理局"}


def _share(unit_id: str, salt: str) -> float:
    """A number in [0, 1) fixed by the unit and what is asked."""
    return int(hashlib.sha256(f"{salt}:{unit_id}".encode()).hexdigest()[:8], 16) / 0x1_0000_0000


def mark_units(units: Sequence[dict]) -> None:
    """Set the marks of the demo's units (in place, before they are written)."""
    for u in units:
        watched = u["is_high_risk"] or u["is_above_scale"]
        u["dual_prevention"] = int(bool(watched) and _share(u["id"], "dual") < 0.85)
        u["yihui_sanka"] = int(bool(u["is_high_risk"]) and _share(u["id"], "yhsk") < 0.8)
        u["new_in_park"] = int(u["sector"] in TRADE and _share(u["id"], "park") < 0.05)
        u["three_simultaneous"] = int(bool(u["new_in_park"]) and _share(u["id"], "3t") < 0.8)


class DemoProgress(PlannedRows):
    """目标进展 of the demo's townships (or of the county), a row per target and quarter of the year so far."""

    def __init__(self, seed: int, today: dt.date, townships: Sequence[str], county: bool):
        super().__init__("progress", seed, today, (PROGRESS,), hour=11)
        self.townships = list(townships)
        self.county = county

    def plan(self) -> None:
        rows = {t.id: t for t in targets() if t.entered}
        quarters = [q for q in range(1, 5) if dt.date(self.today.year, q * 3 - 2, 1) <= self.today]
        if self.county:
            for target_id, reporter in COUNTY_REPORTERS.items():
                self._quarters(rows[target_id], COUNTY_CODE, reporter, quarters, share=1)
        for code in self.townships:
            for target_id, reporter in REPORTERS.items():
                self._quarters(rows[target_id], code, reporter, quarters, share=25)

    def _quarters(self, target, code: str, reporter: str, quarters: list[int], share: int) -> None:
        """Cumulative figures by quarter, reaching about the year's target by the fourth (a township's share:
        1/25 of a county figure)."""
        pace = self.rng.uniform(0.75, 1.15)
        for q in quarters:
            row = {"township": code, "target_id": f"{target.id} {target.name}", "period": f"{self.today.year}-Q{q}",
                   "reporter": reporter, "note": "演示数据"}
            done = min(1.0, pace * q / 4)
            if target.unit == "%":
                whole = self.rng.randint(8, 40) if share > 1 else self.rng.randint(20, 120)
                row["numerator"], row["denominator"] = str(round(whole * min(1.0, done + 0.1))), str(whole)
            elif target.target:
                row["value"] = f"{target.target / share * done:.1f}" if target.unit in ("km", "m³") else (
                    f"{target.target * done:.2f}" if target.target % 1 else str(round(target.target * done)))
            else:  # a count the plan wants at 0 (accidents, dams), or T45's 1–2 model enterprises
                row["value"] = "2" if target.id == "T45" else "0"
            self._add(PROGRESS, row)
