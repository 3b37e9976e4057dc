"""The indexes of the people's kinds: each one a query needs, and no more (m017). A five-year county file carries
every index on 200,000-row tables, so an index no query reads costs megabytes for nothing; an index a query
does read is found by that query here, through SQLite's own plan of the statement pjdesk runs."""

from __future__ import annotations

import pytest

from pjdesk.core.person import PERSON, TRAINING
from pjdesk.core.training_hours import training_minimum
from pjdesk.services.records import save_record
from pjdesk.services.units import save_unit
from pjdesk.storage import people_facts
from pjdesk.storage import records as queries

SMALL_PER_TOWNSHIP = ("person", "training", "certificate", "drill", "plan")


def indexes(store, table: str) -> set[str]:
    return {r[0] for r in store.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table])}


def plans_of(store, work) -> list[tuple[str, str]]:
    """Each statement ``work()`` runs, with SQLite's plan of it, read after the work is done."""
    ran: list[str] = []
    store.db.conn.set_trace_callback(ran.append)
    try:
        work()
    finally:
        store.db.conn.set_trace_callback(None)
    return [(sql, " | ".join(r[-1] for r in store.db.execute(f"EXPLAIN QUERY PLAN {sql}")))
            for sql in ran if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def test_kinds_a_township_holds_a_few_thousand_of_have_no_sort_index_per_column(session):
    """A township's few thousand people (trainings, certificates, drills, plans) sort in milliseconds from its
    rows; only the 身份证号 within a township keeps its index, for the check that it is not entered twice."""
    for table in SMALL_PER_TOWNSHIP:
        per_column = {name for name in indexes(session.store, table) if name.startswith(f"{table}_t_")}
        assert per_column == ({"person_t_id_number"} if table == "person" else set()), table
    assert "person_id_number" not in indexes(session.store, "person")


@pytest.fixture
def training(session):
    unit = save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化"}).id
    people = [save_record(session, PERSON, {"name": name, "unit_id": unit, "role_class": "一般从业人员",
                                            "employment": "正式", "hired": "2020-01-01",
                                            "id_number": number}).id
              for name, number in (("张三", "11010519491231002X"), ("李四", "430626198503120032"))]
    made = save_record(session, TRAINING, {"date": "2026-03-02", "training_type": "年度再培训", "hours": 8,
                                           "organiser": "县应急局",
                                           "attendees": [{"person_id": p, "result": "合格"} for p in people]}).id
    kept = queries.children(session.store, TRAINING, made)["training_attendee"][0]
    save_record(session, TRAINING, {"attendees": [kept]}, made)  # the second attendee removed
    return made


def test_a_trainings_attendees_removed_or_not_are_found_by_its_index(session, training):
    store = session.store
    for removed_too, found in ((False, 1), (True, 2)):
        shown: list = []
        plans = plans_of(store, lambda r=removed_too, into=shown: into.append(queries.children(
            store, TRAINING, training, include_deleted=r)["training_attendee"]))
        assert len(shown[0]) == found
        [(_, plan)] = [p for p in plans if "training_attendee" in p[0]]
        assert "USING INDEX training_attendee_training (training_id=?" in plan


def test_the_years_passed_attendances_are_read_from_the_index_alone(session, training):
    plans = plans_of(session.store, lambda: people_facts.people_counts(
        session.store, day="2026-11-29", year_start="2026-01-01", minimum=training_minimum()))
    assert any("COVERING INDEX training_attendee_training (training_id=? AND deleted=? AND result=?)" in plan
               for _, plan in plans)


def test_a_repeated_id_number_is_looked_for_through_its_index(session, training):
    store = session.store
    plans = plans_of(store, lambda: queries.find_equal(store, PERSON, "id_number", "11010519491231002X",
                                                       session.station.code))
    [(_, plan)] = plans
    assert "USING INDEX person_t_id_number" in plan
