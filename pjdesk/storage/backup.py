"""Rolling backups of the station file, made with SQLite's online backup (consistent while open), and the
increments that stand on one of them.

A full backup is a copy of the whole file. An increment (``pjdesk-increment-<reason>-…db``) holds only what
changed since a full backup of the same day (its base): the rows of the append-only tables past the base's last
row, the rows of every record touched by them (and their parents, whose state is derived from their
children), and the small tables no log covers, whole. The base plus the increment is the station as it was,
table for table; a restore builds that file first, checks it, then copies it in as it would a full backup.

Backup files are read and written through SQLite only, never with a plain file handle (see ``open_store``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pjdesk.core.kinds import KINDS

from .migrations import applied_migrations

if TYPE_CHECKING:
    from .database import Connection

INCREMENT = "increment"  # the prefix of an increment's reason: pjdesk-increment-before-import-….db
# Below this a whole copy costs no more than an increment's fixed part (its forty-odd tables made and filled,
# about 30 ms): a new station's file is copied whole, a township's of a few years or a county's is not.
INCREMENT_FROM_BYTES = 8 * 1024 * 1024
KEEP = {"daily": 14, "before-migration": 5, "before-import": 10, f"{INCREMENT}-before-import": 10}
STEPS = 50  # progress reports per copy; each step copies a fiftieth of the pages (at least 64, a quarter MB)

Progress = Callable[[int, int], None]
"""``progress(done, total)`` in pages; it may raise to stop the copy, which then leaves its target as it was."""


def backup_file(db: Connection, folder: Path, *, reason: str, now: dt.datetime, progress: Progress | None = None) -> Path:
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

    With ``since`` (a day), the copy of a file of INCREMENT_FROM_BYTES or more is an increment on the newest full
    backup of that day that the snapshot descends from (same station, same schema, its append-only tables a
    prefix of the snapshot's); with no such base, or where what changed cannot be told from it, the copy is
    whole. ``increment`` says which was made.

    The copy is written as ``….db.partial`` and renamed once whole: a copy cut short by a crash is never
    listed as a backup.
    """

    def __init__(self, path: Path, folder: Path, *, reason: str, now: dt.datetime, since: dt.date | None = None):
        self.reason, self.folder = reason, folder
        self.target = _target(folder, reason, now)
        self.increment = False
        self._partial = _partial(self.target)
        self._increment_target = _target(folder, f"{INCREMENT}-{reason}", now)
        self._error: BaseException | None = None
        self._dest: sqlite3.Connection | None = None
        self._base: _Base | None = None
        large = path.stat().st_size >= INCREMENT_FROM_BYTES
        candidates = _fulls_of(folder, since) if since and large else []
        self._source = sqlite3.connect(str(path), timeout=15, isolation_level=None, check_same_thread=False)
        try:
            if candidates:  # attached before the transaction (SQLite attaches nothing inside one)
                self._remove_partials()
                self._source.execute("ATTACH DATABASE ? AS inc", [str(_partial(self._increment_target))])
                # A new file, renamed only once whole: its journal need not outlive a crash (one fsync, not three).
                self._source.execute("PRAGMA inc.journal_mode = MEMORY")
            self._source.execute("BEGIN")
            self._source.execute("SELECT COUNT(*) FROM main.sqlite_master").fetchone()  # the snapshot starts here
            self._base = _find_base(self._source, candidates)
        except BaseException:
            self._close()
            raise
        self._thread = threading.Thread(target=self._run, name="pjdesk-backup", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            if self._base is not None:
                self._source.execute("SAVEPOINT increment")
                try:
                    write_increment(self._source, self._base)
                    self._source.execute("RELEASE increment")
                    self._source.execute("COMMIT")  # the increment is written whole (and synced) here
                    self.increment = True
                    return
                except (NotIncremental, sqlite3.Error):
                    # What changed cannot be told from the base (or the increment could not be written): the
                    # copy is made whole, from the same snapshot. A full disk fails that too, and says so.
                    self._source.execute("ROLLBACK TO increment")
                    self._source.execute("RELEASE increment")
            self._dest = sqlite3.connect(str(self._partial), check_same_thread=False)
            self._source.backup(self._dest)  # sqlite3 lets other threads run while it copies
        except BaseException as e:  # re-raised by finish(), in the caller's thread
            self._error = e

    def finish(self) -> Path:
        """Wait for the copy; returns the backup file, or raises what stopped it (and leaves no file)."""
        self._thread.join()
        self._close()
        if self._error is not None:
            self._remove_partials()
            raise self._error
        made, target = (_partial(self._increment_target), self._increment_target) if self.increment else \
            (self._partial, self.target)
        os.replace(made, target)
        self._remove_partials()
        _rotate(self.folder, f"{INCREMENT}-{self.reason}" if self.increment else self.reason)
        return target

    def discard(self) -> None:
        """Wait for the copy and delete it: nothing was written that it would guard."""
        self._thread.join()
        self._close()
        self._remove_partials()

    def _close(self) -> None:
        if self._dest is not None:
            self._dest.close()
        self._source.close()  # ends the read transaction: the file's WAL may be checkpointed again

    def _remove_partials(self) -> None:
        for partial in (self._partial, _partial(self._increment_target)):
            for leftover in (partial, partial.with_name(partial.name + "-journal")):
                leftover.unlink(missing_ok=True)


class NotIncremental(Exception):
    """What changed since the base cannot be told for sure: a full copy is made instead."""


@dataclass(frozen=True)
class _Base:
    """A full backup an increment stands on, and what identifies it: its size in pages and, for each
    append-only table, its last row (the snapshot holds the same row at the same place: it descends from it)."""

    path: Path
    pages: int
    marks: dict[str, int]
    last_rows: dict[str, str]


MANIFEST, PARTS, TOUCHED = "pjdesk_increment", "pjdesk_increment_tables", "pjdesk_increment_touched"
ROWID = "pjdesk_rowid"  # each part's rows keep their rowid (the full-text index refers to the hazards' rowids)
INCREMENT_FORMAT = "1"
# Append-only tables whose rows name the record they changed: those records are in the increment.
RECORD_COLUMN = "record_id"


def _partial(target: Path) -> Path:
    return target.with_name(target.name + ".partial")


def _fulls_of(folder: Path, day: dt.date) -> list[Path]:
    """The full backups made on ``day``, newest first (the smallest increment stands on the newest)."""
    stamp = f"{day:%Y%m%d}"
    found = [p for p in folder.glob(f"pjdesk-*-{stamp}-*.db") if not p.name.startswith(f"pjdesk-{INCREMENT}-")
             and p.stem[-22:-14] == stamp] if folder.is_dir() else []
    return sorted(found, key=lambda p: p.stem[-22:], reverse=True)


def _find_base(source: sqlite3.Connection, candidates: list[Path]) -> _Base | None:
    """The newest candidate the snapshot in ``source`` descends from, or None."""
    if not candidates:
        return None
    schema = _schema(source, "main")
    station = _station(source, "main")
    for path in candidates:
        try:
            base = _if_ancestor(path, source, schema, station)
        except sqlite3.DatabaseError:
            continue  # not a whole backup (one still being written, or damaged): not a base
        if base is not None:
            return base
    return None


def _if_ancestor(path: Path, source: sqlite3.Connection, schema: list, station: str | None) -> _Base | None:
    conn = _read_only(path)
    try:
        if _schema(conn, "main") != schema or _station(conn, "main") != station or station is None:
            return None
        marks, last_rows = {}, {}
        for table in _append_only(conn, "main"):
            mark = conn.execute(f'SELECT MAX(rowid) FROM main."{table}"').fetchone()[0] or 0
            row = conn.execute(f'SELECT * FROM main."{table}" WHERE rowid = ?', [mark]).fetchone()
            if source.execute(f'SELECT * FROM main."{table}" WHERE rowid = ?', [mark]).fetchone() != row:
                return None  # the station's log does not continue this backup's (a restore came between)
            marks[table], last_rows[table] = mark, repr(row)
        return _Base(path, conn.execute("PRAGMA page_count").fetchone()[0], marks, last_rows)
    finally:
        conn.close()


def _schema(conn: sqlite3.Connection, schema: str) -> list:
    return sorted(conn.execute(f"SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master"), key=repr)


def _station(conn: sqlite3.Connection, schema: str) -> str | None:
    row = conn.execute(f"SELECT value FROM {schema}.settings WHERE key = 'station_code'").fetchone()
    return row[0] if row else None


def _plain_tables(conn: sqlite3.Connection, schema: str) -> list[str]:
    """The tables that hold data: not SQLite's own, not a virtual table (full-text search) nor its shadow
    tables, which the triggers on the record tables keep up to date."""
    rows = conn.execute(f"SELECT name, sql FROM {schema}.sqlite_master WHERE type = 'table'"
                        " AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    virtual = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")]
    return [name for name, _ in rows if name not in virtual and not any(name.startswith(v + "_") for v in virtual)]


