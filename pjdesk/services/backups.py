"""Backups: a daily one made by itself, one before every import and migration, and a checked restore."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pjdesk.core.errors import PjdeskError
from pjdesk.storage import backup as storage_backup
from pjdesk.storage.database import plain_errors
from pjdesk.storage.migrations import known_migrations

from .session import Outcome, Session


def backup_folder(session: Session) -> Path:
    return session.data_dir / "backups"


def list_backups(session: Session) -> list[dict]:
    rows = []
    for path in storage_backup.list_backups(backup_folder(session)):
        stem = path.name.removeprefix("pjdesk-")
        reason = next((label for key, label in REASONS.items() if stem.startswith(key + "-")), "")
        rows.append({"path": path, "reason": reason, "size": path.stat().st_size,
                     "time": dt.datetime.fromtimestamp(path.stat().st_mtime)})
    return rows


REASONS = {"daily": "每日自动", "before-migration": "升级前", "before-import": "导入前", "manual": "手动",
           "restore": "恢复前"}


def backup_now(session: Session, reason: str = "manual") -> Path:
    with plain_errors("备份"):
        return storage_backup.backup_file(session.store.db, backup_folder(session), reason=reason,
                                          now=session.now())


def daily_backup(session: Session) -> Path | None:
    """Once a day, the first time the program opens that day."""
    if storage_backup.has_backup_since(backup_folder(session), "daily", session.today()):
        return None
    return backup_now(session, "daily")


def restore_backup(session: Session, path: str | Path) -> Outcome:
    """Check the backup first (integrity, same station, not from a newer pjdesk), keep today's data as a
    backup too, then replace the data with the backup's."""
    path = Path(path)
    try:
        info = storage_backup.inspect_backup(path)
    except (OSError, ValueError) as e:
        raise PjdeskError(f"不能从“{path.name}”恢复：{e}。请选择另一个备份。") from e
    station = session.require_station()
    if info["station_code"] != station.code:
        raise PjdeskError(f"“{path.name}”是另一个站点（{info['station_code']}）的备份，不能恢复到 {station.label}。")
    if any(name not in known_migrations() for name in info["migrations"]):
        raise PjdeskError("该备份由更新版本的 pjdesk 写入，请升级 pjdesk 后再恢复。")
    backup_now(session, "restore")
    with plain_errors("恢复"):
        storage_backup.restore_into(session.store.db, path)
    session.store.attach_device(station.device)
    return Outcome(None, {"unit": frozenset(), "hazard": frozenset()},
                   (f"已恢复：单位 {info['units']} 家，隐患 {info['hazards']} 条。恢复前的数据已另存为备份。",))
