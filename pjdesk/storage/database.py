"""Opening a station's database and the single write path.

Every change of a record goes through ``Store.insert`` / ``update`` / ``delete`` (or their batch forms) inside
``Store.transaction()``: the record tables and the append-only change log are written in the same
transaction, so the log is a complete account of the data — the outbox of sync and the audit trail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pjdesk.core.clock import SYSTEM_CLOCK, Clock, HybridClock
from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.core.ids import new_id
from pjdesk.core.kinds import KINDS
from pjdesk.core.records import BOOL, RecordKind

from . import change_codec
from .backup import backup_file, list_backups
from .migrations import SCHEMA_VERSION, applied_migrations, known_migrations
from .numbering import SCHEMES
from .search import initials

if TYPE_CHECKING:
    from sqlite_utils import Database

SQLITE_MAGIC = b"SQLite format 3\x00"
META_COLUMNS = ("id", "township", "created_at", "updated_at", "created_by", "updated_by", "deleted", "delete_reason")


@contextlib.contextmanager
def plain_errors(action: str) -> Iterator[None]:
    """Turn the disk's refusals into messages an officer can act on."""
    try:
        yield
    except sqlite3.OperationalError as e:
        text = str(e).lower()
        if "full" in text:
            raise PjdeskError(f"{action}失败：磁盘已满。请清理磁盘空间或换一个数据目录后重试，已录入的数据没有丢失。") from e
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            raise PjdeskError(f"{action}失败：数据目录不可写。请检查文件夹权限，或用 --data-dir 换一个可写的目录。") from e
        if "locked" in text or "busy" in text:
            raise PjdeskError(f"{action}失败：数据文件正被另一个 pjdesk 占用，请关闭另一个窗口后重试。") from e
        if "disk i/o" in text:
            raise PjdeskError(f"{action}失败：读写磁盘出错（U 盘是否已拔出？）。请检查磁盘后重试。") from e
        raise
    except sqlite3.DatabaseError as e:
        if "not a database" in str(e) or "malformed" in str(e):
            raise PjdeskError(f"{action}失败：数据文件已损坏或不是 pjdesk 数据文件。请从备份恢复（设置 → 备份与恢复）。") from e
        raise
    except OSError as e:
        # Creating the data directory or a backup: the file system's refusals, in the same words as SQLite's.
        if e.errno == errno.ENOSPC:
            raise PjdeskError(f"{action}失败：磁盘已满。请清理磁盘空间或换一个数据目录后重试，已录入的数据没有丢失。") from e
        not_writable = (PermissionError, NotADirectoryError, FileExistsError, IsADirectoryError)
        if isinstance(e, not_writable) or e.errno == errno.EROFS:
            raise PjdeskError(
                f"{action}失败：数据目录不可写（{e.filename or ''}）。请检查文件夹权限，或用 --data-dir 换一个可写的目录。"
            ) from e
        raise PjdeskError(f"{action}失败：读写磁盘出错（{os_reason(e)}）。请检查磁盘后重试。") from e


def open_store(path: Path | str, *, device: str | None = None, readonly: bool = False,
               clock: Clock = SYSTEM_CLOCK) -> Store:
    """Open (creating if needed) a station database and bring its schema up to date.

    Only two kinds of file are opened: pjdesk's own, and an empty new database (no file, an empty file, or a
    SQLite file with nothing in it) on which no backups of a station lie in ``backups/`` beside it. Any other
    file (not SQLite, damaged, another program's database, a newer pjdesk's, a folder) is refused with a
    message and left byte for byte as it was. The file is backed up before any pending migration runs on it.

    The file is never opened with a plain file handle: closing any descriptor of a file drops every POSIX lock
    this process holds on it, SQLite's included, and another pjdesk process would then delete the -wal that
    this process's open connections still use.
    """
    path = Path(path)
    applied = inspect_station_file(path)
    if applied is None and readonly:
        raise PjdeskError(f"找不到数据文件 {path}")
    with plain_errors("打开数据文件"):
        if applied is None:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=15)
        try:
            db = Connection(conn)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            if not readonly:
                _migrate(db, path, clock, had_data=bool(applied))
        except BaseException:
            conn.close()  # a refused or failed open leaves no connection (and no lock) behind
            raise
    return Store(db, path, clock)


