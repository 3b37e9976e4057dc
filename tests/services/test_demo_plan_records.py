"""The demo's accidents, fires, road checks, rewards, exposures and meetings: two years of them for every
township, each as the declarations accept it, none after the demo's day; the same seed and day, the same
records; something for every figure of 表5, 表8 and 表9 (this month, the year so far, the same months last year)."""

from __future__ import annotations

import datetime as dt

from pjdesk.core.kinds import KINDS
from pjdesk.core.records import errors, validate
from pjdesk.services.demo_plan_records import DemoPlanRecords

TODAY = dt.date(2026, 11, 29)
TOWNSHIPS = ("430626101", "430626102", "430626103", "430626104", "430626105", "430626106")


def units(n=60):
    return [{"id": f"u{i}", "township": TOWNSHIPS[i % len(TOWNSHIPS)], "name": f"单位{i}", "village": f"{i % 7}号村",
             "sector": ("危化", "建筑施工", "人员密集场所")[i % 3], "status": "正常"} for i in range(n)]


def planned(seed=1):
    demo = DemoPlanRecords(seed, TODAY, units())
    demo.plan()
    return demo


def test_the_same_seed_makes_the_same_records_and_another_seed_others():
    assert planned().rows == planned().rows
    assert planned(2).rows != planned().rows


def test_every_record_is_one_the_declarations_accept_and_none_is_after_today():
    for name, rows in planned().rows.items():
        kind = KINDS[name]
        assert rows, name
        for row in rows:
            assert not errors(validate(kind, row, TODAY)), (name, row, errors(validate(kind, row, TODAY)))
            days = [row[f.name] for f in kind.fields if f.type == "date" and row.get(f.name)]
            assert all("2024-12-01" <= day <= TODAY.isoformat() for day in days), (name, row)


def test_there_is_something_for_every_figure():
    rows = planned().rows
    accidents = rows["accident"]
    assert {a["level"] for a in map(lambda a: {**a, **KINDS["accident"].derive(a)}, accidents)} >= {"一般", "较大"}
    assert sum(a["is_disaster"] for a in accidents) == 1 and any(a["party_name"] for a in accidents)
    assert any(a["occurred"] < "2025-12-01" for a in accidents) and any(a["occurred"] >= "2026-01-01" for a in accidents)
    assert any(f["forest_ha100"] >= 100 for f in rows["fire"]) and any(f["forest_ha100"] < 100 for f in rows["fire"])
    months = {(c["township"], c["date"][:7]) for c in rows["road_check"]}
    assert len(months) == len(TOWNSHIPS) * 24  # one check a month, everywhere
    assert {r["verified"] for r in rows["reward"]} >= {"属实", "不属实"} and any(r["paid_on"] for r in rows["reward"])
    assert {m["meeting_type"] for m in rows["meeting"]} == {"安委办分析研判会", "专班联席会议", "安委会全体会议"}
    assert all(e["batch"] for e in rows["exposure"])
