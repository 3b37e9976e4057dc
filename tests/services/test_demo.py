"""The demo dataset: a township's ledger of five years that passes every rule a typed record passes, and the
year's inspections with their checklists, hazards, documents and photos, made through the services an officer
uses; the same for the same seed, written through the one write path (so the change log has it all), and all or
nothing."""

import datetime as dt
import re

import pytest

from pjdesk.core.document import DOCUMENT as KIND_DOCUMENT
from pjdesk.core.errors import PjdeskError
from pjdesk.core.hazard import (
    CLOSE,
    EXTEND,
    FAIL,
    HAZARD,
    MAJOR,
    PASS,
    REVIEW,
    HazardFilter,
    check_event,
    derive_state,
    event_order,
    missing_major_items,
)
from pjdesk.core.identifiers import check_uscc
from pjdesk.core.inspection import INSPECTION as KIND_INSPECTION
from pjdesk.core.records import errors, validate, vocabulary
from pjdesk.core.unit import UNIT
from pjdesk.services import hazards as svc
from pjdesk.services.demo import DEFAULT_HAZARDS, load_demo
from pjdesk.services.session import init_station

TODAY = dt.date(2026, 11, 29)
ANDING = "430626101"
TIMESTAMPS = ("created_at", "updated_at")


def rows(session, sql, params=()):
    return session.store._rows(sql, params)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One station with the default demo, as the first-run wizard loads it; the tests below only read it."""
    s = init_station(tmp_path_factory.mktemp("demo"), code=ANDING, operator="张三", today=lambda: TODAY)
    steps = []
    counts = load_demo(s, progress=lambda done, total: steps.append((done, total)))
    yield s, counts, steps
    s.close()


def test_default_demo_is_a_township_of_a_few_hundred_units_and_a_few_thousand_hazards(demo):
    session, counts, _ = demo
    assert counts["hazards"] == DEFAULT_HAZARDS
    assert 50 <= counts["found_at_inspections"] <= 300, "of them, found at the year's inspections"
    assert 200 <= counts["units"] <= 400
    assert counts["events"] >= 3 * counts["hazards"]  # 整改完成, 复查 and 销号 at least, for most
    status = session.store.db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0]
    assert status == counts["hazards"]
    years = {r["y"] for r in rows(session, "SELECT DISTINCT substr(found_date, 1, 4) AS y FROM hazard")}
    assert {"2022", "2023", "2024", "2025", "2026"} <= years


def test_every_sector_has_units_and_the_units_look_like_real_ones(demo):
    session, _, _ = demo
    units = rows(session, "SELECT * FROM unit")
    assert {u["sector"] for u in units} == set(vocabulary("sector"))
    names = [u["name"] for u in units]
    for expected in (r"^平江县.+烟花爆竹有限公司$", r"加油站$", r"^平江县第.中学$|中学$|小学$", r"自建房（.+）$",
                     r"(宾馆|KTV|购物广场|超市|养老院|敬老院)$", r"(建设项目|工程)"):
        assert any(re.search(expected, n) for n in names), expected
    assert len(set(names)) == len(names)
    codes = [u["uscc"] for u in units if u["uscc"]]
    assert len(set(codes)) == len(codes)
    assert all(check_uscc(c).ok and c[2:8] == "430626" for c in codes)
    assert all(re.fullmatch(r"1[3-9]\d{9}", u["phone"]) for u in units)
    assert all(u["address"].startswith("平江县安定镇" + u["village"]) for u in units)
    assert {"安定村", "安定社区"} & {u["village"] for u in units}
    crowded = [u for u in units if u["sector"] == "人员密集场所"]
    assert all(u["crowded_type"] in vocabulary("crowded_place_type") for u in crowded)


def test_every_record_passes_the_rules_a_typed_record_passes(demo):
    session, _, _ = demo
    for unit in rows(session, "SELECT * FROM unit"):
        assert not errors(validate(UNIT, unit, TODAY)), unit["name"]
    for hazard in rows(session, "SELECT * FROM hazard"):
        assert not errors(validate(HAZARD, hazard, TODAY)), hazard["hazard_no"]
        assert hazard["incomplete"] == (1 if missing_major_items(hazard) else 0)


def test_each_lifecycle_step_is_one_an_officer_could_have_recorded_that_day(demo):
    """Replayed in order, every event passes the checks add_event makes: state, date order, not after today."""
    session, _, _ = demo
    hazards = {h["id"]: h for h in rows(session, "SELECT * FROM hazard")}
    events = {}
    for e in rows(session, "SELECT * FROM hazard_event"):
        events.setdefault(e["hazard_id"], []).append(e)
    for hazard_id, hazard in hazards.items():
        done = []
        for event in sorted(events.get(hazard_id, []), key=event_order):
            state = derive_state(hazard, done)
            assert not errors(check_event(hazard, state, event, TODAY)), (hazard["hazard_no"], event)
            done.append(event)
        state = derive_state(hazard, done)
        assert (hazard["status"], hazard["due_date"], hazard["closed_date"]) == \
               (state.status, state.due_date, state.closed_date)


def test_closed_hazards_passed_review_before_their_close_date(demo):
    session, _, _ = demo
    closed = rows(session, "SELECT * FROM hazard WHERE status = '销号'")
    assert len(closed) > 0.8 * DEFAULT_HAZARDS
    for h in closed:
        passing = rows(session, "SELECT date FROM hazard_event WHERE hazard_id = ? AND kind = ? AND result = ?",
                       [h["id"], REVIEW, PASS])
        assert passing and max(p["date"] for p in passing) <= h["closed_date"]
        assert h["found_date"] <= h["rectified_date"] <= h["review_date"] <= h["closed_date"] <= TODAY.isoformat()


def test_no_date_is_after_today(demo):
    session, _, _ = demo
    today = TODAY.isoformat()
    row = session.store.db.execute(
        "SELECT MAX(found_date), MAX(rectified_date), MAX(review_date), MAX(closed_date), MAX(supervision_date),"
        " MAX(ledger_date) FROM hazard").fetchone()
    assert all(day <= today for day in row)
    assert session.store.db.execute("SELECT MAX(date) FROM hazard_event").fetchone()[0] <= today
    assert session.store.db.execute("SELECT COUNT(*) FROM hazard WHERE deadline < found_date").fetchone()[0] == 0


def test_the_ledger_shows_overdue_major_incomplete_supervised_extended_and_redone_hazards(demo):
    session, counts, _ = demo
    board = svc.dashboard(session)
    assert board["overdue"] > 0 and board["overdue"] == counts["overdue"]
    assert board["open"] == counts["open"]
    assert 0 < board["incomplete"] < 30  # a few 重大 hazards still lack an item (待补充)
    major = rows(session, "SELECT * FROM hazard WHERE level = ?", [MAJOR])
    assert len(major) == counts["major"]
    assert 0.03 <= len(major) / DEFAULT_HAZARDS <= 0.06
    assert all(h["major_basis"] or h["incomplete"] for h in major)
    assert any("《工贸企业重大事故隐患判定标准》第十一条" in (h["major_basis"] or "") for h in major)
    assert sum(1 for h in major if h["supervision_level"]) >= 10  # 挂牌督办
    assert all(h["status"] != "销号" for h in major if h["incomplete"])
    extensions = rows(session, "SELECT * FROM hazard_event WHERE kind = ?", [EXTEND])
    assert extensions and all(e["note"] and e["new_deadline"] > e["date"] for e in extensions)
    failed = rows(session, "SELECT hazard_id, date FROM hazard_event WHERE kind = ? AND result = ?", [REVIEW, FAIL])
    assert failed
    for f in failed[:20]:
        later = rows(session, "SELECT 1 FROM hazard_event WHERE hazard_id = ? AND kind = ? AND result = ? AND date >= ?",
                     [f["hazard_id"], REVIEW, PASS, f["date"]])
        status = rows(session, "SELECT status FROM hazard WHERE id = ?", [f["hazard_id"]])[0]["status"]
        assert later or status != "销号"


def test_descriptions_and_tags_fit_the_sector(demo):
    session, _, _ = demo
    dust = rows(session, "SELECT description, tags FROM hazard WHERE sector = '涉爆粉尘'")
    assert any("粉尘" in h["description"] or "除尘" in h["description"] for h in dust)
    assert all("涉爆粉尘" in h["tags"] for h in dust)
    assert all("自建房" in h["tags"] for h in rows(session, "SELECT tags FROM hazard WHERE sector = '自建房经营'"))
    blocked = svc.count_hazards(session, HazardFilter(tag="人员密集场所封堵安全出口/疏散通道"))
    assert blocked > 0
    for term in ("灭火器", "电气线路私拉乱接", "消防通道", "安全出口", "液化气钢瓶"):
        assert svc.count_hazards(session, HazardFilter(text=term)) > 0, term
    distinct = session.store.db.execute("SELECT COUNT(DISTINCT description) FROM hazard").fetchone()[0]
    assert distinct > 300


def test_the_change_log_has_an_insert_for_every_record(demo):
    session, counts, _ = demo
    logged = dict(session.store.db.execute(
        "SELECT kind, COUNT(DISTINCT record_id) FROM change_log WHERE op = 'insert' GROUP BY kind").fetchall())
    kinds = ("unit", "hazard", "hazard_event", "inspection", "inspection_item", "inspection_officer", "document",
             "attachment", "person", "training", "training_attendee", "certificate", "plan", "drill", "drill_problem",
             "team", "team_equipment", "accident", "fire", "road_check", "reward", "exposure", "meeting", "progress")
    assert logged == {k: session.store.db.execute(f"SELECT COUNT(*) FROM {k}").fetchone()[0] for k in kinds}
    assert (logged["unit"], logged["hazard"], logged["hazard_event"]) == \
        (counts["units"], counts["hazards"], counts["events"])
    assert (logged["inspection"], logged["document"], logged["attachment"]) == \
        (counts["inspections"], counts["documents"], counts["attachments"])
    assert (logged["person"], logged["training"], logged["training_attendee"], logged["certificate"]) == \
        (counts["people"], counts["trainings"], counts["attendees"], counts["certificates"])
    operators = {r[0] for r in session.store.db.execute("SELECT DISTINCT created_by FROM hazard").fetchall()}
    assert operators == {"张三"}


def test_progress_counts_up_to_the_total(demo):
    session, counts, steps = demo
    # The units, the ledger's hazards and the year's inspections (their reviews are part of each).
    inspected = session.store.db.execute("SELECT COUNT(*) FROM inspection WHERE mode != '整改复查'").fetchone()[0]
    total = counts["units"] + counts["hazards"] - counts["found_at_inspections"] + inspected
    assert steps[-1] == (total, total) and all(t == total for _, t in steps)
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    assert len(steps) > 100  # the inspections report as they go, not only the batches of hazards


# What differs between two loads of one seed: when the rows were written (HLC stamps), and the SHA-256 of a
# document's PDF and XLSX (their writers stamp the moment they were made; the text and 文号 are the same).
WRITTEN_WHEN = (*TIMESTAMPS, "pdf_sha256", "xlsx_sha256")
TABLES = ("unit", "hazard", "hazard_event", "inspection", "inspection_item", "inspection_officer", "document",
          "attachment", "person", "training", "training_attendee", "certificate", "plan", "drill", "drill_problem",
          "team", "team_equipment", "accident", "fire", "road_check", "reward", "exposure", "meeting", "progress")


def _snapshot(session):
    """The data as a user sees it: every column except when the rows and files were written."""
    out = {}
    for table in TABLES:
        out[table] = [{k: v for k, v in r.items() if k not in WRITTEN_WHEN}
                      for r in rows(session, f"SELECT * FROM {table} ORDER BY id")]
    return out


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(tmp_path):
    loaded = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        s = init_station(tmp_path / name, code=ANDING, operator="张三", today=lambda: TODAY)
        counts = load_demo(s, seed=seed, hazards=300)
        loaded.append((_snapshot(s), counts))
        s.close()
    (first, counts), (again, _), (other, _) = loaded
    assert first == again
    assert first["hazard"] != other["hazard"] and first["inspection"] != other["inspection"]
    assert len(first["hazard"]) == counts["hazards"] == 300 and counts["found_at_inspections"] > 0
    assert all(first[table] for table in TABLES), "every kind of record is in the comparison"


def test_a_cancelled_load_writes_nothing_and_the_next_load_works(session):
    with pytest.raises(PjdeskError, match="已取消"):
        load_demo(session, hazards=5000, cancelled=lambda: True)
    db = session.store.db
    assert db.execute("SELECT (SELECT COUNT(*) FROM unit) + (SELECT COUNT(*) FROM hazard)").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == 0
    counts = load_demo(session, hazards=100)
    inserted = db.execute("SELECT COUNT(*) FROM change_log WHERE op = 'insert'").fetchone()[0]
    assert inserted == sum(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES)
    assert counts["inspections"] > 0


def test_demo_data_is_added_beside_what_a_station_already_has(session, unit):
    first = svc.record_hazard(session, {"unit_id": unit, "description": "消防通道堵塞", "found_date": "2026-03-02"}).id
    counts = load_demo(session, hazards=200)
    kept = svc.hazard_detail(session, first)["hazard"]
    assert kept["hazard_no"] == "430626101-2026-A0001" and kept["description"] == "消防通道堵塞"
    numbers = [r[0] for r in session.store.db.execute("SELECT hazard_no FROM hazard").fetchall()]
    assert len(set(numbers)) == len(numbers) == 1 + counts["hazards"] == 201


def test_the_same_demo_twice_is_refused_with_a_message_and_changes_nothing(session):
    first = load_demo(session, seed=3, hazards=50)
    db = session.store.db

    def counts():
        return [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("unit", "hazard", "inspection", "document", "attachment", "change_log")]

    before = counts()
    with pytest.raises(PjdeskError) as e:
        load_demo(session, seed=3, hazards=50)
    assert "演示数据已载入" in str(e.value) and "--seed" in str(e.value)
    assert counts() == before
    second = load_demo(session, seed=4, hazards=50)  # another seed is another set: added beside the first
    assert counts()[1] == first["hazards"] + second["hazards"] == 100
    assert counts()[2] == first["inspections"] + second["inspections"]


def test_the_same_demo_twice_is_refused_even_when_its_records_were_deleted(session):
    load_demo(session, seed=3, hazards=20)
    for hazard_id, in session.store.db.execute("SELECT id FROM hazard").fetchall():
        svc.delete_hazard(session, hazard_id, "演示数据，不再需要")
    with pytest.raises(PjdeskError, match="演示数据已载入"):
        load_demo(session, seed=3, hazards=20)


def test_the_county_takes_a_second_demo_of_another_seed(tmp_path):
    s = init_station(tmp_path / "county", code="430626", operator="县应急局", county=True, today=lambda: TODAY)
    first = load_demo(s, seed=1, hazards=100)
    assert first["hazards"] == 100
    reports = s.store.db.execute("SELECT COUNT(*) FROM sync_import").fetchone()[0]
    second = load_demo(s, seed=2, hazards=100)
    assert s.store.db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0] == 200
    doc_nos = [r[0] for r in s.store.db.execute("SELECT doc_no FROM document").fetchall()]
    assert len(doc_nos) == first["documents"] + second["documents"] == len(set(doc_nos))
    # One report a township and month (the bundle id says which): the second set adds only months the first
    # left unreported.
    assert s.store.db.execute("SELECT COUNT(*) FROM sync_import").fetchone()[0] >= reports
    with pytest.raises(PjdeskError, match="演示数据已载入"):
        load_demo(s, seed=2, hazards=100)
    s.close()


def test_on_the_county_station_the_units_are_spread_over_the_townships(tmp_path):
    s = init_station(tmp_path / "county", code="430626", operator="县应急局", county=True, today=lambda: TODAY)
    load_demo(s, hazards=600)
    places = {r[0] for r in s.store.db.execute("SELECT DISTINCT township FROM unit").fetchall()}
    assert len(places) > 12 and all(re.fullmatch(r"430626\d{3}", p) for p in places)
    mismatched = s.store.db.execute(
        "SELECT COUNT(*) FROM hazard h JOIN unit u ON u.id = h.unit_id WHERE h.township != u.township").fetchone()[0]
    assert mismatched == 0
    numbers = [r[0] for r in s.store.db.execute("SELECT hazard_no FROM hazard").fetchall()]
    assert all(n.startswith(tuple(places)) for n in numbers) and len(set(numbers)) == len(numbers)
    s.close()


def test_the_county_demo_has_six_months_of_reports_to_show(tmp_path):
    from pjdesk.core.periods import Month
    from pjdesk.services import reporting

    s = init_station(tmp_path / "county", code="430626", operator="县应急局", county=True, today=lambda: TODAY)
    load_demo(s, hazards=300)
    grid = reporting.report_grid(s, 2026)
    seen = {row.cells[m.key].status for row in grid.rows for m in grid.months if m >= Month(2026, 5)}
    assert {reporting.ON_TIME, reporting.LATE, reporting.MISSING} <= seen
    assert not {row.cells["2026-04"].status for row in grid.rows} - {reporting.NOT_DUE, reporting.MISSING}
    october = [row.cells["2026-10"] for row in grid.rows]
    assert all(c.arrived is None or c.arrived <= TODAY for c in october)
    assert 0 < len(grid.missing_in(Month(2026, 10))) < 8, "a few townships have not sent October's file"
    s.close()


def test_a_negative_size_is_refused(session):
    with pytest.raises(PjdeskError, match="隐患条数"):
        load_demo(session, hazards=-1)
    assert session.store.db.execute("SELECT COUNT(*) FROM unit").fetchone()[0] == 0


def test_close_events_follow_a_passing_review(demo):
    """销号 is only ever the step after 复查合格 (the rule add_event enforces), never after 不合格."""
    session, _, _ = demo
    by_hazard = {}
    for e in rows(session, "SELECT * FROM hazard_event"):
        by_hazard.setdefault(e["hazard_id"], []).append(e)
    for events in by_hazard.values():
        ordered = sorted(events, key=event_order)
        for before, event in zip(ordered, ordered[1:], strict=False):
            if event["kind"] == CLOSE:
                assert before["kind"] == REVIEW and before["result"] == PASS


def _plans_agree(session, monkeypatch, f, sort):
    """The page of a filter read both ways the ledger plans it: driven by the filter, or walking the sort."""
    from pjdesk.storage import ledger

    pages = []
    for few in (True, False):
        monkeypatch.setattr(ledger, "_few", lambda *args, few=few: few)
        pages.append([r["id"] for r in svc.list_hazards(session, f, sort=sort, limit=400)]
                     + [r["id"] for r in svc.list_hazards(session, f, sort=sort, offset=400, limit=50)])
    driven, walked = pages
    assert driven == walked, (f, sort)
    assert len(driven) == min(450, svc.count_hazards(session, f))
    return driven


def test_a_page_is_the_same_whether_driven_by_the_filter_or_walking_the_sort(demo, monkeypatch):
    """The ledger reads a page of a large selection in sort-index order and a small one through the filter's
    index; on the demo's realistic ledger both must give the same rows in the same order."""
    session, _, _ = demo
    brand = next(r["name"][3:5] for r in rows(session, "SELECT name FROM unit WHERE name LIKE '平江县%有限公司'"))
    filters = [HazardFilter(), HazardFilter(closed_only=True), HazardFilter(open_only=True),
               HazardFilter(overdue=True), HazardFilter(due_within_days=30), HazardFilter(level=MAJOR),
               HazardFilter(statuses=("整改中", "已整改待复查")), HazardFilter(sector="危化", source="乡镇检查"),
               HazardFilter(tag="涉爆粉尘"), HazardFilter(incomplete=True), HazardFilter(found_from="2025-01-01"),
               HazardFilter(text="电"), HazardFilter(text="电线"), HazardFilter(text="灭火器"),
               HazardFilter(text=brand), HazardFilter(text="2024-01"), HazardFilter(text="jy"),
               HazardFilter(text="灭火器", open_only=True)]
    for f in filters:
        _plans_agree(session, monkeypatch, f, None)
    for key in ("unit_name", "status", "description", "level", "due_date", "resp_person", "hazard_no"):
        for descending in (False, True):
            _plans_agree(session, monkeypatch, HazardFilter(), (key, descending))
            _plans_agree(session, monkeypatch, HazardFilter(open_only=True, text="消防"), (key, descending))


