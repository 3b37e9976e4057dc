"""The demo's people: rosters across the units, training with attendees, certificates some lapsed and some due
within 60 days; every record as the declarations accept it; the same seed and day, the same records."""

from __future__ import annotations

import datetime as dt

from pjdesk.core.person import CERTIFICATE, PERSON, TRAINING, TRAINING_ATTENDEE, lapse_date, on_roster
from pjdesk.core.records import errors, validate
from pjdesk.services.demo_people import DemoPeople

TODAY = dt.date(2026, 11, 29)


def units(n=60):
    sectors = ["危化", "建筑施工", "人员密集场所", "工贸其他", "非煤矿山", "烟花爆竹"]
    return [{"id": f"u{i}", "township": "430626101", "name": f"单位{i}", "sector": sectors[i % len(sectors)],
             "is_high_risk": int(sectors[i % len(sectors)] in ("危化", "非煤矿山", "烟花爆竹")), "status": "正常"}
            for i in range(n)]


def planned(seed=1):
    people = DemoPeople(seed, TODAY, units())
    people.plan()
    return people


def test_the_same_seed_makes_the_same_people():
    a, b = planned(), planned()
    assert a.people == b.people and a.attendees == b.attendees and a.certificates == b.certificates
    assert planned(2).people != a.people


def test_every_record_is_one_the_declarations_accept():
    demo = planned()
    for kind, rows in ((PERSON, demo.people), (TRAINING, demo.trainings), (CERTIFICATE, demo.certificates)):
        for row in rows:
            assert not errors(validate(kind, row, TODAY)), (kind.name, row, errors(validate(kind, row, TODAY)))
    for row in demo.attendees[:500]:
        assert not errors(validate(TRAINING_ATTENDEE, row, TODAY))
    assert len({p["id_number"] for p in demo.people if p["id_number"]}) == sum(1 for p in demo.people if p["id_number"])


def test_there_is_something_for_every_figure():
    demo = planned()
    roles = {p["role_class"] for p in demo.people}
    assert roles == {"主要负责人", "分管负责人", "专职安全管理人员", "班组长", "特种作业人员", "高风险岗位操作人员", "一般从业人员"}
    assert {p["employment"] for p in demo.people} == {"正式", "劳务派遣", "灵活用工"}
    assert 0 < sum(not on_roster(p, TODAY) for p in demo.people) < len(demo.people) / 5
    assert any(p["hired"] >= "2026-01-01" for p in demo.people)
    lapses = [lapse_date(c) for c in demo.certificates]
    assert any(d < TODAY.isoformat() for d in lapses), "some lapsed"
    assert any(TODAY.isoformat() <= d <= (TODAY + dt.timedelta(days=60)).isoformat() for d in lapses), "some due"
    assert {t["training_type"] for t in demo.trainings} >= {"年度再培训", "三类人员培训", "岗前培训"}
    assert any(a["result"] == "不合格" for a in demo.attendees)
    assert all(t["date"] <= TODAY.isoformat() for t in demo.trainings)
