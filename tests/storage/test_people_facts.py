"""The grouped facts the people rates sum (people_counts) are the persons of people_rows counted by the grouped
columns: on a roster of the vocabularies' values (grouped by their places in the vocabularies) and on one holding
values no vocabulary knows, a missing 岗位类别, a person without a unit and a certificate of an unknown type
(grouped by the values themselves)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from pjdesk.core.person import CERTIFICATE, PERSON, TRAINING
from pjdesk.core.training_hours import training_minimum
from pjdesk.services.records import save_record
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from pjdesk.storage import people_facts
from pjdesk.storage.people_facts import CERT_SEPARATOR, GROUPED, people_counts, people_rows
from tests.conftest import TOWNSHIP

DAY = dict(day="2026-11-30", year_start="2026-01-01", minimum=training_minimum({}))


@pytest.fixture
def station(tmp_path):
    session = init_station(tmp_path / "station", code=TOWNSHIP, operator="张三", today=lambda: dt.date(2026, 12, 10))
    chem = save_unit(session, {"name": "安定化工厂", "sector": "危化", "is_high_risk": 1}).id
    works = save_unit(session, {"name": "安定机械厂", "sector": "工贸其他", "is_high_risk": 0}).id
    people = []
    for i, (unit, role, employment, hired) in enumerate((
            (chem, "专职安全管理人员", "正式", "2019-03-01"), (chem, "高风险岗位操作人员", "劳务派遣", "2026-02-01"),
            (chem, "特种作业人员", "灵活用工", "2020-01-01"), (chem, "特种作业人员", "正式", "2020-01-01"),
            (works, "一般从业人员", "正式", "2018-01-01"), (works, "一般从业人员", "正式", "2018-01-01"),
            (works, "班组长", "劳务派遣", "2026-05-01"), (works, "主要负责人", "正式", "2010-01-01"))):
        people.append(save_record(session, PERSON, {"name": f"人员{i}", "unit_id": unit, "role_class": role,
                                                    "employment": employment, "hired": hired}).id)
    save_record(session, TRAINING, {"date": "2026-04-01", "training_type": "年度再培训", "hours": 8, "organiser": "县应急局",
                                    "attendees": [{"person_id": p, "result": "合格"} for p in people[:6]]})
    for who, cert_type, until in ((people[0], "安全生产知识和管理能力考核合格证", "2027-01-10"),
                                  (people[2], "特种作业操作证", "2029-01-01"), (people[2], "特种设备作业人员证", "2026-12-20"),
                                  (people[3], "特种作业操作证", "2026-11-29")):
        save_record(session, CERTIFICATE, {"person_id": who, "cert_type": cert_type, "cert_no": f"N{who[-6:]}{cert_type}",
                                           "issued": "2020-01-01", "valid_until": until, "review_due": until})
    yield session, people
    session.close()


def counted_by_hand(store) -> Counter:
    """people_rows' persons counted by the grouped columns, as people_counts spells them."""
    rows = people_rows(store, **DAY)
    return Counter(tuple(CERT_SEPARATOR.join(r[c]) if c.startswith("certs") else r[c] for c in GROUPED) for r in rows)


def as_counter(groups) -> Counter:
    return Counter({tuple(g[c] for c in GROUPED): g["people"] for g in groups})


def test_a_roster_of_the_vocabularies_values_is_grouped_by_their_places(station, monkeypatch):
    session, _ = station

    def by_values(*args):
        raise AssertionError("grouped by the values although every value is in the vocabularies")

    monkeypatch.setattr(people_facts, "_counts_grouped_by_values", by_values)
    groups = people_counts(session.store, **DAY)
    assert as_counter(groups) == counted_by_hand(session.store)
    assert sum(g["people"] for g in groups) == 8
    electrician = [g for g in groups if g["employment"] == "灵活用工"]
    assert [(g["role_class"], g["sector"], g["high_risk"], g["trained"], g["hours_met"], g["certs"], g["certs_due"])
            for g in electrician] == [("特种作业人员", "危化", 1, 1, 0, "特种作业操作证|特种设备作业人员证", "特种设备作业人员证")]


