"""Rolling backups of the station file, made with SQLite's online backup (consistent while open).

Backup files are read and written through SQLite only, never with a plain file handle (see ``open_store``).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

KEEP = {"daily": 14, "before-migration": 5, "before-import": 10}
STEPS = 50  # progress reports per copy; each step copies a fiftieth of the pages (at least 64, a quarter MB)

Progress = Callable[[int, int], None]
"""``progress(done, total)`` in pages; it may raise to stop the copy, which then leaves its target as it was."""


def backup_file(db: Database, folder: Path, *, reason: str, now: dt.datetime, progress: Progress | None = None) -> Path:
    """A copy of the open file in ``folder``, named for the reason and the moment ``now`` (the session's).

    A copy that fails or is stopped leaves no file behind: a partial one would be listed as a backup."""
    target = _target(folder, reason, now)
    dest = sqlite3.connect(str(target))
    try:
        _copy(db.conn, dest, progress)
    except BaseException:
        dest.close()
        target.unlink(missing_ok=True)
        raise
    dest.close()
    _rotate(folder, reason)
    return target


class SnapshotCopy:
    """A backup of the station file as it is at the moment this is made, copied on a thread of its own while
    the caller goes on writing through its own connection.

    The copy reads through a connection of its own that opens a read transaction at once: in WAL mode that
    transaction sees the file as it was when it began, whatever other connections commit meanwhile, so the
    copy is exactly the state before the caller's writes (an import's "before-import" backup) while it costs
    the caller only the wait in ``finish``. The caller must call ``finish`` before it commits anything the
    backup is meant to guard (a write committed before the copy is whole would have no backup behind it if
    the copy then failed), and ``discard`` if it gives up.

    The copy is written as ``….db.partial`` and renamed once whole: a copy cut short by a crash is never
    listed as a backup.
    """

    def __init__(self, path: Path, folder: Path, *, reason: str, now: dt.datetime):
        self.reason, self.folder = reason, folder
        self.target = _target(folder, reason, now)
        self._partial = self.target.with_name(self.target.name + ".partial")
        self._error: BaseException | None = None
        self._source = sqlite3.connect(str(path), timeout=15, isolation_level=None, check_same_thread=False)
        try:
            self._source.execute("BEGIN")
            self._source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the snapshot starts here
            self._dest = sqlite3.connect(str(self._partial), check_same_thread=False)
        except BaseException:
            self._source.close()
            raise
        self._thread = threading.Thread(target=self._run, name="pjdesk-backup", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._source.backup(self._dest)  # sqlite3 lets other threads run while it copies
        except BaseException as e:  # re-raised by finish(), in the caller's thread
            self._error = e

    def finish(self) -> Path:
        """Wait for the copy; returns the backup file, or raises what stopped it (and leaves no file)."""
        self._thread.join()
        self._close()
        if self._error is not None:
            self._partial.unlink(missing_ok=True)
            raise self._error
        os.replace(self._partial, self.target)
        _rotate(self.folder, self.reason)
        return self.target

    def discard(self) -> None:
        """Wait for the copy and delete it: nothing was written that it would guard."""
        self._thread.join()
        self._close()
        self._partial.unlink(missing_ok=True)

    def _close(self) -> None:
        self._dest.close()
        self._source.close()  # ends the read transaction: the file's WAL may be checkpointed again


def _target(folder: Path, reason: str, now: dt.datetime) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"pjdesk-{reason}-{now.strftime('%Y%m%d-%H%M%S-%f')}.db"


def _rotate(folder: Path, reason: str) -> None:
    """Keep the newest ``KEEP[reason]`` backups made for ``reason``."""
    old = sorted(folder.glob(f"pjdesk-{reason}-*.db"))
    for stale in old[:-KEEP.get(reason, 10)]:
        stale.unlink(missing_ok=True)


def list_backups(folder: Path) -> list[Path]:
    """Newest first."""
    return sorted(folder.glob("pjdesk-*.db"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []


def has_backup_since(folder: Path, reason: str, day: dt.date) -> bool:
    return any(p.name.startswith(f"pjdesk-{reason}-{day:%Y%m%d}") for p in list_backups(folder))


def inspect_backup(path: Path) -> dict:
    """Read a backup without changing it: its integrity, its station and its record counts.

    Raises ValueError with the reason in Chinese when it cannot be restored.
    """
    if not path.is_file():
        raise ValueError("找不到备份文件" if not path.exists() else "不是 pjdesk 备份文件")
    conn = _read_only(path)
    try:
        try:
            status = conn.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError:
            raise ValueError("不是 pjdesk 备份文件，或已损坏") from None
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


def restore_into(db: Database, path: Path, progress: Progress | None = None) -> None:
    """Replace the open database's content with the backup's, page by page, as one consistent copy.

    All or nothing: a copy that fails or is stopped by ``progress`` leaves the database as it was."""
    source = _read_only(path)
    try:
        _copy(source, db.conn, progress)
    finally:
        source.close()


def restore_to_file(path: Path, target: Path, progress: Progress | None = None) -> None:
    """Write the backup's content as the file ``target``, where no station file is (missing or empty).

    The copy is made beside it and renamed over it once complete, so ``target`` is either as it was or whole.
    A -wal or -shm left by the file that was there would be read into the new one: they go first (a -wal with
    content is kept, renamed, as it may be all that is left of the lost file's last changes)."""
    partial = target.with_name(target.name + ".restoring")
    partial.unlink(missing_ok=True)
    source = _read_only(path)
    try:
        dest = sqlite3.connect(str(partial))
        try:
            _copy(source, dest, progress)
        finally:
            dest.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    wal, shm = (target.with_name(target.name + suffix) for suffix in ("-wal", "-shm"))
    if wal.exists() and wal.stat().st_size > 0:
        os.replace(wal, wal.with_name(f"{wal.name}.lost-{int(wal.stat().st_mtime)}"))
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)
    os.replace(partial, target)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


def _copy(source: sqlite3.Connection, dest: sqlite3.Connection, progress: Progress | None) -> None:
    if progress is None:
        source.backup(dest)
        return
    total = source.execute("PRAGMA page_count").fetchone()[0]
    progress(0, total)
    source.backup(dest, pages=max(64, total // STEPS),
                  progress=lambda status, remaining, pages: progress(pages - remaining, pages))