def _append_only(conn: sqlite3.Connection, schema: str) -> list[str]:
    """Tables a trigger forbids to update and to delete from: their rows past a mark are all that is new."""
    guarded: dict[str, set[str]] = {}
    for table, sql in conn.execute(f"SELECT tbl_name, sql FROM {schema}.sqlite_master WHERE type = 'trigger'"):
        text = " ".join(sql.upper().split())
        for op in ("UPDATE", "DELETE"):
            if f"BEFORE {op} ON" in text and "RAISE(ABORT" in text:
                guarded.setdefault(table, set()).add(op)
    return sorted(t for t, ops in guarded.items() if ops == {"UPDATE", "DELETE"} and t in _plain_tables(conn, schema))


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA {schema}.table_info("{table}")')]


def _has_rowid_alias(conn: sqlite3.Connection, schema: str, table: str) -> bool:
    """An INTEGER PRIMARY KEY column is the rowid: written as itself, not as the rowid beside it."""
    keys = [r for r in conn.execute(f'PRAGMA {schema}.table_info("{table}")') if r[5]]
    return len(keys) == 1 and keys[0][2].upper() == "INTEGER"


def write_increment(conn: sqlite3.Connection, base: _Base) -> None:
    """Write into the database attached to ``conn`` as ``inc`` what ``main`` (read in the caller's
    transaction) holds beyond ``base``. Raises NotIncremental where that cannot be told for sure."""
    tables = _plain_tables(conn, "main")
    if any("WITHOUT ROWID" in conn.execute("SELECT upper(sql) FROM main.sqlite_master WHERE name = ?",
                                           [t]).fetchone()[0] for t in tables):
        raise NotIncremental("a table without rowids")
    appended = _append_only(conn, "main")
    columns = {t: _columns(conn, "main", t) for t in tables}
    kinds = {k.table: k.name for k in KINDS.values() if k.table in tables and "id" in columns[k.table]}
    if not kinds:
        raise NotIncremental("no record tables")
    conn.execute(f"CREATE TABLE inc.{MANIFEST} (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute(f"CREATE TABLE inc.{PARTS} (name TEXT PRIMARY KEY, mode TEXT NOT NULL, since INTEGER,"
                 " rows INTEGER NOT NULL)")
    # Each record touched, with its kind as the log names it: looked for in its kind's table only (a kind the
    # log names otherwise, or not at all, is looked for in every table).
    conn.execute(f"CREATE TABLE inc.{TOUCHED} (id PRIMARY KEY, logged INTEGER NOT NULL, kind TEXT)")
    conn.execute(f"CREATE INDEX inc.{TOUCHED}_kind ON {TOUCHED}(kind)")
    for table in appended:
        if RECORD_COLUMN in columns[table]:
            conn.execute(f"INSERT OR IGNORE INTO inc.{TOUCHED} SELECT {RECORD_COLUMN}, 1,"
                         f" {'kind' if 'kind' in columns[table] else 'NULL'} FROM main.\"{table}\" WHERE rowid > ?",
                         [base.marks[table]])
    conn.execute(f"UPDATE inc.{TOUCHED} SET kind = NULL WHERE kind NOT IN ({','.join('?' * len(kinds))})",
                 list(kinds.values()))
    _touch_parents(conn, base.path, kinds)
    for table in tables:
        mode = "tail" if table in appended else "touched" if table in kinds else "whole"
        where, params = {"tail": ("rowid > ?", [base.marks.get(table, 0)]),
                         "touched": (f"id IN ({_touched_of})", [kinds.get(table)]), "whole": ("1", [])}[mode]
        conn.execute(f'CREATE TABLE inc."{table}" AS SELECT rowid AS {ROWID}, * FROM main."{table}" WHERE 0')
        rows = conn.execute(f'INSERT INTO inc."{table}" SELECT rowid, * FROM main."{table}" WHERE {where}'
                            f" ORDER BY rowid", params).rowcount
        conn.execute(f"INSERT INTO inc.{PARTS} VALUES (?, ?, ?, ?)",
                     [table, mode, base.marks.get(table) if mode == "tail" else None, rows])
    # Every record the log names since the base must be here (or wait for what it refers to, held back): a
    # record id the tables do not know (a log of another form, a kind this pjdesk does not know) means the
    # change cannot be followed to its row, and the copy is made whole.
    logged = conn.execute(f"SELECT COUNT(*) FROM inc.{TOUCHED} WHERE logged").fetchone()[0]
    found = sum(conn.execute(f'SELECT COUNT(*) FROM inc."{t}" JOIN inc.{TOUCHED} USING (id) WHERE logged')
                .fetchone()[0] for t in kinds)
    if "sync_held_back" in tables:
        found += conn.execute(f"SELECT COUNT(*) FROM main.sync_held_back JOIN inc.{TOUCHED} ON id = record_id"
                              " WHERE logged").fetchone()[0]
    if found != logged:
        raise NotIncremental(f"{logged - found} records of the log not found")
    manifest = {"format": INCREMENT_FORMAT, "base": base.path.name, "base_pages": str(base.pages),
                "base_marks": json.dumps(base.marks), "base_rows": json.dumps(base.last_rows),
                "station_code": _station(conn, "main"),
                "units": str(conn.execute("SELECT COUNT(*) FROM main.unit WHERE deleted = 0").fetchone()[0]),
                "hazards": str(conn.execute("SELECT COUNT(*) FROM main.hazard WHERE deleted = 0").fetchone()[0])}
    manifest["digest"] = _digest(conn, "inc")
    conn.executemany(f"INSERT INTO inc.{MANIFEST} VALUES (?, ?)", list(manifest.items()))


# The touched records of one kind (the parameter), and those of no known kind.
_touched_of = (f"SELECT id FROM inc.{TOUCHED} WHERE kind = ? UNION ALL SELECT id FROM inc.{TOUCHED}"
               " WHERE kind IS NULL")


def _touch_parents(conn: sqlite3.Connection, base: Path, kinds: dict[str, str]) -> None:
    """Add the parents of the touched records, as the snapshot and as the base name them: a parent's state
    is derived from its children and written with them, without a log row of its own."""
    children = [(k.table, k.name, k.parent[0], KINDS[k.parent[1]].name) for k in KINDS.values()
                if k.parent and k.table in kinds and k.parent[1] in KINDS]
    if not children:
        return
    before = conn.execute(f"SELECT COUNT(*) FROM inc.{TOUCHED}").fetchone()[0]
    old = _read_only(base)
    try:
        while True:
            for table, kind, ref, parent in children:
                ids = [r[0] for r in conn.execute(f'SELECT id FROM main."{table}" WHERE id IN ({_touched_of})',
                                                  [kind])]
                conn.execute(f"INSERT OR IGNORE INTO inc.{TOUCHED} SELECT {ref}, 0, ? FROM main.\"{table}\""
                             f" WHERE id IN ({_touched_of}) AND {ref} IS NOT NULL", [parent, kind])
                for start in range(0, len(ids), 500):
                    chunk = ids[start:start + 500]
                    found = old.execute(f'SELECT {ref}, ? FROM "{table}" WHERE {ref} IS NOT NULL'
                                        f" AND id IN ({','.join('?' * len(chunk))})", [parent, *chunk]).fetchall()
                    conn.executemany(f"INSERT OR IGNORE INTO inc.{TOUCHED} VALUES (?, 0, ?)", found)
            after = conn.execute(f"SELECT COUNT(*) FROM inc.{TOUCHED}").fetchone()[0]
            if after == before:  # a parent may itself be a child: until nothing more is added
                return
            before = after
    finally:
        old.close()


def _digest(conn: sqlite3.Connection, schema: str) -> str:
    """A hash of every row of the increment but its manifest: a changed byte anywhere shows. Text is read as
    its bytes (no decoding: reading the rows is most of the cost), a few thousand rows at a time."""
    import hashlib  # here, not at start-up, which reads and never backs up before its first paint (~2 ms)

    digest = hashlib.sha256()
    names = [r[0] for r in conn.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"
                                        " AND name != ? ORDER BY name", [MANIFEST])]
    conn.text_factory = bytes
    try:
        for name in names:
            digest.update(name.encode() + b"\0")
            cursor = conn.execute(f'SELECT * FROM {schema}."{name}" ORDER BY rowid')
            while rows := cursor.fetchmany(5000):
                digest.update(repr(rows).encode())
    finally:
        conn.text_factory = str
    return digest.hexdigest()