# --- the year's inspections -------------------------------------------------------------------------------------
ENFORCEMENT = tuple(m for m in vocabulary("inspection_mode") if m != "日常巡查")


def _inspections(session, where="1", params=()):
    return rows(session, f"SELECT * FROM inspection WHERE {where} ORDER BY date, id", params)


def _children(session, table, inspection_id):
    return rows(session, f"SELECT * FROM {table} WHERE inspection_id = ? AND deleted = 0 ORDER BY rowid",
                [inspection_id])


def test_every_inspection_mode_is_used_on_days_of_the_year_up_to_today(demo):
    session, counts, _ = demo
    per_mode = dict(session.store.db.execute("SELECT mode, COUNT(*) FROM inspection GROUP BY mode").fetchall())
    assert set(per_mode) == set(vocabulary("inspection_mode"))
    assert sum(per_mode.values()) == counts["inspections"]
    assert per_mode["整改复查"] >= 20 and per_mode["计划执法"] >= 10 and per_mode["双随机"] >= 5
    assert sum(per_mode[m] for m in ENFORCEMENT) > per_mode["日常巡查"]
    days = [dt.date.fromisoformat(i["date"]) for i in _inspections(session)]
    assert TODAY - dt.timedelta(days=365) < min(days) and max(days) <= TODAY
    assert len({d.strftime("%Y-%m") for d in days}) >= 11, "spread over the twelve months"
    planned = [dt.date.fromisoformat(i["date"]) for i in _inspections(session, "mode != '整改复查'")]
    assert all(d.weekday() < 5 for d in planned), "inspections are made on working days"


