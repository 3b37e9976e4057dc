"""Backups: a daily one made by itself, one before every import and migration, and a checked restore."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

from pjdesk.core.clock import Clock
from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.storage import backup as storage_backup
from pjdesk.storage.database import StationEmptied, inspect_station_file, plain_errors, upgrade_schema
from pjdesk.storage.migrations import known_migrations

from .session import DB_NAME, Outcome, Session, open_session, resolve_data_dir

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def backup_folder(session: Session) -> Path:
    return session.data_dir / "backups"


def list_backups(session: Session) -> list[dict]:
    """Newest first: ``reason`` says why it was made (导入前 …), ``label`` what a clerk reads (an increment is
    导入前（增量）: restorable like the others, as long as the full backup it stands on is kept)."""
    rows = []
    for path in storage_backup.list_backups(backup_folder(session)):
        stem = path.name.removeprefix("pjdesk-")
        increment = stem.startswith(storage_backup.INCREMENT + "-")
        stem = stem.removeprefix(storage_backup.INCREMENT + "-")
        reason = next((label for key, label in REASONS.items() if stem.startswith(key + "-")), "")
        rows.append({"path": path, "reason": reason, "label": f"{reason}（增量）" if increment else reason,
                     "increment": increment, "size": path.stat().st_size,
                     "time": dt.datetime.fromtimestamp(path.stat().st_mtime)})
    return rows


REASONS = {"daily": "每日自动", "before-migration": "升级前", "before-import": "导入前", "manual": "手动",
           "restore": "恢复前"}
# Backups made often, of a station that changed little since the day's first full backup: an increment on it.
INCREMENTAL = frozenset({"before-import"})


def backup_now(session: Session, reason: str = "manual", *, progress: Progress | None = None,
               cancelled: Cancelled | None = None) -> Path:
    """A backup of the station as it is now; returns its file.

    ``progress(done, total)`` follows the copy; when ``cancelled()`` turns true the copy stops, no file is left
    and PjdeskError says so."""
    with plain_errors("备份"):
        return storage_backup.backup_file(session.store.db, backup_folder(session), reason=reason, now=session.now(),
                                          progress=_watched(progress, cancelled, "已取消备份，没有留下备份文件。"))


def start_backup(session: Session, reason: str) -> storage_backup.SnapshotCopy:
    """A backup of the station as it is now, copied in the background while the caller writes (see
    SnapshotCopy): ``finish_backup`` it before committing what it guards, ``discard`` it when nothing was.

    Before an import it is an increment on today's newest full backup the station descends from (the daily
    one, made at the day's first start, or an earlier one of the day): what changed since, not the whole file.
    With no such full backup, it is a full copy, which later batches of the day stand on."""
    with plain_errors("备份"):
        return storage_backup.SnapshotCopy(session.store.path, backup_folder(session), reason=reason,
                                           now=session.now(), since=session.today() if reason in INCREMENTAL else None)


def finish_backup(copy: storage_backup.SnapshotCopy) -> Path:
    """The backup file once the copy is whole; PjdeskError when it could not be made (no file is left)."""
    with plain_errors("备份"):
        return copy.finish()


def daily_backup(session: Session) -> Path | None:
    """Once a day, the first time the program opens that day."""
    if storage_backup.has_backup_since(backup_folder(session), "daily", session.today()):
        return None
    return backup_now(session, "daily")


def restore_backup(session: Session, path: str | Path, *, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> Outcome:
    """Check the backup first (integrity, same station, not from a newer pjdesk), keep today's data as a
    backup too, then replace the data with the backup's and bring its schema up to date (a backup from before
    the last upgrade is upgraded as the file would be at opening, with a backup first).

    ``progress(done, 100)`` follows both copies. A cancel (``cancelled()``) or a failure leaves the data as it
    was, and raises PjdeskError."""
    path = Path(path)
    info = _checked(path)
    station = session.require_station()
    if info["station_code"] != station.code:
        raise PjdeskError(f"“{path.name}”是另一个站点（{info['station_code']}）的备份，不能恢复到 {station.label}。")
    stopped = "已取消恢复，数据未改动。"
    backup_now(session, "restore", progress=_watched(_share(progress, 0, 50), cancelled, stopped))
    with plain_errors("恢复"), _refused(path):
        storage_backup.restore_into(session.store.db, path, _watched(_share(progress, 50, 100), cancelled, stopped))
    upgrade_schema(session.store)
    session.store.attach_device(station.device)
    return Outcome(None, {"unit": frozenset(), "hazard": frozenset()},
                   (f"已恢复：单位 {info['units']} 家，隐患 {info['hazards']} 条。恢复前的数据已另存为备份。",))


def restore_data_dir(data_dir: str | Path | None, backup: str | Path, *, clock: Clock | None = None,
                     progress: Progress | None = None) -> Outcome:
    """Restore a backup into a data directory, for the command line and for a station that cannot open.

    ``backup`` is a file, or the name of one in the directory's ``backups`` folder. Where the station file is
    missing or empty (lost, with its backups beside it; or a new computer), the backup becomes the station
    file; otherwise this is ``restore_backup`` on the station."""
    folder = resolve_data_dir(data_dir)
    path = Path(backup).expanduser()
    if not path.exists() and (folder / "backups" / path.name).exists():
        path = folder / "backups" / path.name
    target = folder / DB_NAME
    try:
        empty = inspect_station_file(target) is None
    except StationEmptied:
        empty = True
    if not empty:
        session = open_session(folder, clock=clock)
        try:
            return restore_backup(session, path, progress=progress)
        finally:
            session.close()
    info = _checked(path)
    if not info["station_code"]:
        raise PjdeskError(f"“{path.name}”里没有设置站点，不能用来恢复。请选择另一个备份。")
    with plain_errors("恢复"), _refused(path):
        folder.mkdir(parents=True, exist_ok=True)
        storage_backup.restore_to_file(path, target, progress)
    open_session(folder, clock=clock).close()  # brings a backup from before the last upgrade up to date
    return Outcome(None, {"unit": frozenset(), "hazard": frozenset()},
                   (f"已恢复：单位 {info['units']} 家，隐患 {info['hazards']} 条。",))


@contextlib.contextmanager
def _refused(path: Path) -> Iterator[None]:
    """An increment that does not fit its base once applied (storage says why, in Chinese): the data is as it was."""
    try:
        yield
    except ValueError as e:
        raise PjdeskError(f"不能从“{path.name}”恢复：{e}。数据未改动，请选择另一个备份。") from e


def _checked(path: Path) -> dict:
    try:
        info = storage_backup.inspect_backup(path)
    except (OSError, ValueError) as e:
        reason = os_reason(e) if isinstance(e, OSError) else e  # storage says what is wrong with a file in Chinese
        raise PjdeskError(f"不能从“{path.name}”恢复：{reason}。请选择另一个备份。") from e
    if any(name not in known_migrations() for name in info["migrations"]):
        raise PjdeskError("该备份由更新版本的 pjdesk 写入，请升级 pjdesk 后再恢复。")
    return info


def _share(progress: Progress | None, start: int, end: int) -> Progress | None:
    """One copy's pages as its share (start..end) of a whole counted to 100."""
    if progress is None:
        return None
    return lambda done, total: progress(start + (end - start) * done // max(total, 1), 100)


def _watched(progress: Progress | None, cancelled: Cancelled | None, stopped: str) -> Progress | None:
    """Progress that stops the copy (which then leaves its target as it was) once ``cancelled()``."""
    if progress is None and cancelled is None:
        return None

    def report(done: int, total: int) -> None:
        if done < total and cancelled and cancelled():  # at done == total the copy has gone in: too late
            raise PjdeskError(stopped)
        if progress:
            progress(done, total)
    return report
