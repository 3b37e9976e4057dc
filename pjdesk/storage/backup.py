"""Rolling backups of the station file, made with SQLite's online backup (consistent while open)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlite_utils import Database

KEEP = {"daily": 14, "before-migration": 5, "before-import": 10}


def backup_file(db: Database, folder: Path, *, reason: str, now: dt.datetime) -> Path:
    """A copy of the open file in ``folder``, named for the reason and the moment ``now`` (the session's)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"pjdesk-{reason}-{stamp}.db"
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    old = sorted(folder.glob(f"pjdesk-{reason}-*.db"))
    for stale in old[:-KEEP.get(reason, 10)]:
        stale.unlink(missing_ok=True)
    return target


def list_backups(folder: Path) -> list[Path]:
    """Newest first."""
    return sorted(folder.glob("pjdesk-*.db"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []


def has_backup_since(folder: Path, reason: str, day: dt.date) -> bool:
    return any(p.name.startswith(f"pjdesk-{reason}-{day:%Y%m%d}") for p in list_backups(folder))


def inspect_backup(path: Path) -> dict:
    """Read a backup without changing it: its integrity, its station and its record counts.

    Raises ValueError with the reason in Chinese when it cannot be restored.
    """
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise ValueError("不是 pjdesk 备份文件")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        status = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            raise ValueError(f"备份文件已损坏（{status}）")
        try:
            station = dict(conn.execute("SELECT key, value FROM settings").fetchall())
            units = conn.execute("SELECT COUNT(*) FROM unit WHERE deleted = 0").fetchone()[0]
            hazards = conn.execute("SELECT COUNT(*) FROM hazard WHERE deleted = 0").fetchone()[0]
            migrations = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        except sqlite3.DatabaseError:
            raise ValueError("不是 pjdesk 备份文件") from None
    finally:
        conn.close()
    return {"station_code": station.get("station_code"), "units": units, "hazards": hazards,
            "migrations": migrations}


def restore_into(db: Database, path: Path) -> None:
    """Replace the open database's content with the backup's, page by page, as one consistent copy."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(db.conn)
    finally:
        source.close()