def test_inspections_use_their_units_checklist_with_some_items_not_met(demo):
    from pjdesk.core.checklists import checklist_for

    session, _, _ = demo
    used, failing = set(), 0
    for inspection in _inspections(session, "mode != '整改复查' AND checklist IS NOT NULL"):
        unit = session.store.get(UNIT, inspection["unit_id"])
        expected = checklist_for(unit["sector"])
        items = _children(session, "inspection_item", inspection["id"])
        assert inspection["checklist"] == expected.key, unit["name"]
        assert [i["code"] for i in items] == [item.code for item in expected.items]
        assert {i["result"] for i in items} <= set(vocabulary("checklist_result"))
        failed = [i for i in items if i["result"] == "不符合"]
        assert inspection["failed_items"] == len(failed)
        failing += bool(failed)
        assert inspection["findings"].startswith("发现问题") == bool(failed)
        used.add(expected.key)
    assert len(used) >= 6, used
    assert failing >= 30


def test_hazards_found_at_inspections_are_linked_both_ways(demo):
    from pjdesk.services import inspections

    session, counts, _ = demo
    linked = 0
    for inspection in _inspections(session, "mode != '整改复查'"):
        failed = [i for i in _children(session, "inspection_item", inspection["id"]) if i["result"] == "不符合"]
        found = inspections.inspection_hazards(session, inspection["id"])
        assert sorted(h["id"] for h in found) == sorted(i["hazard_id"] for i in failed)
        for item, hazard in ((i, session.store.get(HAZARD, i["hazard_id"])) for i in failed):
            assert hazard["inspection_id"] == inspection["id"] and hazard["unit_id"] == inspection["unit_id"]
            assert hazard["found_date"] == inspection["date"]
            assert item["text"] in hazard["description"]
            assert hazard["source"] == ("群众举报" if inspection["mode"] == "举报核查" else "乡镇检查")
            officers = [o["name"] for o in _children(session, "inspection_officer", inspection["id"])]
            assert hazard["found_by"] == "、".join(officers)
            linked += 1
    assert linked == counts["found_at_inspections"]
    assert session.store.db.execute("SELECT COUNT(*) FROM hazard WHERE inspection_id IS NOT NULL").fetchone()[0] == linked
    # A review lists the hazards it looked at; each was found at the inspection it reviews.
    for review in _inspections(session, "mode = '整改复查'")[:30]:
        items = _children(session, "inspection_item", review["id"])
        origins = {session.store.get(HAZARD, i["hazard_id"])["inspection_id"] for i in items}
        assert len(origins) == 1
        assert review["id"] in [r["id"] for r in inspections.reviews_of(session, origins.pop())]


