"""The hazard ledger's queries (filter, search, sort, page, position, dashboard) through the services."""

import datetime as dt

import pytest

from pjdesk.core.hazard import STATUSES, HazardFilter
from pjdesk.services import hazards as svc
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from pjdesk.storage.ledger import SORT_KEYS

TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """Seven hazards of three units in known states; read-only for the tests of this module."""
    session = init_station(tmp_path_factory.mktemp("ledger"), code="430626101", operator="张三", today=lambda: TODAY)
    chem = save_unit(session, {"name": "平江县安定化工有限公司", "sector": "危化"}).id
    fireworks = save_unit(session, {"name": "安定镇红星烟花爆竹经营部", "sector": "烟花爆竹"}).id
    market = save_unit(session, {"name": "天岳商贸城", "sector": "人员密集场所"}).id
    h = {}

    def add(key, unit_id, description, **values):
        h[key] = svc.record_hazard(session, {"unit_id": unit_id, "description": description, **values}).id

    add("passage", chem, "消防通道堵塞", location="仓库", found_date="2026-11-01", deadline="2026-11-10")
    svc.notify_rectification(session, h["passage"], "2026-11-02")
    add("wiring", chem, "电线私拉乱接", location="车间", level="重大", source="群众举报", found_date="2026-10-15",
        deadline="2026-12-03", tags="打非治违")
    add("storage", fireworks, "烟花仓库超量储存", location="成品仓库", source="企业自查", found_date="2026-09-01",
        deadline="2026-09-30")
    svc.complete_rectification(session, h["storage"], "2026-10-20")
    svc.review_hazard(session, h["storage"], "2026-11-02", passed=True, reviewer="李四")
    svc.close_hazard(session, h["storage"], "2026-11-05")
    add("exit", market, "安全出口被锁闭", found_date="2026-11-28",
        tags="人员密集场所封堵安全出口/疏散通道|专项整治回头看")
    add("ageing", fireworks, "电气线路老化", location="办公楼", source="部门执法", found_date="2026-11-20",
        deadline="2026-12-20")
    svc.complete_rectification(session, h["ageing"], "2026-11-25")
    add("duplicate", market, "重复录入的电线隐患", found_date="2026-11-03")
    svc.delete_hazard(session, h["duplicate"], "重复录入")
    add("extinguisher", chem, "灭火器过期未更换", location="门卫室", found_date="2026-11-05", deadline="2026-11-15")
    svc.extend_hazard(session, h["extinguisher"], "2026-11-14", "2026-12-31", "等待采购")
    yield session, h, {"chem": chem, "fireworks": fireworks, "market": market}
    session.close()


EVERYTHING = HazardFilter()


def found(ledger, f=EVERYTHING):
    """The hazards a filter shows, by their test names; the count must agree with the list."""
    session, h, _ = ledger
    names = {v: k for k, v in h.items()}
    rows = svc.list_hazards(session, f, limit=1000)
    assert svc.count_hazards(session, f) == len(rows)
    return {names[r["id"]] for r in rows}


OPEN = {"passage", "wiring", "exit", "ageing", "extinguisher"}


def test_everything_but_the_deleted(ledger):
    assert found(ledger) == OPEN | {"storage"}


@pytest.mark.parametrize("f, expected", [
    (HazardFilter(statuses=("发现",)), {"wiring", "exit", "extinguisher"}),
    (HazardFilter(statuses=("整改中", "已整改待复查")), {"passage", "ageing"}),
    (HazardFilter(open_only=True), OPEN),
    (HazardFilter(closed_only=True), {"storage"}),
    (HazardFilter(level="重大"), {"wiring"}),
    (HazardFilter(sector="烟花爆竹"), {"storage", "ageing"}),
    (HazardFilter(source="群众举报"), {"wiring"}),
    (HazardFilter(source="乡镇检查"), {"passage", "exit", "extinguisher"}),
    (HazardFilter(tag="打非治违"), {"wiring"}),
    (HazardFilter(tag="专项整治回头看"), {"exit"}),
    (HazardFilter(tag="专项"), set()),  # a tag matches whole, not as a part of another
    (HazardFilter(overdue=True), {"passage"}),  # extinguisher's deadline was extended; storage is closed
    (HazardFilter(due_within_days=7), {"wiring"}),
    (HazardFilter(due_within_days=30), {"wiring"}),  # ageing is due in 21 days but already rectified
    (HazardFilter(found_from="2026-11-01", found_to="2026-11-28"), {"passage", "exit", "ageing", "extinguisher"}),
    (HazardFilter(found_from="2026-11-20"), {"exit", "ageing"}),
    (HazardFilter(found_to="2026-10-15"), {"storage", "wiring"}),
    (HazardFilter(closed_from="2026-11-01", closed_to="2026-11-30"), {"storage"}),
    (HazardFilter(closed_to="2026-10-31"), set()),
    (HazardFilter(incomplete=True), {"wiring"}),
    (HazardFilter(open_only=True, sector="危化"), {"passage", "wiring", "extinguisher"}),
], ids=lambda v: v.describe() if isinstance(v, HazardFilter) else None)
def test_filters(ledger, f, expected):
    assert found(ledger, f) == expected