def upgrade_schema(store: Store) -> None:
    """Bring an open station's schema up to date, as at opening (a backup first, if it holds data).

    For content that changed under an open connection: a backup restored from before the last migration.
    """
    with plain_errors("升级数据文件"):
        _migrate(store.db, store.path, store.wall, had_data=True)


def _migrate(db: Connection, path: Path, clock: Clock, *, had_data: bool) -> None:
    if len(applied_migrations(db.conn)) >= SCHEMA_VERSION:
        return
    if had_data:
        backup_file(db, path.parent / "backups", reason="before-migration", now=clock.now())
    from .migrations import migrations

    migrations.apply(db.database)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    if had_data:
        _give_back_freed_space(db)


def _give_back_freed_space(db: Connection) -> None:
    """A migration that rebuilt a large table (m016, the change log) leaves its old pages free inside the file:
    SQLite would reuse them, but the file would stay as large as before until then. Copy the file compact once,
    when a good part of it is free. Skipped, harmlessly, while another connection reads the file."""
    free, pages = (db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("freelist_count", "page_count"))
    page = db.execute("PRAGMA page_size").fetchone()[0]
    if free * page < VACUUM_FREE_BYTES or free * 4 < pages:
        return
    with contextlib.suppress(sqlite3.OperationalError):
        db.execute("VACUUM")


VACUUM_FREE_BYTES = 32 * 1024 * 1024


def write_back(path: Path) -> None:
    """Copy what the WAL holds into the file, as far as no reader needs it kept (SQLite's PASSIVE
    checkpoint: it waits for no one). On a connection of its own; a failure leaves it for SQLite's next one."""
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=rw", uri=True, timeout=15)  # never makes one
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()


def inspect_station_file(path: Path) -> list[str] | None:
    """Who wrote ``path``, read without changing a byte of it: the pjdesk migrations applied to it, or None
    for an empty new database. Raises PjdeskError for any file pjdesk must not open.

    Read through SQLite opened read-only: even a read-write connection would rewrite the header when it
    switches the journal mode, and would checkpoint another program's -wal into its file when it closes.
    """
    with plain_errors("打开数据文件"):
        try:
            found = path.stat()
        except FileNotFoundError:
            found = None
    if found is None:
        _refuse_if_emptied(path, "不存在")
        return None
    if stat.S_ISDIR(found.st_mode):
        raise PjdeskError(f"“{path}”是一个文件夹，不是 pjdesk 数据文件。请把这个文件夹移走或改名，"
                          "或用 --data-dir 换一个数据目录。")
    if not stat.S_ISREG(found.st_mode):
        raise PjdeskError(f"“{path}”不是普通文件，不能作为 pjdesk 数据文件。请把它移走，或用 --data-dir 换一个数据目录。")
    if found.st_size == 0:
        _refuse_if_emptied(path, "是空的（0 字节）")
        return None
    # With no -wal beside it, the file holds all its content and no pjdesk process is using it: read it as it
    # lies (immutable), which creates no -shm or -wal beside another program's file. With a -wal, read through
    # SQLite's locks, which see the changes still in the -wal.
    in_use = path.with_name(path.name + "-wal").exists()
    with plain_errors("打开数据文件"):
        try:
            tables, applied = read_schema(path, immutable=not in_use)
        except sqlite3.DatabaseError as e:
            if "not a database" in str(e) and not _has_sqlite_magic(path):
                raise PjdeskError(f"“{path.name}”不是 pjdesk 数据文件（不是 SQLite 数据库）。"
                                  "请检查数据目录，或换一个空目录。") from e
            raise
    if not tables:
        _refuse_if_emptied(path, "是空的（没有任何数据）")
        return None
    if not applied:
        shown = "、".join(sorted(t for t in tables if not t.startswith("sqlite_"))[:5])
        raise PjdeskError(f"“{path.name}”不是 pjdesk 数据文件，而是另一个程序的数据库（含数据表 {shown}），"
                          "文件未做任何改动。请把它移到别处或改名，或用 --data-dir 换一个数据目录。")
    if any(name not in known_migrations() for name in applied):
        raise PjdeskError(
            f"数据文件由更新版本的 pjdesk 写入（数据结构 {len(applied)} 版，本程序只支持到 {SCHEMA_VERSION} 版）。"
            "请升级 pjdesk 后再打开；文件未做任何改动。"
        )
    return applied