def test_found_hazards_are_reviewed_and_closed_as_the_ledger_steps_say(demo):
    session, _, _ = demo
    found = rows(session, "SELECT * FROM hazard WHERE inspection_id IS NOT NULL")
    closed = [h for h in found if h["status"] == "销号"]
    assert 0.5 * len(found) < len(closed) < len(found)
    for hazard in closed:
        reviews = rows(session, "SELECT i.date FROM inspection_item t JOIN inspection i ON i.id = t.inspection_id"
                                " WHERE t.hazard_id = ? AND i.mode = '整改复查' AND t.result = '符合'", [hazard["id"]])
        assert reviews and max(r["date"] for r in reviews) <= hazard["closed_date"] <= TODAY.isoformat()
    assert any(h["status"] != "销号" and h["found_date"] < "2026-10-01" for h in found), "a few never followed up"
    assert any(h["level"] == MAJOR for h in found)


def test_enforcement_checks_have_two_inspectors_with_cert_numbers_a_few_pending(demo):
    session, _, _ = demo
    enforcement = _inspections(session, "mode != '日常巡查'")
    pending = 0
    for inspection in enforcement:
        officers = _children(session, "inspection_officer", inspection["id"])
        assert len(officers) >= 2
        missing = any(not o["cert_no"] for o in officers)
        assert inspection["incomplete"] == missing
        pending += missing
        if not missing:
            assert all(re.fullmatch(r"\d{11}", o["cert_no"]) for o in officers)
    assert 1 <= pending <= 0.1 * len(enforcement)
    joint = _inspections(session, "mode = '联合检查'")
    assert all(len(_children(session, "inspection_officer", i["id"])) == 3 for i in joint)
    stopped = _inspections(session, "stop_order = 1")
    fined = _inspections(session, "fine > 0")
    assert 1 <= len(stopped) <= 15 and 1 <= len(fined) <= 15
    assert all(i["mode"] in ENFORCEMENT and "责令停产整顿" in i["measures"] for i in stopped)
    assert all(i["fine"] >= 500_000 and f"{i['fine'] // 100:,} 元" in i["measures"] for i in fined)


