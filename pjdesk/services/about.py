"""What 帮助 → 关于 tells whoever helps a station: the version, where the data is, how big, the last backup."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pjdesk import __version__

from .backups import list_backups
from .session import DB_NAME, Session


@dataclass(frozen=True)
class About:
    version: str
    data_dir: Path
    database_bytes: int  # the database file with its write-ahead log (changes not yet folded into the file)
    last_backup: dict | None  # the newest of backups.list_backups (path, reason, size, time); None if none


def about(session: Session) -> About:
    database = session.data_dir / DB_NAME
    size = sum(p.stat().st_size for p in (database, database.with_name(DB_NAME + "-wal")) if p.exists())
    backups = list_backups(session)
    return About(__version__, session.data_dir, size, backups[0] if backups else None)
