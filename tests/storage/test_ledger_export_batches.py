"""The ledger read for an export (storage.ledger.batches): one statement, a batch at a time, the same rows in the
same order as the list's pages, for every filter and sort; an abandoned read holds no snapshot of the file."""

import datetime as dt
import sqlite3

import pytest

from pjdesk.core.hazard import HazardFilter
from pjdesk.services import hazards as svc
from pjdesk.services.session import init_station
from pjdesk.services.units import save_unit
from pjdesk.storage import ledger
from pjdesk.storage.ledger import SORT_KEYS

TODAY = dt.date(2026, 11, 29)
COLUMNS = ("h.id", "h.hazard_no", "u.name AS unit_name", "h.found_date", "h.status")


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    """Forty hazards of three units on ten days, a quarter of them closed; read-only for these tests."""
    session = init_station(tmp_path_factory.mktemp("batches"), code="430626101", operator="张三", today=lambda: TODAY)
    units = [save_unit(session, {"name": name, "sector": "危化"}).id for name in ("乙化工", "甲烟花", "丙商贸")]
    for n in range(40):
        hazard = svc.record_hazard(session, {
            "unit_id": units[n % 3], "description": f"消防通道堵塞{n}" if n % 2 else f"电线老化{n}",
            "found_date": f"2026-11-{1 + n % 10:02d}", "deadline": "2026-11-20"}).id
        if n % 4 == 0:
            svc.complete_rectification(session, hazard, "2026-11-21")
            svc.review_hazard(session, hazard, "2026-11-22", passed=True, reviewer="李四")
            svc.close_hazard(session, hazard, "2026-11-23")
    yield session
    session.close()


def paged(session, f, sort):
    rows, offset = [], 0
    while page := ledger.page(session.store, f, TODAY, sort=sort, offset=offset, limit=7, columns=COLUMNS):
        rows += [tuple(r.values()) for r in page]
        offset += len(page)
    return rows


@pytest.mark.parametrize("sort", [None, *((key, descending) for key in SORT_KEYS for descending in (False, True))])
def test_every_sort_reads_the_rows_of_the_pages_in_their_order(station, sort):
    batches = list(ledger.batches(station.store, HazardFilter(), TODAY, sort=sort, columns=COLUMNS, size=6))
    assert [len(b) for b in batches] == [6] * 6 + [4]
    assert [row for batch in batches for row in batch] == paged(station, HazardFilter(), sort)


@pytest.mark.parametrize("f", [HazardFilter(overdue=True), HazardFilter(text="消防"), HazardFilter(text="甲烟花"),
                               HazardFilter(closed_only=True)], ids=["overdue", "short-term", "unit", "closed"])
def test_a_filter_reads_what_it_keeps(station, f):
    rows = [row for batch in ledger.batches(station.store, f, TODAY, columns=COLUMNS, size=5) for row in batch]
    assert rows == paged(station, f, None)
    assert len(rows) == svc.count_hazards(station, f) > 0


def test_an_abandoned_read_holds_no_snapshot_of_the_file(station):
    """A read left open would keep its snapshot of the file: the WAL could not be folded into the database
    (a checkpoint) until the export's connection closed."""
    other = sqlite3.connect(station.store.path, timeout=0)
    try:
        batches = ledger.batches(station.store, HazardFilter(), TODAY, columns=COLUMNS, size=5)
        next(batches)  # an export cancelled after its first batch
        busy, _, _ = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 1  # the read in progress holds its snapshot
        batches.close()
        busy, _, _ = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0
    finally:
        other.close()