def test_documents_are_issued_with_unique_numbers_and_print_what_was_issued(demo):
    from pypdf import PdfReader

    from pjdesk.services import documents

    session, counts, _ = demo
    issued = rows(session, "SELECT * FROM document ORDER BY date, rowid")
    assert len(issued) == counts["documents"]
    assert {d["doc_type"] for d in issued} == {"现场检查记录", "责令限期整改指令书", "整改复查意见书"}
    numbers = [d["doc_no"] for d in issued]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"平应急（安定）(检记|责改|复查)〔2026〕\d+号", n) for n in numbers), numbers
    for d in issued:
        inspection = session.store.get(KIND_INSPECTION, d["inspection_id"])
        assert d["date"] == inspection["date"] and d["unit_id"] == inspection["unit_id"]
        assert inspection["mode"] != "日常巡查"
        if d["doc_type"] == "责令限期整改指令书":
            notices = rows(session, "SELECT e.note FROM hazard_event e JOIN hazard h ON h.id = e.hazard_id"
                                    " WHERE h.inspection_id = ? AND e.kind = '整改通知'", [inspection["id"]])
            assert notices and all(d["doc_no"] in n["note"] for n in notices)
        if d["doc_type"] == "整改复查意见书":
            assert inspection["mode"] == "整改复查"
            assert session.store.get(KIND_DOCUMENT, d["follows_id"])["doc_type"] == "责令限期整改指令书"
    for d in (issued[0], issued[-1], next(x for x in issued if x["doc_type"] == "整改复查意见书")):
        files = documents.document_files(session, d["id"])
        assert not files.note, "the files kept are those issued"
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(files.pdf).pages))
        unit = session.store.get(UNIT, d["unit_id"])
        assert d["doc_no"] in text and unit["name"] in text, d["doc_no"]


