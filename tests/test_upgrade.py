"""Upgrading keeps the ledger.

tests/data keeps, for each schema version pjdesk has shipped, a station made by the code of that version
(tests/data/make_upgrade_fixture.py) and what it held then (the .json beside it). Each is opened here with
the current code, as a station's PC does after an upgrade: the schema is brought up to date, a backup of the
file as it was is made first, and every count, the 工作台's figures, the frozen 表2 and the 表2 built again are
what they were.

When a migration is added, this test is not changed: a station for the new schema version is added beside the
others (test_every_schema_version_has_a_kept_station says when), and every older one goes on being upgraded
through every newer migration.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from pjdesk.core.periods import Month
from pjdesk.services import returns
from pjdesk.services.session import DB_NAME, open_session
from pjdesk.services.status import station_status
from pjdesk.storage.database import read_schema
from pjdesk.storage.migrations import SCHEMA_VERSION, known_migrations

DATA = Path(__file__).parent / "data"
KEPT = sorted(DATA.glob("station-schema*.db"), key=lambda p: int(p.stem.removeprefix("station-schema")))


def recorded(db: Path) -> dict:
    return json.loads(db.with_suffix(".json").read_text(encoding="utf-8"))


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        conn.close()


def test_every_schema_version_has_a_kept_station():
    """A new migration needs a station made by the code that has it, or the next one goes untested from here."""
    kept = {recorded(db)["made_by"]["schema_version"] for db in KEPT}
    assert SCHEMA_VERSION in kept, (
        f"no station of schema version {SCHEMA_VERSION} in tests/data: run tests/data/make_upgrade_fixture.py "
        "with this code and commit the .db and .json it writes, beside the older ones")


@pytest.fixture(params=KEPT, ids=lambda p: p.stem)
def kept(request, tmp_path):
    """A copy of a kept station in a fresh data directory (the kept file itself is never opened for writing)."""
    data_dir = tmp_path / "station"
    data_dir.mkdir()
    shutil.copyfile(request.param, data_dir / DB_NAME)
    return request.param, data_dir, recorded(request.param)


def test_the_kept_station_is_what_its_version_wrote(kept):
    source, _, then = kept
    made_at = then["made_by"]["schema_version"]
    tables, applied = read_schema(source, immutable=True)
    assert applied == list(known_migrations()[:made_at]), "the kept file's migrations are not the ones its json names"
    assert table_counts(source) == then["tables"]


def test_upgrading_keeps_every_count_and_the_table2(kept):
    _, data_dir, then = kept
    made_at = then["made_by"]["schema_version"]
    day = dt.date.fromisoformat(then["station"]["day"])
    session = open_session(data_dir, today=lambda: day)
    try:
        # Brought up to date, and a backup of the file as it was made first (only when something ran).
        assert read_schema(data_dir / DB_NAME)[1] == list(known_migrations())
        backups = sorted((data_dir / "backups").glob("pjdesk-before-migration-*.db"))
        if made_at < SCHEMA_VERSION:
            assert len(backups) == 1, "no backup was made before migrating"
            assert read_schema(backups[0])[1] == list(known_migrations()[:made_at])
            assert table_counts(backups[0]) == then["tables"]
        else:
            assert backups == [], "a backup before migration, with nothing to migrate"

        # Every table that was there has its rows (the list of migrations grows, as checked above); tables a
        # later migration added are not in the record.
        now = table_counts(data_dir / DB_NAME)
        lost = {t: (n, now.get(t)) for t, n in then["tables"].items()
                if now.get(t) != n and t != "_sqlite_migrations"}
        assert lost == {}, "table: (rows before the upgrade, rows after)"

        assert session.station.code == then["station"]["code"]
        counts = station_status(session)["counts"]
        assert {k: counts.get(k) for k in then["status_counts"]} == then["status_counts"]

        month = Month.parse(then["table2"]["month"])
        assert returns.figures_of(returns.fill_form(session, "表2", month)) == then["table2"]["figures"]
        frozen = returns.list_frozen(session)
        assert [(f["form"], f["period"]) for f in frozen] == [("表2", month.key)]
        assert returns.frozen_return(session, frozen[0]["id"])["figures"] == then["table2"]["figures"]
    finally:
        session.close()