def test_filter_by_unit(ledger):
    units = ledger[2]
    assert found(ledger, HazardFilter(unit_id=units["market"])) == {"exit"}
    assert found(ledger, HazardFilter(unit_id=units["chem"])) == {"passage", "wiring", "extinguisher"}


@pytest.mark.parametrize("text, expected", [
    ("电", {"wiring", "ageing"}),  # one character: a scan, and the deleted one stays hidden
    ("仓库", {"passage", "storage"}),  # two characters: description or location
    ("成品仓", {"storage"}),  # three characters: the trigram index
    ("私拉乱接", {"wiring"}),
    ("安全出口", {"exit"}),
    ("红星", {"storage", "ageing"}),  # the unit's name
    ("天岳商贸城", {"exit"}),
    ("adz", {"storage", "ageing"}),  # pinyin initials of 安定镇红星烟花爆竹经营部
    ("ADHG", {"passage", "wiring", "extinguisher"}),  # 平江县安定化工…, typed in capitals
    ("电 办公楼", {"ageing"}),  # every term must match
    ("_", set()),
    ("%", set()),
    ("没有这样的隐患", set()),
])
def test_text_search(ledger, text, expected):
    assert found(ledger, HazardFilter(text=text)) == expected


def test_search_by_hazard_number(ledger):
    session, h, _ = ledger
    number = session.store.get(svc.HAZARD, h["exit"])["hazard_no"]
    assert number.startswith("430626101-2026-")
    assert found(ledger, HazardFilter(text=number)) == {"exit"}
    assert found(ledger, HazardFilter(text=number[-4:])) >= {"exit"}


def rowids(session):
    return dict(session.store.db.execute("SELECT id, rowid FROM hazard"))


def expected_order(rows, key, rowid):
    """SQLite's order: NULLs first ascending, then the value, then the row's age; status in lifecycle order."""
    def value(r):
        return STATUSES.index(r[key]) if key == "status" else (r[key] or "")
    return [r["id"] for r in sorted(rows, key=lambda r: (r[key] is not None, value(r), rowid[r["id"]]))]


@pytest.mark.parametrize("key", sorted(SORT_KEYS))
def test_every_sort_key_both_ways_with_a_stable_tiebreak(ledger, key):
    session = ledger[0]
    rowid = rowids(session)
    ascending = svc.list_hazards(session, HazardFilter(), sort=(key, False))
    descending = svc.list_hazards(session, HazardFilter(), sort=(key, True))
    assert [r["id"] for r in ascending] == expected_order(ascending, key, rowid)
    assert [r["id"] for r in descending] == expected_order(ascending, key, rowid)[::-1]


@pytest.mark.parametrize("sort", [None, ("level", False), ("status", True), ("source", False), ("closed_date", True)])
def test_pages_neither_overlap_nor_skip(ledger, sort):
    session = ledger[0]
    whole = [r["id"] for r in svc.list_hazards(session, HazardFilter(), sort=sort)]
    paged = []
    for offset in range(0, len(whole) + 2, 2):
        paged += [r["id"] for r in svc.list_hazards(session, HazardFilter(), sort=sort, offset=offset, limit=2)]
    assert paged == whole and len(set(paged)) == 6


def test_default_order_is_newest_found_first(ledger):
    session, h, _ = ledger
    rows = svc.list_hazards(session, HazardFilter())
    assert rows[0]["id"] == h["exit"] and rows[-1]["id"] == h["storage"]
    assert [r["found_date"] for r in rows] == sorted((r["found_date"] for r in rows), reverse=True)


def test_list_rows_carry_what_the_table_shows(ledger):
    session, h, _ = ledger
    [row] = svc.list_hazards(session, HazardFilter(text="私拉乱接"))
    assert row["unit_name"] == "平江县安定化工有限公司"
    assert (row["status"], row["level"], row["sector"], row["incomplete"]) == ("发现", "重大", "危化", 1)
    [row] = svc.list_hazards(session, HazardFilter(text="灭火器"))
    assert (row["deadline"], row["due_date"]) == ("2026-11-15", "2026-12-31")


@pytest.mark.parametrize("sort", [None, ("unit_name", False), ("level", True)])
def test_position_keeps_the_selection(ledger, sort):
    session, h, _ = ledger
    for f in (HazardFilter(), HazardFilter(open_only=True)):
        ids = [r["id"] for r in svc.list_hazards(session, f, sort=sort)]
        for index, hazard_id in enumerate(ids):
            assert svc.hazard_position(session, f, hazard_id, sort=sort) == index
    assert svc.hazard_position(session, HazardFilter(open_only=True), h["storage"]) is None
    assert svc.hazard_position(session, HazardFilter(), h["duplicate"]) is None


def test_dashboard_counts(ledger):
    assert svc.dashboard(ledger[0]) == {
        "overdue": 1, "due_this_week": 1, "open_major": 1, "new_this_month": 4, "closed_this_month": 1, "open": 5,
        "incomplete": 1,
    }