def test_a_few_photos_are_attached_and_read_back_as_pictures(demo):
    import io

    from PIL import Image

    from pjdesk.services import attachments

    session, counts, _ = demo
    attached = rows(session, "SELECT * FROM attachment ORDER BY rowid")
    assert 4 <= len(attached) == counts["attachments"] <= 40
    assert {a["label"] for a in attached} == set(vocabulary("attachment_label"))
    for a in attached:
        data = attachments.read_attachment(session, a["id"])
        assert len(data) == a["bytes"] and a["mime"] == "image/png" and a["name"].endswith(".png")
        picture = Image.open(io.BytesIO(data))
        picture.load()
        assert picture.size == (240, 180) and picture.mode == "RGB"
        record = session.store.get(KIND_INSPECTION if a["record_kind"] == "inspection" else HAZARD, a["record_id"])
        assert record is not None and record["township"] == a["township"]
        if a["label"] == "整改后":
            assert record["status"] == "销号"
        shown = attachments.list_attachments(session, a["record_kind"], a["record_id"])
        assert a["id"] in [s["id"] for s in shown]


def test_a_load_cancelled_among_the_inspections_leaves_no_record_and_no_file(data_dir):
    from pjdesk.services.documents import documents_folder
    from pjdesk.storage.attachments import files_of

    s = init_station(data_dir, code=ANDING, operator="张三", today=lambda: TODAY)
    folders = (documents_folder(s), files_of(s.store).folder)

    def written(folder):
        return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []

    seen = []

    def cancelled():  # once a document and a photo are on disk
        seen.append(all(written(folder) for folder in folders))
        return seen[-1]

    with pytest.raises(PjdeskError, match="已取消"):
        load_demo(s, hazards=300, cancelled=cancelled)
    assert any(seen), "the load was cancelled after it had written files"
    assert [written(folder) for folder in folders] == [[], []]
    assert s.store.db.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == 0
    assert all(s.store.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] == 0 for t in TABLES)
    s.close()