def _target(folder: Path, reason: str, now: dt.datetime) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"pjdesk-{reason}-{now.strftime('%Y%m%d-%H%M%S-%f')}.db"


def _rotate(folder: Path, reason: str) -> None:
    """Keep the newest ``KEEP[reason]`` backups made for ``reason``, and no increment whose base is gone."""
    old = sorted(folder.glob(f"pjdesk-{reason}-*.db"))
    for stale in old[:-KEEP.get(reason, 10)]:
        stale.unlink(missing_ok=True)
    for increment in folder.glob(f"pjdesk-{INCREMENT}-*.db"):
        try:
            base = _manifest(increment)["base"]
        except (sqlite3.DatabaseError, KeyError):
            continue  # a damaged increment stays, for a person to see; a restore refuses it
        if not (folder / base).exists():
            increment.unlink(missing_ok=True)


def list_backups(folder: Path) -> list[Path]:
    """Newest first."""
    return sorted(folder.glob("pjdesk-*.db"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []


def has_backup_since(folder: Path, reason: str, day: dt.date) -> bool:
    return any(p.name.startswith(f"pjdesk-{reason}-{day:%Y%m%d}") for p in list_backups(folder))


def is_increment(path: Path) -> bool:
    """Whether the backup is an increment (it names its base) rather than a whole copy."""
    conn = _read_only(path)
    try:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            [MANIFEST]).fetchone() is not None
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def inspect_backup(path: Path) -> dict:
    """Read a backup without changing it: its integrity, its station and its record counts. An increment is
    checked whole (every row against its digest) with its base (there, whole, and the very file it was made on).

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
            migrations = applied_migrations(conn)
            if not migrations:  # no pjdesk file has none
                raise ValueError("不是 pjdesk 备份文件")
            increment = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [MANIFEST]).fetchone()
            if increment:
                manifest = _checked_increment(conn, path)
                units, hazards = int(manifest["units"]), int(manifest["hazards"])
            else:
                units = conn.execute("SELECT COUNT(*) FROM unit WHERE deleted = 0").fetchone()[0]
                hazards = conn.execute("SELECT COUNT(*) FROM hazard WHERE deleted = 0").fetchone()[0]
        except (sqlite3.DatabaseError, KeyError):
            raise ValueError("不是 pjdesk 备份文件") from None
    finally:
        conn.close()
    if increment:
        _check_base(path, manifest, station.get("station_code"))
    return {"station_code": station.get("station_code"), "units": units, "hazards": hazards,
            "migrations": migrations, "increment": bool(increment)}


def _manifest(path: Path) -> dict[str, str]:
    conn = _read_only(path)
    try:
        return dict(conn.execute(f"SELECT key, value FROM {MANIFEST}").fetchall())
    finally:
        conn.close()


def _checked_increment(conn: sqlite3.Connection, path: Path) -> dict[str, str]:
    manifest = dict(conn.execute(f"SELECT key, value FROM {MANIFEST}").fetchall())
    if manifest.get("format") != INCREMENT_FORMAT:
        raise ValueError("增量备份由其他版本的 pjdesk 写入，无法读取")
    if _digest(conn, "main") != manifest.get("digest"):
        raise ValueError("增量备份已损坏（内容与校验值不符）")
    return manifest


def _check_base(path: Path, manifest: dict[str, str], station: str | None) -> None:
    """The increment's base is beside it, whole, of the same station, and the very file it was made on."""
    base = path.parent / manifest["base"]
    if not base.is_file():
        raise ValueError(f"它所依据的完整备份“{base.name}”已不在备份文件夹中")
    try:
        info = inspect_backup(base)
    except ValueError as e:
        raise ValueError(f"它所依据的完整备份“{base.name}”不能使用：{e}") from None
    conn = _read_only(base)
    try:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        marks = json.loads(manifest["base_marks"])
        rows = {t: repr(conn.execute(f'SELECT * FROM "{t}" WHERE rowid = ?', [mark]).fetchone())
                for t, mark in marks.items()}
        ends = {t: conn.execute(f'SELECT MAX(rowid) FROM "{t}"').fetchone()[0] or 0 for t in marks}
    except sqlite3.DatabaseError:
        rows, pages, marks, ends = {}, None, {}, None
    finally:
        conn.close()
    if info["station_code"] != station or str(pages) != manifest["base_pages"] or ends != marks or \
            rows != json.loads(manifest["base_rows"]):
        raise ValueError(f"它所依据的完整备份“{base.name}”已被替换，与增量备份不符")


def restore_into(db: Connection, path: Path, progress: Progress | None = None) -> None:
    """Replace the open database's content with the backup's, page by page, as one consistent copy.

    All or nothing: a copy that fails or is stopped by ``progress`` leaves the database as it was. An
    increment is first made whole beside it (its base copied, the increment applied), then copied in."""
    if is_increment(path):
        whole = path.with_name(path.name + ".restoring")
        try:
            assemble(path, whole, _half(progress, 0))
            restore_into(db, whole, _half(progress, 1))
        finally:
            for leftover in ("", "-journal", "-wal", "-shm"):
                whole.with_name(whole.name + leftover).unlink(missing_ok=True)
        return
    source = _read_only(path)
    try:
        _copy(source, db.conn, progress)
    finally:
        source.close()


def _half(progress: Progress | None, which: int) -> Progress | None:
    """One of two copies of about the same size as its half of the whole."""
    if progress is None:
        return None
    return lambda done, total: progress(which * total + done, 2 * total)


def assemble(increment: Path, target: Path, progress: Progress | None = None) -> None:
    """Write as ``target`` the station the increment was made of: its base copied, then every part of the
    increment put in its place (records replaced by their rows, the log's new rows added, small tables whole),
    in one transaction. Raises ValueError (in Chinese) for an increment that does not fit its base."""
    manifest = _manifest(increment)
    base = increment.parent / manifest["base"]
    target.unlink(missing_ok=True)
    _copy_file(base, target, progress)
    conn = sqlite3.connect(target.absolute().as_uri(), uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")  # a record goes out and comes back in its own rows' order
        conn.execute("ATTACH DATABASE ? AS inc", [f"{increment.absolute().as_uri()}?mode=ro"])
        conn.execute("BEGIN")
        # The small tables last: a trigger that keeps one up to date as the log grows (fired here by the log's
        # new rows) leaves it as the increment holds it.
        parts = conn.execute(f"SELECT name, mode, since FROM inc.{PARTS} ORDER BY mode = 'whole', mode != 'tail',"
                             " name").fetchall()
        if sorted(name for name, _, _ in parts) != _plain_tables(conn, "main"):
            raise ValueError("增量备份与它所依据的完整备份的数据结构不符")
        for name, mode, since in parts:
            columns = _columns(conn, "main", name)
            if _columns(conn, "inc", name) != [ROWID, *columns]:
                raise ValueError(f"增量备份与它所依据的完整备份的数据结构不符（{name}）")
            if mode == "whole":
                conn.execute(f'DELETE FROM main."{name}"')
            elif mode == "touched":
                conn.execute(f'DELETE FROM main."{name}" WHERE id IN (SELECT id FROM inc.{TOUCHED})')
            elif conn.execute(f'SELECT COUNT(*) FROM main."{name}" WHERE rowid > ?', [since]).fetchone()[0]:
                raise ValueError("增量备份与它所依据的完整备份不符")
            listed = ", ".join(f'"{c}"' for c in columns)
            rowid = "" if _has_rowid_alias(conn, "main", name) else "rowid, "
            conn.execute(f'INSERT INTO main."{name}" ({rowid}{listed}) SELECT {rowid and ROWID + ", "}{listed}'
                         f' FROM inc."{name}" ORDER BY {ROWID}')
        conn.execute("COMMIT")
    finally:
        conn.close()


def _copy_file(path: Path, target: Path, progress: Progress | None) -> None:
    """The backup ``path`` copied, through SQLite, into the new file ``target``."""
    source = _read_only(path)
    try:
        dest = sqlite3.connect(str(target))
        try:
            _copy(source, dest, progress)
        finally:
            dest.close()
    finally:
        source.close()


def restore_to_file(path: Path, target: Path, progress: Progress | None = None) -> None:
    """Write the backup's content as the file ``target``, where no station file is (missing or empty).

    The copy is made beside it and renamed over it once complete, so ``target`` is either as it was or whole.
    A -wal or -shm left by the file that was there would be read into the new one: they go first (a -wal with
    content is kept, renamed, as it may be all that is left of the lost file's last changes)."""
    partial = target.with_name(target.name + ".restoring")
    partial.unlink(missing_ok=True)
    try:
        if is_increment(path):
            assemble(path, partial, progress)
        else:
            _copy_file(path, partial, progress)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
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
