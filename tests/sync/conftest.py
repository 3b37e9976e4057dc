"""Stations in temporary folders (a township's station PC and laptop, the county) and what they exchange."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from pjdesk.services import hazards, units
from pjdesk.services.session import init_station
from pjdesk.services.sync import device_key, import_bundles

TODAY = dt.date(2026, 11, 29)
ANDING = "430626101"  # 安定镇
COUNTY = "430626"
RECORD_TABLES = ("unit", "hazard", "hazard_event")
_names = itertools.count(1)


def make_station(folder, code=ANDING, *, county=False, device_name="站内电脑", operator="张三"):
    session = init_station(folder, code=code, operator=operator, county=county, device_name=device_name,
                           today=lambda: TODAY)
    device_key(session)  # the key pair made at setup
    return session


@pytest.fixture
def stations(tmp_path):
    made = []

    def make(name, code=ANDING, **kw):
        s = make_station(tmp_path / name, code, county=code == COUNTY, **kw)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


@pytest.fixture
def pc(stations):
    return stations("pc")


@pytest.fixture
def laptop(stations):
    return stations("laptop", device_name="外业笔记本", operator="李四")


@pytest.fixture
def county(stations):
    return stations("county", COUNTY, device_name="县安委办", operator="赵六")


@pytest.fixture
def outbox(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def add_unit(session, name=None, **values):
    name = name or f"平江县测试单位{next(_names)}号"
    return units.save_unit(session, {"name": name, "sector": "工贸其他", **values}).id


def add_hazard(session, unit_id, description="消防通道堵塞", **values):
    return hazards.record_hazard(session, {"unit_id": unit_id, "description": description, **values}).id


def accept(session, *paths, trust_new=True):
    results = import_bundles(session, paths, trust_new=trust_new)
    assert [r.status for r in results] == ["accepted"] * len(paths), [r.message for r in results]
    return results


def records(session, tables=RECORD_TABLES):
    """The record tables as a user sees them: every row, every column (no local-only columns exist)."""
    db = session.store.db
    return {t: [tuple(r) for r in db.execute(f"SELECT * FROM {t} ORDER BY id")] for t in tables}


def database_content(session):
    """Every table's rows (record tables, change log, sync tables, settings): to prove nothing was written."""
    db = session.store.db
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {n: sorted(map(repr, db.execute(f"SELECT * FROM {n}"))) for n in names}