@pytest.fixture(scope="module")
def county_demo(tmp_path_factory):
    """The county's default demo, as its first-run wizard loads it."""
    s = init_station(tmp_path_factory.mktemp("county"), code="430626", operator="县应急局", county=True,
                     today=lambda: TODAY)
    counts = load_demo(s)
    yield s, counts
    s.close()


def test_on_the_county_every_township_has_its_own_inspections_in_every_mode(county_demo):
    from pjdesk.core.townships import townships

    session, counts = county_demo
    inspections = _inspections(session)
    assert len(inspections) == counts["inspections"]
    assert {i["mode"] for i in inspections} == set(vocabulary("inspection_mode"))
    by_township = {}
    for i in inspections:
        by_township.setdefault(i["township"], []).append(i)
    places = {t.code for t in townships() if t.kind != "园区"}
    assert set(by_township) == places and len(places) >= 25
    assert all(len(found) >= 5 for found in by_township.values())
    mismatched = session.store.db.execute(
        "SELECT (SELECT COUNT(*) FROM inspection i JOIN unit u ON u.id = i.unit_id WHERE i.township != u.township)"
        " + (SELECT COUNT(*) FROM hazard h JOIN inspection i ON i.id = h.inspection_id WHERE h.township != i.township)"
        " + (SELECT COUNT(*) FROM document d JOIN inspection i ON i.id = d.inspection_id WHERE d.township != i.township)"
    ).fetchone()[0]
    assert mismatched == 0
    numbers = [r["doc_no"] for r in rows(session, "SELECT doc_no FROM document")]
    assert numbers and len(set(numbers)) == len(numbers)
    assert all(n.startswith("平应急（") for n in numbers)