def test_values_no_vocabulary_holds_are_grouped_as_they_are(station):
    session, people = station
    conn = session.store.db.conn
    # As an old or a foreign station may send them: written past the record engine's rules.
    conn.execute("UPDATE person SET role_class = ? WHERE id = ?", ("安全员\x1f旧称", people[4]))
    conn.execute("UPDATE person SET role_class = NULL, employment = '临时工' WHERE id = ?", (people[5],))
    conn.execute("UPDATE person SET unit_id = NULL WHERE id = ?", (people[7],))
    conn.execute("UPDATE unit SET sector = '矿山（旧）' WHERE name = '安定机械厂'")
    conn.execute("UPDATE certificate SET cert_type = '旧证' WHERE person_id = ?", (people[3],))
    conn.commit()
    groups = people_counts(session.store, **DAY)
    assert as_counter(groups) == counted_by_hand(session.store)
    assert {(g["role_class"], g["employment"], g["sector"]) for g in groups if g["sector"] != "危化"} == {
        ("安全员\x1f旧称", "正式", "矿山（旧）"), (None, "临时工", "矿山（旧）"), ("班组长", "劳务派遣", "矿山（旧）"),
        ("主要负责人", "正式", None)}


def test_one_townships_people_are_the_stations_people_of_that_township(station):
    """A township's facts are read from its own roster (people_facts' second shape of the query): they are the
    station's facts of that township, whichever township recorded a person's training or certificate."""
    session, people = station
    conn = session.store.db.conn
    # A county's file: a person of another township in the same training, a certificate and a training
    # recorded by another township, and a deleted person of this one.
    conn.execute("UPDATE person SET township = '430626102' WHERE id = ?", (people[1],))
    conn.execute("UPDATE certificate SET township = '430626102' WHERE person_id = ?", (people[2],))
    conn.execute("UPDATE training SET township = '430626102'")
    conn.execute("UPDATE person SET deleted = 1 WHERE id = ?", (people[4],))
    conn.commit()
    everyone = people_counts(session.store, **DAY)
    assert {g["township"] for g in everyone} == {TOWNSHIP, "430626102"}
    for township in (TOWNSHIP, "430626102"):
        own = people_counts(session.store, **DAY, township=township)
        assert as_counter(own) == as_counter(g for g in everyone if g["township"] == township)
        assert people_rows(session.store, **DAY, township=township) == [
            r for r in people_rows(session.store, **DAY) if r["township"] == township]
    assert sum(g["people"] for g in people_counts(session.store, **DAY, township=TOWNSHIP)) == 6


@pytest.mark.parametrize("unknown_values", [False, True])
def test_several_days_at_once_are_each_day_as_counted_alone(station, unknown_values):
    """people_counts_each (a year of 表6 in one read) gives each day's groups as people_counts gives them: across
    a year's start, before a person was hired and after one left, with trainings and certificates of several
    days, a person of another township, and values no vocabulary holds (then counted day by day)."""
    session, people = station
    conn = session.store.db.conn
    conn.execute("UPDATE person SET left_on = '2026-06-30' WHERE id = ?", (people[5],))
    conn.execute("UPDATE person SET township = '430626102' WHERE id = ?", (people[1],))
    if unknown_values:
        conn.execute("UPDATE person SET employment = '临时工' WHERE id = ?", (people[6],))
    conn.commit()
    save_record(session, TRAINING, {"date": "2025-11-20", "training_type": "年度再培训", "hours": 16,
                                    "organiser": "县应急局", "attendees": [{"person_id": p, "result": "合格"}
                                                                       for p in people[2:8]]})
    days = [("2025-12-31", "2025-01-01"), ("2026-01-31", "2026-01-01"), ("2026-03-31", "2026-01-01"),
            ("2026-04-30", "2026-01-01"), ("2026-07-31", "2026-01-01"), ("2026-12-25", "2026-01-01")]
    minimum = DAY["minimum"]
    each = people_facts.people_counts_each(session.store, days, minimum=minimum, township=TOWNSHIP)
    alone = [people_counts(session.store, day=day, year_start=start, minimum=minimum, township=TOWNSHIP)
             for day, start in days]
    assert [as_counter(groups) for groups in each] == [as_counter(groups) for groups in alone]
    assert len({frozenset(as_counter(groups).items()) for groups in each}) >= 4, "the days differ"
