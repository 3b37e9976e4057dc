"""A search of a kind's list counts from the kind's search index, which holds every column a search word is
looked for in: the count reads a narrow index instead of the table, and finds exactly what the table scan
finds. A query that also filters on a column the index lacks is left to SQLite's own plan."""

from __future__ import annotations

import random

import pytest

from pjdesk.core.inspection import INSPECTION
from pjdesk.core.kinds import KINDS
from pjdesk.core.person import PERSON
from pjdesk.services.records import save_record
from pjdesk.services.units import save_unit
from pjdesk.storage import records as queries
from pjdesk.storage.records import RecordQuery
from tests.conftest import TODAY


def index_columns(store, name: str) -> list[str]:
    return [row[2] for row in store.db.execute("SELECT * FROM pragma_index_info(?)", [name])]


def plan(store, kind, query: RecordQuery) -> str:
    sql, params = queries.where(kind, query)
    hint = queries._counted_by(store, kind, query)
    rows = store.db.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM {kind.table} t{hint}{sql}", params)
    return " ".join(str(r[-1]) for r in rows)


def test_the_index_holds_every_column_a_search_looks_in(session):
    """If a kind's list starts to show (and search) another column, its search index needs it too: a new
    migration. This test says so before the count silently goes back to reading the table."""
    indexed = [kind for kind in KINDS.values() if index_columns(session.store, queries.search_index(kind))]
    assert {INSPECTION.name, PERSON.name} <= {kind.name for kind in indexed}
    for kind in indexed:
        held = index_columns(session.store, queries.search_index(kind))
        assert held[0] == "township", kind.name
        assert set(held[1:]) == set(queries.searched_columns(kind)), kind.name


@pytest.fixture
def inspections(session):
    rng = random.Random(7)
    units = [save_unit(session, {"name": name, "sector": "危化"}).id
             for name in ("平江县恒昌化工有限公司", "安定镇鑫达花炮厂", "平江县通达电子有限公司")]
    words = ["灭火器过期", "化工原料堆放", "电线私拉乱接", "未发现问题", None]
    for n in range(60):
        save_record(session, INSPECTION, {
            "date": TODAY.replace(day=1 + n % 28).isoformat(), "unit_id": rng.choice(units),
            "mode": rng.choice(["日常巡查", "双随机", "计划执法"]), "findings": rng.choice(words),
            "officers": [{"name": rng.choice(["李明", "张化", "王五"]), "cert_no": "1"},
                         {"name": "赵六", "cert_no": "2"}]})
    return units


@pytest.mark.parametrize("text", ["化", "化工", "李明", "电线", "平江", "未发现问题", "不存在的词", "化 电"])
def test_a_search_counts_from_the_index_and_finds_what_the_table_finds(session, inspections, text):
    store = session.store
    township = session.station.code
    for query in (RecordQuery(text=text), RecordQuery(text=text, township=township),
                  RecordQuery(text=text, filters={"unit_id": inspections[0]}, township=township)):
        assert "inspection_search" in plan(store, INSPECTION, query)
        hinted = queries.count(store, INSPECTION, query)
        sql, params = queries.where(INSPECTION, query)
        scanned = store.db.execute(f"SELECT COUNT(*) FROM inspection t NOT INDEXED{sql}", params).fetchone()[0]
        assert hinted == scanned
        assert hinted == len(queries.page(store, INSPECTION, query, limit=1000))


def test_a_filter_outside_the_index_is_left_to_sqlite(session, inspections):
    query = RecordQuery(text="化工", filters={"mode": "双随机"})
    assert queries._counted_by(session.store, INSPECTION, query) == ""
    assert queries._counted_by(session.store, INSPECTION, RecordQuery()) == ""  # no words: the filters' indexes
    assert queries._counted_by(session.store, INSPECTION, RecordQuery(text="化工", include_deleted=True)) == ""
    assert queries.count(session.store, INSPECTION, query) == len(
        queries.page(session.store, INSPECTION, query, limit=1000))


# --- a search that finds few rows: its pages read them by rowid -------------------------------------------
@pytest.fixture
def people(session):
    rng = random.Random(11)
    units = [save_unit(session, {"name": name, "sector": "危化"}).id
             for name in ("平江县恒昌化工有限公司", "安定镇鑫达花炮厂")]
    for _ in range(70):
        save_record(session, PERSON, {"name": rng.choice("王李张刘") + rng.choice(["明", "芳", "军", "小明"]),
                                      "unit_id": rng.choice(units), "role_class": "一般从业人员"})
    return units


def sorts():
    return [(f.name, descending) for f in PERSON.fields if f.in_list for descending in (False, True)]


@pytest.mark.parametrize("text", ["明", "王 明", "wm", "恒昌", "不存在"])
def test_a_page_after_a_few_found_reads_them_and_gives_the_walked_rows(session, people, text):
    store = session.store
    query = RecordQuery(text=text, township=session.station.code)
    for sort in [None, *sorts()]:
        for offset, limit in ((0, 100), (3, 5), (30, 10)):
            walked = queries.page(store, PERSON, query, sort=sort, offset=offset, limit=limit)
            n = queries.count(store, PERSON, query)
            assert store.recall(queries._found_key(PERSON, *queries.where(PERSON, query))) is not None
            driven = queries.page(store, PERSON, query, sort=sort, offset=offset, limit=limit)
            assert driven == walked, (sort, offset)
            listed = [r["id"] for r in queries.page(store, PERSON, query, sort=sort, limit=1000)]
            assert len(listed) == n
            for at in sorted({0, n // 2, n - 1}) if n else ():
                assert queries.position(store, PERSON, query, listed[at], sort=sort) == at, (sort, at)
            store._found.clear()
            for at in sorted({0, n // 2, n - 1}) if n else ():  # the same, counted with the query's WHERE
                assert queries.position(store, PERSON, query, listed[at], sort=sort) == at, (sort, at)


def test_a_write_after_the_count_is_seen_by_the_page(session, people):
    store = session.store
    query = RecordQuery(text="赵")
    assert queries.count(store, PERSON, query) == 0
    assert queries.page(store, PERSON, query) == []
    save_record(session, PERSON, {"name": "赵六", "unit_id": people[0], "role_class": "一般从业人员"})
    assert [r["name"] for r in queries.page(store, PERSON, query)] == ["赵六"]


def test_a_search_that_finds_many_keeps_no_rows_and_walks(session, people, monkeypatch):
    monkeypatch.setattr(queries, "FOUND_ROWS", 3)
    store = session.store
    query = RecordQuery(text="明")
    walked = queries.page(store, PERSON, query, limit=1000)
    assert queries.count(store, PERSON, query) == len(walked) > 3
    assert store.recall(queries._found_key(PERSON, *queries.where(PERSON, query))) is None
    assert queries.page(store, PERSON, query, limit=1000) == walked


def test_a_count_without_the_search_index_keeps_nothing(session, people):
    store = session.store
    for query in (RecordQuery(), RecordQuery(text="明", include_deleted=True)):
        queries.count(store, PERSON, query)
        assert store.recall(queries._found_key(PERSON, *queries.where(PERSON, query))) is None


def test_a_record_the_search_did_not_find_has_no_position(session, people):
    store = session.store
    outside = store.db.execute("SELECT id FROM person WHERE name NOT LIKE '%明%' LIMIT 1").fetchone()[0]
    query = RecordQuery(text="明")
    assert queries.count(store, PERSON, query) > 0
    assert queries.position(store, PERSON, query, outside) is None