def test_on_the_county_most_high_risk_units_had_an_enforcement_check_this_year(county_demo):
    """What T05 per township counts: a high-risk unit at work with an enforcement check since 1 January."""
    session, _ = county_demo
    units = rows(session, "SELECT id, township FROM unit WHERE is_high_risk = 1 AND status IN ('正常', '停产')")
    checked = {r["unit_id"] for r in rows(
        session, "SELECT DISTINCT unit_id FROM inspection WHERE mode != '日常巡查' AND date >= '2026-01-01'")}
    covered = sum(u["id"] in checked for u in units)
    assert units and 0.6 <= covered / len(units) < 1.0
    townships_with = {u["township"] for u in units if u["id"] in checked}
    assert len(townships_with) >= 15


@pytest.mark.parametrize("size", [0, 5, 60])
def test_a_small_demo_has_as_many_hazards_as_asked_the_inspections_finding_fewer(tmp_path, size):
    s = init_station(tmp_path / "small", code=ANDING, operator="张三", today=lambda: TODAY)
    counts = load_demo(s, hazards=size)
    db = s.store.db
    assert db.execute("SELECT COUNT(*) FROM hazard").fetchone()[0] == counts["hazards"] == size
    assert counts["inspections"] > 0 and counts["found_at_inspections"] <= size
    failed = db.execute("SELECT COUNT(*) FROM inspection_item i JOIN inspection p ON p.id = i.inspection_id"
                        " WHERE i.result = '不符合' AND p.mode != '整改复查'").fetchone()[0]
    assert failed == counts["found_at_inspections"]
    s.close()