def read_schema(path: Path, *, immutable: bool = False) -> tuple[set[str], list[str]]:
    """The tables of a SQLite file and the pjdesk migrations applied to it, read through a read-only
    connection, which writes nothing to the file. ``immutable``: read the file alone, without locks, a -shm
    or the -wal (only for a file that nothing is writing). Raises sqlite3.DatabaseError for a file that is not
    SQLite or is damaged."""
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        return tables, applied_migrations(conn)
    finally:
        conn.close()


class Connection:
    """A station's SQLite connection as the store and its readers use it: ``execute``, ``conn`` and ``atomic``.

    sqlite-utils' ``Database`` over the same connection (``database``) is made when first needed — a
    transaction, a migration, a restore: importing sqlite-utils costs some 70 ms, which a start that only
    reads before its first paint does not pay. Anything else asked of it is sqlite-utils'.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._database: Database | None = None

    def execute(self, sql: str, parameters: Iterable | Mapping | None = None) -> sqlite3.Cursor:
        """Run one statement, as sqlite-utils' ``execute`` does: a write outside a transaction commits at once
        (sqlite3 opens a transaction before it that nothing else would end), and a failed one leaves none open."""
        was_in_transaction = self.conn.in_transaction
        try:
            cursor = self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        if not was_in_transaction and self.conn.in_transaction and cursor.description is None \
                and not sql.lstrip().upper().startswith(("BEGIN", "SAVEPOINT")):
            self.conn.execute("COMMIT")
        return cursor

    @property
    def database(self) -> Database:
        if self._database is None:
            from sqlite_utils import Database

            self._database = Database(self.conn, execute_plugins=False)
        return self._database

    def atomic(self) -> contextlib.AbstractContextManager:
        """One transaction, or a savepoint inside the one already open (sqlite-utils')."""
        return self.database.atomic()

    def close(self) -> None:
        self.conn.close()

    def __getattr__(self, name: str):
        return getattr(self.database, name)


def _has_sqlite_magic(path: Path) -> bool:
    """Whether the file starts as SQLite does (else it is not SQLite at all, rather than damaged).

    Asked only of a file SQLite has refused: no connection of this process can hold locks on it, so closing a
    descriptor of it here takes none away.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        return os.read(fd, len(SQLITE_MAGIC)) == SQLITE_MAGIC
    finally:
        os.close(fd)


def _refuse_if_emptied(path: Path, state: str) -> None:
    """No station file, or an empty one, where a station's backups lie: the data was lost (a failing disk, a
    bad copy), not never made. Starting a fresh station here would bury the backups under a second station."""
    kept = list_backups(path.parent / "backups")
    if not kept:
        return
    newest = kept[0]
    made = dt.datetime.fromtimestamp(newest.stat().st_mtime)
    raise StationEmptied(
        f"数据文件 {path.name} {state}，但 backups 文件夹里有 {len(kept)} 个备份，最新的是 {newest.name}"
        f"（{made:%Y-%m-%d %H:%M}）。数据可能已丢失，程序没有把这里当作新站点。请从备份恢复：在程序启动时的提示中选择"
        f"“从最新备份恢复”，或在命令行运行 pjdesk --data-dir \"{path.parent}\" restore \"{newest}\"；"
        "恢复后可在 设置 → 备份与恢复 中改用其他备份。如确要重新设置站点，请先把 backups 文件夹移到别处。",
        newest)


class StationEmptied(PjdeskError):
    """The station file is missing or empty while its backups are there; ``newest`` is the latest backup."""

    def __init__(self, message: str, newest: Path):
        super().__init__(message)
        self.newest = newest


REMEMBERED = 64  # what a store keeps of its reads' findings (Store.remember): a few lists' counts


class Store:
    def __init__(self, db: Connection, path: Path | None = None, wall: Clock = SYSTEM_CLOCK):
        self.db = db
        self.path = path
        self.wall = wall  # the session's wall clock: the HLC counts from it
        self.device: str | None = None
        self.clock: HybridClock | None = None
        self._log: list[tuple] = []
        # Parents whose state (RecordKind.state) must be derived again at commit: kind name → ids.
        self._dirty: dict[str, set[str]] = {}
        self._next_dseq: int | None = None
        self._found: dict[Hashable, tuple[tuple[int, int], object]] = {}  # see recall
        self._writing_back: list[threading.Thread] = []  # see write_back_after

    # --- what reads found, while nothing is written ----------------------------------------------------
    def recall(self, key: Hashable) -> object | None:
        """What ``remember(key, value)`` kept, while nothing has been written since, by this connection or
        another; else None. A list's count keeps what it found for the page read just after it."""
        kept = self._found.get(key)
        return kept[1] if kept is not None and kept[0] == self._data_version() else None

    def remember(self, key: Hashable, value: object) -> None:
        if len(self._found) >= REMEMBERED:
            self._found.clear()
        self._found[key] = (self._data_version(), value)

    def _data_version(self) -> tuple[int, int]:
        """Changes by this connection, and commits by any other (SQLite's data_version moves with those)."""
        conn = self.db.conn
        return conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]

    # --- identity -------------------------------------------------------------------------------------
    def attach_device(self, device: str) -> None:
        """Writes are stamped with this device's clock, which resumes past the last stamp in the file."""
        self.device = device
        row = self.db.execute("SELECT hlc FROM change_log_latest").fetchone()
        self.clock = HybridClock(device, wall=self.wall.time, last=(row[0] or None) if row else None)

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_settings(self, values: Mapping[str, str | None]) -> None:
        with self.transaction():
            self.db.conn.executemany(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )

    def close(self, *, wait: bool = True) -> None:
        """Close the connection, and wait for a copy of the WAL back into the file still under way
        (write_back_after): once closed, no connection of this store's is left on the file, whoever moves,
        copies or removes it next (a second or so after a county's batch). ``wait=False`` leaves the copy
        to finish on its own (a window's background import: its result is not held for it)."""
        self.db.close()
        while wait and self._writing_back:
            self._writing_back.pop().join()

    # --- the write path -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def write_back_after(self) -> Iterator[None]:
        """No copying of the WAL back into the file inside the block, then one copy on a thread of its own.

        SQLite copies it at the commit that finds it past 1,000 pages, and the commit waits: an import batch
        into a county of five years left some 300 MB in the WAL and waited about a second. What is committed
        is whole in the WAL, synced; the copy back can come later, and a crash before it loses nothing
        (SQLite reads the WAL on the next open). Closing the store waits for the copy. Outside a transaction."""
        try:
            with self.setting_for_block("wal_autocheckpoint", 0):
                yield
        finally:
            if self.path is not None:
                self._writing_back = [t for t in self._writing_back if t.is_alive()]
                thread = threading.Thread(target=write_back, args=(self.path,), name="pjdesk-write-back", daemon=True)
                thread.start()
                self._writing_back.append(thread)

    def stop_queries_when(self, stop: Callable[[], bool]) -> None:
        """Every query of this connection ends, refused, once ``stop()`` says so (SQLite asks every few thousand
        steps): for a connection that only reads, whose result nobody wants any more once it is stopped."""
        self.db.conn.set_progress_handler(stop, 5000)

    @contextlib.contextmanager
    def setting_for_block(self, pragma: str, value: int | str) -> Iterator[None]:
        """A SQLite setting of this connection (``PRAGMA pragma``) at ``value`` for the block, then as it was."""
        before = self.db.execute(f"PRAGMA {pragma}").fetchone()[0]
        self.db.execute(f"PRAGMA {pragma} = {value}")
        try:
            yield
        finally:
            self.db.execute(f"PRAGMA {pragma} = {before}")

    @contextlib.contextmanager
    def page_cache(self, kib: int) -> Iterator[None]:
        """SQLite's page cache at ``kib`` KiB for the block (a large write: a kind's table carries a dozen list
        indexes, each written in the order of its own column, and the default 2 MiB cache spills and re-reads
        their pages through the WAL), then back as it was."""
        with self.setting_for_block("cache_size", -int(kib)):
            yield

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """One transaction: the records written inside it and their change-log rows commit together."""
        outer = not self.db.conn.in_transaction
        # What a failed block queued is dropped with it: a rolled-back write must leave no change-log row,
        # not even one flushed later by the next successful transaction.
        mark, dirty, next_dseq = len(self._log), {k: set(v) for k, v in self._dirty.items()}, self._next_dseq
        try:
            with plain_errors("保存"), self.db.atomic():
                yield self
                if outer:
                    self._flush()
        except BaseException:
            del self._log[mark:]
            self._dirty = dirty
            self._next_dseq = None if outer else next_dseq
            raise
        if outer:
            self._next_dseq = None

    def _stamp(self) -> str:
        if self.clock is None:
            raise RuntimeError("Store.attach_device() must run before writing records")
        return self.clock.now()

    def _log_change(self, kind: str, record_id: str, township: str, op: str, fields: Mapping, stamp: str,
                    operator: str | None, base: str | None = None) -> None:
        if self._next_dseq is None:
            row = self.db.execute("SELECT MAX(dseq) FROM change_log WHERE device = ?", [self.device]).fetchone()
            self._next_dseq = (row[0] or 0) + 1
        dseq = self._next_dseq
        self._next_dseq += 1
        self._log.append((self.device, dseq, stamp, operator, kind, record_id, township, op,
                          change_codec.encode_fields(fields), base))

    def flush(self) -> None:
        """Write what the open transaction has queued (derived state, change-log rows) now, not at commit.

        For bulk loads, between batches: memory stays bounded (a 200,000-hazard load queues a million log
        rows). What is written still commits or rolls back with the transaction.
        """
        assert self.db.conn.in_transaction, "flush outside Store.transaction()"
        self._flush()

    def _flush(self) -> None:
        dirty, self._dirty = self._dirty, {}
        for name, ids in dirty.items():
            self.refresh_state(KINDS[name], ids)
        if self._log:
            append_log(self.db.conn, self._log, max(row[2] for row in self._log))
            self._log = []

    def insert(self, kind: RecordKind, values: Mapping, *, township: str, operator: str | None) -> str:
        return self.insert_many(kind, [values], township=township, operator=operator)[0]

    def insert_many(self, kind: RecordKind, rows: Iterable[Mapping], *, township: str, operator: str | None) -> list[str]:
        """New records (``id`` may be given, else a UUIDv7 is made). Must run inside ``transaction()``."""
        assert self.db.conn.in_transaction, "insert outside Store.transaction()"
        columns = [*META_COLUMNS[:6], *kind.assigned, *kind.field_names(), *kind.derived]
        sql = f"INSERT INTO {kind.table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        params, ids, names = [], [], kind.field_names()
        numbering = SCHEMES[kind.numbering](self, township) if kind.numbering else None
        flags = [f.name for f in kind.fields if f.type == BOOL]
        for values in rows:
            record_id = values.get("id") or new_id()
            stamp = self._stamp()
            fields = {name: values.get(name) for name in names}
            for name in flags:  # a flag not given is off, as in the table's default
                if fields[name] is None:
                    fields[name] = 0
            if numbering is not None:
                fields.update(numbering.assign(values, fields))
            derived = derived_values(kind, fields)
            row = {"id": record_id, "township": township, "created_at": stamp, "updated_at": stamp,
                   "created_by": operator, "updated_by": operator, **fields, **derived}
            params.append([row.get(c) for c in columns])
            # An insert logs only what it sets: an absent field is empty.
            logged = {k: v for k, v in fields.items() if v is not None}
            self._log_change(kind.name, record_id, township, "insert", logged, stamp, operator)
            ids.append(record_id)
            self._mark(kind, fields, record_id)
        if len(params) > 1:
            self._insert_in_one_statement(kind.table, columns, params)
        else:
            self.db.conn.executemany(sql, params)
        return ids

    def _insert_in_one_statement(self, table: str, columns: list[str], params: list[list]) -> None:
        """A batch as one INSERT … SELECT from a staging table: the same rows, triggers and rowid order.

        FTS5 flushes its pending index at every statement savepoint, so rows inserted one statement each
        (executemany) under the full-text trigger write an index segment per row: several times slower.
        """
        stage, listed = f"{table}_stage", ", ".join(columns)
        conn = self.db.conn
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {listed} FROM main.{table} WHERE 0")
        conn.execute(f"DELETE FROM temp.{stage}")
        conn.executemany(f"INSERT INTO temp.{stage} ({listed}) VALUES ({', '.join('?' * len(columns))})", params)
        conn.execute(f"INSERT INTO main.{table} ({listed}) SELECT {listed} FROM temp.{stage} ORDER BY rowid")
        conn.execute(f"DELETE FROM temp.{stage}")

    def update(self, kind: RecordKind, record_id: str, values: Mapping, *, operator: str | None) -> dict:
        """Write the fields that differ from what is stored; returns them (empty: nothing changed)."""
        current = self.get(kind, record_id)
        if current is None:
            raise PjdeskError(f"找不到这条{kind.label}记录，可能已被删除")
        changed = {k: v for k, v in values.items() if k in kind.field_names() and current.get(k) != v}
        if not changed:
            return {}
        stamp = self._stamp()
        merged = {**current, **changed}
        derived = derived_values(kind, merged, state=False)  # the state is derived again at commit (_mark)
        sets = {**changed, **derived, "updated_at": stamp, "updated_by": operator}
        self.db.conn.execute(
            f"UPDATE {kind.table} SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", [*sets.values(), record_id])
        # The stamp of the record as this edit saw it: sync tells a concurrent edit (a conflict) from a later one.
        self._log_change(kind.name, record_id, current["township"], "update", changed, stamp, operator,
                         base=current["updated_at"])
        self._mark(kind, merged, record_id)
        return changed

    def delete(self, kind: RecordKind, record_id: str, *, reason: str, operator: str | None) -> None:
        """Soft delete: the row stays (with the reason) and the tombstone travels with sync."""
        current = self.get(kind, record_id)
        if current is None or current["deleted"]:
            raise PjdeskError(f"找不到这条{kind.label}记录，可能已被删除")
        stamp = self._stamp()
        self.db.conn.execute(
            f"UPDATE {kind.table} SET deleted = 1, delete_reason = ?, updated_at = ?, updated_by = ? WHERE id = ?",
            [reason, stamp, operator, record_id])
        self._log_change(kind.name, record_id, current["township"], "delete", {"delete_reason": reason}, stamp, operator)
        self._mark(kind, current, record_id)

    def _mark(self, kind: RecordKind, fields: Mapping, record_id: str) -> None:
        """A written record with a state, or a child of one: that state is derived again at commit."""
        if kind.state:
            self._dirty.setdefault(kind.name, set()).add(record_id)
        if kind.parent:
            ref, parent = kind.parent
            if KINDS[parent].state and fields.get(ref):
                self._dirty.setdefault(parent, set()).add(fields[ref])

    def refresh_state(self, kind: RecordKind, record_ids: Iterable[str]) -> None:
        """Derive the state of these records (RecordKind.state) again from their own columns and their live
        children, and store it. Reads only the columns the state needs: a bulk refresh covers 200,000 rows."""
        ids = list(record_ids)
        children = child_kinds(kind)
        updates, columns = [], None
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = {r["id"]: r for r in self._rows(
                f"SELECT id, {', '.join(kind.state_reads) or 'id'} FROM {kind.table} WHERE id IN ({marks})", chunk)}
            found: dict[str, dict[str, list]] = {i: {c.name: [] for c, _ in children} for i in rows}
            for child, ref in children:
                for row in self._rows(f"SELECT id, created_at, deleted, {', '.join(child.field_names())}"
                                      f" FROM {child.table} WHERE {ref} IN ({marks})", chunk):
                    if row[ref] in found:
                        found[row[ref]][child.name].append(row)
            for record_id, row in rows.items():
                state = kind.state(row, found[record_id])
                columns = columns or list(state)
                updates.append([*(state[c] for c in columns), record_id])
        if updates:
            self.db.conn.executemany(
                f"UPDATE {kind.table} SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?", updates)

    # --- reads -----------------------------------------------------------------------------------------
    def _rows(self, sql: str, params: Iterable | Mapping = ()) -> list[dict]:
        cursor = self.db.conn.execute(sql, params if isinstance(params, Mapping) else list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def get(self, kind: RecordKind, record_id: str) -> dict | None:
        rows = self._rows(f"SELECT * FROM {kind.table} WHERE id = ?", [record_id])
        return rows[0] if rows else None

    def changes_of(self, record_ids: Iterable[str]) -> list[dict]:
        """Every logged change of these records, oldest stamp first, decoded (change_codec.change) with its seq."""
        ids = list(record_ids)
        rows = self.db.conn.execute(
            f"SELECT seq, {change_codec.SELECTED} FROM change_log WHERE record_id IN ({','.join('?' * len(ids))})"
            " ORDER BY hlc, seq", ids).fetchall()
        return [{"seq": row[0], **change_codec.change(row[1:])} for row in rows]


def append_log(conn: sqlite3.Connection, rows: Iterable[tuple], latest: str) -> None:
    """Append rows to the change log (change_codec.stored rows) and move the log's latest stamp, where the
    clock resumes, to ``latest``, the highest of theirs: once per batch (a trigger doing it for every row
    cost more than the insert itself)."""
    conn.executemany(change_codec.INSERT, rows)
    conn.execute("UPDATE change_log_latest SET hlc = ? WHERE hlc < ?", [latest, latest])


def derived_values(kind: RecordKind, values: Mapping, *, state: bool = True) -> dict:
    """Every derived column of a record with these values, as the write path and the merge store them: the
    kind's own (RecordKind.derive), pinyin initials for search, and (``state``) the state of a record without
    children yet; a record with children gets its state from refresh_state at commit."""
    out = kind.derive(values) if kind.derive else {}
    for name in kind.initials_fields():
        out[f"{name}_initials"] = initials(values.get(name) or "")
    if state:
        out.update(kind.initial_state(values))
    return out


def child_kinds(kind: RecordKind) -> list[tuple[RecordKind, str]]:
    """The kinds whose records are children of ``kind``, each with its field that refers to the parent."""
    return [(k, k.parent[0]) for k in KINDS.values() if k.parent and k.parent[1] == kind.name]


def kind_of(name: str) -> RecordKind:
    return KINDS[name]
