"""报送情况: each township × month is on time, late, partial, missing or due, from the bundles the county read."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pjdesk.core.errors import PjdeskError
from pjdesk.core.periods import Month
from pjdesk.services import reporting, sync
from pjdesk.services.reporting import DUE, LATE, MISSING, NOT_DUE, ON_TIME, PARTIAL
from pjdesk.sync import load_or_create_key

from .conftest import accept, add_unit
from .test_bundle_verification import members_of, resign, write_zip

SANSHI = "430626102"


@pytest.fixture(autouse=True)
def clock(set_now):
    """The wall clock the exchange stamps bundles (made) and imports (arrived) with; set before any station."""
    return set_now


def send(town, county, clock, made, arrived, tmp_path):
    clock(made)
    add_unit(town)
    bundle = sync.export_bundle(town, tmp_path / "usb")
    clock(arrived)
    accept(county, bundle)
    return bundle


def cells(county, code, *months):
    row = next(r for r in reporting.report_grid(county, 2026).rows if r.code == code)
    return [row.cells[f"2026-{m:02d}"] for m in months]


def test_on_time_late_missing_and_months_before_the_county_began(stations, county, clock, tmp_path):
    anding, sanshi = stations("anding"), stations("sanshi", SANSHI)
    send(anding, county, clock, "2026-10-03 08:00:00", "2026-10-04 09:30:00", tmp_path)
    send(anding, county, clock, "2026-11-07 16:00:00", "2026-11-08 10:00:00", tmp_path)
    send(sanshi, county, clock, "2026-10-30 11:00:00", "2026-10-31 15:00:00", tmp_path)

    aug, sep, oct_, nov = cells(county, anding.station.code, 8, 9, 10, 11)
    assert aug.status == NOT_DUE, "its deadline (5 Sep) passed before the county read its first bundle"
    assert (sep.status, sep.arrived, sep.deadline) == (ON_TIME, dt.date(2026, 10, 4), dt.date(2026, 10, 5))
    assert sep.text == "按时 10月4日"
    assert (oct_.status, oct_.arrived) == (LATE, dt.date(2026, 11, 8))
    assert nov.status == NOT_DUE, "November has not ended"
    s_sep, s_oct = cells(county, SANSHI, 9, 10)
    assert (s_sep.status, s_sep.arrived) == (LATE, dt.date(2026, 10, 31))
    assert s_oct.status == MISSING, "its only bundle was made before October ended"
    grid = reporting.report_grid(county, 2026)
    codes = [r.code for r in grid.rows]
    assert codes.index("430626101") < codes.index(SANSHI) and len(codes) >= 25, "the roster's order"
    assert {r.name for r in grid.missing_in(Month(2026, 10))} >= {"三市镇", "三阳乡"}
    assert "安定镇" not in {r.name for r in grid.missing_in(Month(2026, 10))}


def test_a_report_with_a_gap_is_partial_until_a_later_bundle_fills_it(stations, county, clock, tmp_path):
    town = stations("anding")
    for _ in range(5):
        add_unit(town)
    clock("2026-11-02 08:00:00")
    whole = sync.export_bundle(town, tmp_path / "usb")
    # The same township's file, as if its first three changes had gone in an earlier file that was lost.
    members = members_of(whole)
    device = town.station.device
    name = f"changes/{device}.jsonl"
    members[name] = b"".join(line + b"\n" for line in members[name].splitlines() if json.loads(line)["dseq"] >= 4)
    gapped = write_zip(tmp_path / "gapped.pjz", resign(
        members, load_or_create_key(town.data_dir),
        lambda m: (m["ranges"][device].update(first=4, count=2), m["counts"].update(changes=2),
                   m.update(bundle="01" + m["bundle"][2:]))))
    clock("2026-11-03 09:00:00")
    accept(county, gapped)
    [oct_] = cells(county, town.station.code, 10)
    assert (oct_.status, oct_.missing) == (PARTIAL, 3)
    clock("2026-11-20 09:00:00")
    accept(county, whole)
    [oct_] = cells(county, town.station.code, 10)
    assert (oct_.status, oct_.arrived, oct_.missing) == (ON_TIME, dt.date(2026, 11, 3), 0)


def test_the_deadline_is_editable_for_every_month_and_for_one(stations, county, clock, tmp_path):
    town = stations("anding")
    send(town, county, clock, "2026-10-01 08:00:00", "2026-10-01 09:00:00", tmp_path)
    send(town, county, clock, "2026-11-06 08:00:00", "2026-11-06 09:00:00", tmp_path)
    assert [c.status for c in cells(county, town.station.code, 9, 10)] == [ON_TIME, LATE]
    reporting.set_deadline_day(county, 7)
    assert [c.status for c in cells(county, town.station.code, 9, 10)] == [ON_TIME, ON_TIME]
    reporting.set_month_deadline(county, Month(2026, 10), "2026-11-03")
    [oct_] = cells(county, town.station.code, 10)
    assert (oct_.status, oct_.deadline) == (LATE, dt.date(2026, 11, 3))
    reporting.set_month_deadline(county, Month(2026, 10), None)
    assert reporting.deadline(county, Month(2026, 10)) == dt.date(2026, 11, 7)
    assert reporting.deadline(county, Month(2026, 12)) == dt.date(2027, 1, 7)
    with pytest.raises(PjdeskError, match="1 至 28"):
        reporting.set_deadline_day(county, 31)
    with pytest.raises(PjdeskError, match="之后"):
        reporting.set_month_deadline(county, Month(2026, 10), "2026-10-31")
    with pytest.raises(PjdeskError, match="县级"):
        reporting.report_grid(town, 2026)


def test_a_month_ended_but_not_yet_due_is_awaited(stations, county, clock, tmp_path):
    town = stations("anding")
    send(town, county, clock, "2026-10-01 08:00:00", "2026-10-01 09:00:00", tmp_path)
    reporting.set_month_deadline(county, Month(2026, 10), "2026-12-02")
    [oct_] = cells(county, stations("sanshi", SANSHI).station.code, 10)
    assert oct_.status == DUE


def test_a_later_bundle_does_not_report_a_skipped_month(stations, county, clock, tmp_path):
    town = stations("anding")
    send(town, county, clock, "2026-09-03 08:00:00", "2026-09-03 10:00:00", tmp_path)
    send(town, county, clock, "2026-11-03 08:00:00", "2026-11-03 10:00:00", tmp_path)
    assert [c.status for c in cells(county, town.station.code, 8, 9, 10)] == [ON_TIME, MISSING, ON_TIME]
