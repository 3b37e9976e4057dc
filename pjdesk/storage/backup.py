"""Rolling backups of the station file, made with SQLite's online backup (consistent while open)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from sqlite_utils import Database

KEEP = {"daily": 14, "before-migration": 5, "before-import": 10}


def backup_file(db: Database, folder: Path, *, reason: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
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
