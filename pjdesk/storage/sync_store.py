"""All SQL of sync: devices and their trust, acknowledgements, imported bundles, applying remote changes, conflicts.

Applying is a fold: a record's synced state is a function of the *set* of its change-log rows, taken in HLC
order — per field the latest stamp wins, a delete is a tombstone — so bundles applied in any order, skipped
and repeated, give the same tables (DESIGN §5, property 2). Remote rows keep their origin id, device, dseq
and stamp; one already present is skipped, which makes a second import change nothing.

Tombstones win: once any device deleted a record it stays deleted, whatever field edits arrive later (they
are kept in the log and fold into the deleted row). A local delete is refused on a deleted record, so there
is no "undelete" to race with, and two stations can never disagree on whether a record exists.
"""

from __future__ import annotations

import contextlib
import json
import operator
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from pjdesk.core.errors import PjdeskError
from pjdesk.core.kinds import KINDS
from pjdesk.core.records import BOOL, REF, RecordKind
from pjdesk.core.townships import COUNTY_CODE

from . import change_codec
from .change_codec import decode_fields
from .database import Store, append_log, child_kinds, derived_values

_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
CHANGE_COLUMNS = change_codec.KEYS
CHUNK = 500


# --- devices -----------------------------------------------------------------------------------------------
def device(store: Store, device_id: str) -> dict | None:
    rows = store._rows("SELECT * FROM sync_device WHERE device = ?", [device_id])
    return rows[0] if rows else None


def devices(store: Store) -> list[dict]:
    return store._rows("SELECT * FROM sync_device ORDER BY station, name, device")


def register_device(store: Store, values: Mapping, *, trusted_at: str, trusted_by: str) -> None:
    """Trust a device's key (this station's own, or one a person accepted). Must run inside a transaction."""
    store.db.conn.execute(
        "INSERT INTO sync_device(device, station, role, name, public_key, fingerprint, trusted_at, trusted_by)"
        " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(device) DO UPDATE SET station = excluded.station,"
        " role = excluded.role, name = excluded.name, public_key = excluded.public_key,"
        " fingerprint = excluded.fingerprint, trusted_at = excluded.trusted_at, trusted_by = excluded.trusted_by,"
        " revoked_at = NULL, revoked_by = NULL",
        [values["device"], values["station"], values["role"], values.get("name"), values["public_key"],
         values["fingerprint"], trusted_at, trusted_by])


def revoke_device(store: Store, device_id: str, *, at: str, by: str) -> None:
    store.db.conn.execute("UPDATE sync_device SET revoked_at = ?, revoked_by = ? WHERE device = ?", [at, by, device_id])


def revoke_listed(store: Store, values: Mapping, *, at: str, by: str) -> bool:
    """Revoke a device another station says is revoked; one unknown here is registered revoked and untrusted,
    so that its bundles are refused too. A device already revoked keeps its revocation. Returns whether this
    changed anything. Inside a transaction."""
    cursor = store.db.conn.execute(
        "INSERT INTO sync_device(device, station, role, name, public_key, fingerprint, revoked_at, revoked_by)"
        " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(device) DO UPDATE SET revoked_at = excluded.revoked_at,"
        " revoked_by = excluded.revoked_by WHERE sync_device.revoked_at IS NULL",
        [values["device"], values["station"], values["role"], values.get("name"), values["public_key"],
         values["fingerprint"], at, by])
    return cursor.rowcount > 0


def restore_listed(store: Store, device_id: str, *, by: str) -> bool:
    """Undo a revocation made by ``by`` (and by nobody else): a device a person here trusted is trusted
    again, one registered only to be refused is forgotten. Returns whether this changed anything."""
    conn = store.db.conn
    restored = conn.execute(
        "UPDATE sync_device SET revoked_at = NULL, revoked_by = NULL"
        " WHERE device = ? AND revoked_by = ? AND trusted_at IS NOT NULL", [device_id, by]).rowcount
    forgotten = conn.execute("DELETE FROM sync_device WHERE device = ? AND revoked_by = ? AND trusted_at IS NULL",
                             [device_id, by]).rowcount
    return restored + forgotten > 0


# --- acknowledgements and what to send ---------------------------------------------------------------------
def held(store: Store) -> dict[str, int]:
    """The highest dseq this station holds from each device: what its bundles acknowledge."""
    return dict(store.db.execute("SELECT device, MAX(dseq) FROM change_log GROUP BY device").fetchall())


def held_of(store: Store, devices: Iterable[str]) -> dict[str, int]:
    """``held`` for a few devices only: one index lookup each, not a pass over the whole log."""
    out = {}
    for device_id in devices:
        top = store.db.execute("SELECT MAX(dseq) FROM change_log WHERE device = ?", [device_id]).fetchone()[0]
        if top is not None:
            out[device_id] = top
    return out


def acks_of(store: Store, peer: str) -> dict[str, int]:
    return dict(store.db.execute("SELECT origin, dseq FROM sync_ack WHERE peer = ?", [peer]).fetchall())


def record_acks(store: Store, peers: Iterable[str], acks: Mapping[str, int]) -> None:
    """What a peer says it holds; only ever moves forward (an older bundle read late cannot move it back)."""
    store.db.conn.executemany(
        "INSERT INTO sync_ack(peer, origin, dseq) VALUES (?,?,?)"
        " ON CONFLICT(peer, origin) DO UPDATE SET dseq = MAX(dseq, excluded.dseq)",
        [(peer, origin, int(dseq)) for peer in peers for origin, dseq in acks.items()])


def unacknowledged(store: Store, acks: Mapping[str, int], townships: Iterable[str] | None,
                   skip_devices: Iterable[str] = ()) -> list[dict]:
    """Change-log rows the peer has not acknowledged, per origin device in dseq order.

    ``townships`` limits them to rows of those townships (None: all), ``skip_devices`` leaves out what the
    peer itself wrote.
    """
    return list(iter_unacknowledged(store, acks, townships, skip_devices))


def iter_unacknowledged(store: Store, acks: Mapping[str, int], townships: Iterable[str] | None,
                        skip_devices: Iterable[str] = ()) -> Iterator[dict]:
    """``unacknowledged`` a row at a time, as the log is read: a large export never holds them all."""
    skip = set(skip_devices)
    where, params = "", []
    if townships is not None:
        codes = list(townships)
        where = f" AND township IN ({','.join('?' * len(codes))})"
        params = codes
    for origin in sorted(held(store)):
        if origin in skip:
            continue
        cursor = store.db.conn.execute(
            f"SELECT {change_codec.SELECTED} FROM change_log WHERE device = ? AND dseq > ?{where} ORDER BY dseq",
            [origin, acks.get(origin, 0), *params])
        yield from map(change_codec.change, cursor)


# --- imported bundles --------------------------------------------------------------------------------------
def imported(store: Store, bundle_id: str) -> dict | None:
    rows = store._rows("SELECT * FROM sync_import WHERE bundle = ?", [bundle_id])
    return rows[0] if rows else None


def record_import(store: Store, bundle_id: str, *, sender: Mapping, file_name: str, at: str, by: str,
                  changes: int, new_changes: int, created_at: str | None = None,
                  gaps: Mapping[str, tuple[int, int]] | None = None) -> None:
    store.db.conn.execute(
        "INSERT INTO sync_import(bundle, sender_station, sender_device, file_name, imported_at, imported_by,"
        " changes, new_changes, created_at, gaps) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [bundle_id, sender["station"], sender["device"], file_name, at, by, changes, new_changes, created_at,
         _json({d: list(span) for d, span in gaps.items()}) if gaps else None])


def imports_from(store: Store, stations: Iterable[str] | None = None) -> list[dict]:
    """Bundles read from these stations (None: all), oldest made first, ``gaps`` decoded."""
    sql, params = "SELECT * FROM sync_import", []
    if stations is not None:
        codes = list(stations)
        sql += f" WHERE sender_station IN ({','.join('?' * len(codes))})"
        params = codes
    rows = store._rows(sql + " ORDER BY COALESCE(created_at, imported_at), imported_at", params)
    for row in rows:
        row["gaps"] = json.loads(row["gaps"]) if row.get("gaps") else {}
    return rows


def missing_changes(store: Store, device_id: str, first: int, last: int) -> int:
    """How many of a device's changes first..last this station still lacks."""
    held_count = store.db.execute("SELECT COUNT(*) FROM change_log WHERE device = ? AND dseq BETWEEN ? AND ?",
                                  [device_id, first, last]).fetchone()[0]
    return last - first + 1 - held_count


# --- applying ----------------------------------------------------------------------------------------------
@contextlib.contextmanager
def journals_in_memory(store: Store) -> Iterator[None]:
    """SQLite's temporary files in memory for the block (outside a transaction), then back as they were.

    Each file of an import is written in a savepoint of its own, and SQLite keeps the former content of every
    page the file's records change, for as long as the savepoint is open, in a temporary file: in a county of
    five years the records of a township's month change pages all over the large indexes, some 18 KB a change,
    and 25 such files wrote about 2 GB of temporary files (that no one reads unless a file is refused). In
    memory that is a copy, freed at each file's end: the caller bounds it by the size of the files."""
    with store.setting_for_block("temp_store", "MEMORY"):
        yield


@dataclass
class Applied:
    new_changes: int = 0
    changed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    conflicts: int = 0


def apply_changes(store: Store, changes: list[dict]) -> Applied:
    """Add the changes not yet in the log and bring the record tables up to date. Inside a transaction."""
    return apply_chunks(store, [changes])


def apply_chunks(store: Store, chunks: Iterable[list[dict]], *, logged: Collection[str] | None = None) -> Applied:
    """``apply_changes`` for changes that come a chunk at a time (a large bundle is read so, never whole).

    Each chunk is checked and logged as it comes; the records it touches are noted, and folded once every chunk
    is in the log, each from its whole history, a few thousand records at a time. Memory is bounded by the
    chunk, and the tables, log and conflicts are the same however the changes are cut: a record whose changes
    fall in two chunks is folded once, from all of them.

    A record the log held nothing of before (a new one: the usual case) has its whole history in the changes
    in hand, and is folded from them while they number at most HAND_ROWS; any other (and every one of a larger
    bundle) from its history read back from the log. Both give the same rows. ``logged``: the records among the
    changes' that the log holds changes of, when the caller has read them just before (``record_owners``);
    else they are asked here.

    A change whose id is already in the log (or earlier in the bundle) must be that same change: one that
    differs (another stamp, record or content under the same device and sequence number) is a forgery or a
    device set up twice, and refuses the whole bundle, naming it, instead of being skipped without a word."""
    assert store.db.conn.in_transaction, "apply_changes outside Store.transaction()"
    # Read before the bundle's rows join the log: its own inserts are not "held back", they are in hand.
    held_back = _held_back(store)
    touched: dict[str, dict[str, None]] = defaultdict(dict)  # kind → its records, in the order first met
    hand: _Hand | None = _Hand(logged=logged)
    result = Applied()
    for chunk in chunks:
        fresh = _fresh(store, chunk)
        if hand is not None and not hand.take(store, fresh):
            hand = None  # too many to hold: every record is read back from the log
        result.new_changes += _log_chunk(store, fresh, touched)
    if not result.new_changes:
        return result
    for record_id, kind_name in held_back.items():
        touched[kind_name].setdefault(record_id)
    _materialise(store, touched, result, held_back, hand.rows if hand is not None else {})
    return result


HAND_ROWS = 20_000  # changes of new records kept in hand to fold from (about 40 MB at most)


@dataclass
class _Hand:
    """The changes of the records the log held nothing of before this bundle: their whole history."""

    rows: dict[str, list[dict]] = field(default_factory=dict)  # record → its changes
    old: set[str] = field(default_factory=set)  # records the log held changes of before
    count: int = 0
    logged: Collection[str] | None = None  # the records the log holds changes of, if known

    def take(self, store: Store, fresh: Mapping[str, dict]) -> bool:
        """Keep the new records' changes among these (read before they are logged); False past HAND_ROWS."""
        self.count += len(fresh)
        if self.count > HAND_ROWS:
            return False
        first_met = sorted({c["record_id"] for c in fresh.values()} - self.rows.keys() - self.old)
        if self.logged is not None:
            self.old.update(i for i in first_met if i in self.logged)
        else:
            self.old |= _column_in(store, "SELECT DISTINCT record_id FROM change_log WHERE record_id IN", first_met)
        for change in fresh.values():
            if change["record_id"] not in self.old:
                self.rows.setdefault(change["record_id"], []).append(_as_logged(change))
        return True


def _as_logged(change: dict) -> dict:
    """A change as the log gives it back: every column there (a bundle's row may leave operator and base out)."""
    if "operator" in change and "base" in change and len(change) == len(CHANGE_COLUMNS):
        return change
    return {name: change.get(name) for name in CHANGE_COLUMNS}


def _fresh(store: Store, chunk: list[dict]) -> dict[str, dict]:
    """The chunk's changes not yet in the log, by id (checked against any already there: see apply_chunks)."""
    present = _present(store, [c["id"] for c in chunk])
    fresh: dict[str, dict] = {}
    for change in chunk:
        held_row = present.get(change["id"])
        if held_row is None and change["id"] in fresh:
            held_row = _identity(fresh[change["id"]])
        if held_row is None:
            fresh[change["id"]] = change
        elif held_row != _identity(change):
            raise PjdeskError(
                f"文件中的变更 {change['id']} 与本机已有的同号变更不一致（同一设备的同一序号却内容不同）："
                "可能是伪造的文件，或两台电脑用了同一个设备身份。整个文件未导入，请联系县级核查")
    return fresh


def _log_chunk(store: Store, fresh: Mapping[str, dict], touched: dict[str, dict[str, None]]) -> int:
    """Write these new changes into the log; note the records they touch. Returns how many there were."""
    if not fresh:
        return 0
    latest = max(c["hlc"] for c in fresh.values())
    # Rows made as they are written: the chunk's encoded fields are never all in memory at once.
    append_log(store.db.conn, map(change_codec.stored, fresh.values()), latest)
    if store.clock is not None:
        # Whatever this station writes next must order after everything it has seen.
        store.clock.observe(latest)
    for change in fresh.values():
        touched[change["kind"]].setdefault(change["record_id"])
    return len(fresh)


def _column_in(store: Store, select: str, values: list[str]) -> set:
    """``select`` (ending in ``IN``) for every value, a chunk at a time: SQLite limits the number of parameters."""
    found = set()
    for start in range(0, len(values), CHUNK):
        chunk = values[start:start + CHUNK]
        found.update(r[0] for r in store.db.execute(f"{select} ({','.join('?' * len(chunk))})", chunk))
    return found


def _identity(change: Mapping) -> tuple:
    """What makes a change the same change: its stamp, record, operation and content (as JSON: compared
    decoded, since a later pjdesk may store the same fields in other bytes, change_codec's tables grown)."""
    fields = change["fields"]
    return (change["hlc"], change["record_id"], change["kind"], change["township"], change["op"],
            fields if isinstance(fields, str) else _json(fields))


def _present(store: Store, ids: list[str]) -> dict[str, tuple]:
    """The changes among these ids (device:dseq) that the log holds already, as ``_identity`` of each: found
    by device and dseq, the log's unique index (the id itself is not stored)."""
    by_device: dict[str, list[int]] = defaultdict(list)
    for change_id in ids:
        device_id, _, dseq = change_id.rpartition(":")
        if dseq.isdigit():
            by_device[device_id].append(int(dseq))
    found = {}
    for device_id, numbers in by_device.items():
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start:start + CHUNK]
            for dseq, hlc, record_id, kind, township, op, fields in store.db.execute(
                    "SELECT dseq, hlc, record_id, kind, township, op, fields FROM change_log"
                    f" WHERE device = ? AND dseq IN ({','.join('?' * len(chunk))})", [device_id, *chunk]):
                found[f"{device_id}:{dseq}"] = (hlc, record_id, kind, township, op, _json(decode_fields(fields)))
    return found


def record_owners(store: Store, record_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """For the records among these that this station already has changes of: (kind, township) as the log
    first recorded them. Sync never moves a record to another township or kind."""
    ids, owners = sorted(set(record_ids)), {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        # With MIN(), SQLite takes the bare columns from the row holding the minimum: the record's first change.
        for record_id, kind, township, _ in store.db.execute(
                "SELECT record_id, kind, township, MIN(hlc) FROM change_log"
                f" WHERE record_id IN ({','.join('?' * len(chunk))}) GROUP BY record_id", chunk):
            owners[record_id] = (kind, township)
    return owners


def held_back_counts(store: Store) -> dict[str, int]:
    """Records received but not yet written, per kind: each waits for a record it refers to."""
    return dict(store.db.execute("SELECT kind, COUNT(*) FROM sync_held_back GROUP BY kind ORDER BY kind").fetchall())


def held_back_waits(store: Store, limit: int = 2000) -> dict[str, set[str]]:
    """Per held-back kind, the kinds of the records it waits for (read from the latest value of each of its
    references in the log; the first ``limit`` held records are enough to say what is missing)."""
    waits: dict[str, set[str]] = defaultdict(set)
    held = store.db.execute("SELECT record_id, kind FROM sync_held_back ORDER BY kind LIMIT ?", [limit]).fetchall()
    for record_id, kind_name in held:
        kind = KINDS.get(kind_name)
        if kind is None:
            continue
        values: dict = {}
        for (fields,) in store.db.execute("SELECT fields FROM change_log WHERE record_id = ? ORDER BY hlc", [record_id]):
            values.update(decode_fields(fields))
        for f in kind.refs():
            target = KINDS.get(f.ref)
            if target is not None and values.get(f.name) and not store.db.execute(
                    f"SELECT 1 FROM {target.table} WHERE id = ?", [values[f.name]]).fetchone():
                waits[kind_name].add(f.ref)
    return waits


def _held_back(store: Store) -> dict[str, str]:
    """Records whose insert is in the log but not yet in their table (id → kind): they wait for what they
    refer to."""
    return dict(store.db.execute("SELECT record_id, kind FROM sync_held_back").fetchall())


def _hold_back(store: Store, kind: RecordKind, waiting: list[str], written: list[str]) -> None:
    """Keep the list of held-back records current: these wait for what they refer to, those are in."""
    conn = store.db.conn
    conn.executemany("INSERT OR IGNORE INTO sync_held_back(record_id, kind) VALUES (?, ?)",
                     [(i, kind.name) for i in waiting])
    for start in range(0, len(written), CHUNK):
        chunk = written[start:start + CHUNK]
        conn.execute(f"DELETE FROM sync_held_back WHERE record_id IN ({','.join('?' * len(chunk))})", chunk)


def _history(store: Store, record_ids: Iterable[str]) -> dict[str, list[dict]]:
    """Every logged change of these records (this bundle's included, as they are in the log by now)."""
    record_ids = sorted(record_ids)
    history: dict[str, list[dict]] = defaultdict(list)
    for start in range(0, len(record_ids), CHUNK):
        chunk = record_ids[start:start + CHUNK]
        cursor = store.db.conn.execute(
            f"SELECT {change_codec.SELECTED} FROM change_log WHERE record_id IN ({','.join('?' * len(chunk))})",
            chunk)
        for row in map(change_codec.change, cursor):
            history[row["record_id"]].append(row)
    return history


def kind_order() -> list[RecordKind]:
    """Every kind, each after the kinds it refers to (its REF fields, and a child after its parent), so that
    one pass writes a record only once what it refers to is there. A reference to a kind's own records (a
    cycle of one) is settled by materialising that kind in rounds."""
    needs = {k.name: {f.ref for f in k.refs() if f.ref in KINDS and f.ref != k.name} for k in KINDS.values()}
    for k in KINDS.values():
        if k.parent and k.parent[1] in KINDS and k.parent[1] != k.name:
            needs[k.name].add(k.parent[1])
    order: list[RecordKind] = []
    placed: set[str] = set()
    while len(order) < len(KINDS):
        ready = [k for k in KINDS.values() if k.name not in placed and needs[k.name] <= placed]
        if not ready:  # a cycle between kinds: no declaration makes one; keep the rest in declared order
            ready = [k for k in KINDS.values() if k.name not in placed]
        for k in ready:
            order.append(k)
            placed.add(k.name)
    return order


def _materialise(store: Store, touched: Mapping[str, Mapping[str, None]], result: Applied,
                 held_back: Mapping[str, str], hand: Mapping[str, list[dict]]) -> None:
    """Write the records folded from their histories (in hand, or read back from the log; in HLC order),
    referred-to kinds first; a record whose references have not arrived is held back (and listed), one that
    was held back and now can be written leaves the list. Then the state of every parent whose record or
    children were written."""
    parents: dict[str, set[str]] = defaultdict(set)  # parent kind → the parents of the children written
    for kind in kind_order():  # a kind this pjdesk does not know stays in the log only
        ids = list(touched.get(kind.name, ()))
        # A kind that refers to its own records is folded whole (its rounds need every record of the bundle);
        # any other a chunk at a time, so that a large bundle's histories are never all in memory at once.
        step = len(ids) if any(f.ref == kind.name for f in kind.refs()) else FOLD_CHUNK
        for start in range(0, len(ids), max(step, 1)):
            part = ids[start:start + step]
            history = _history(store, [i for i in part if i not in hand])
            history.update((i, hand[i]) for i in part if i in hand)
            for rows in history.values():
                rows.sort(key=_in_order)
            _materialise_some(store, kind, [history[i] for i in part if i in history], result, held_back, parents)
    _refresh_states(store, result, parents)


_in_order = operator.itemgetter("hlc", "id")


FOLD_CHUNK = 5000  # records folded and written at a time


def _materialise_some(store: Store, kind: RecordKind, histories: list[list[dict]], result: Applied,
                      held_back: Mapping[str, str], parents: dict[str, set[str]]) -> None:
    folded = [_fold(kind, rows) for rows in histories]
    waiting = [f for f in folded if f is not None]
    ready: list[_Folded] = []
    while waiting:  # rounds only for a kind that refers to its own records (a parent written this round)
        now = _with_references(store, kind, waiting, result.changed)
        if not now:
            break
        _upsert(store, kind, [f.row for f in now])
        ready += now
        done = {f.row["id"] for f in now}
        waiting = [f for f in waiting if f.row["id"] not in done]
        if not any(f.ref == kind.name for f in kind.refs()):
            break
    written = [f.row["id"] for f in ready]
    if waiting or held_back:
        _hold_back(store, kind, [f.row["id"] for f in waiting], [i for i in written if i in held_back])
    result.conflicts += _keep_conflicts(store, kind, [f for f in ready if f.conflicts])
    result.changed[kind.name].update(written)
    if kind.parent and ready:  # whose state to derive again: the parent each child names, as it was written
        ref = kind.parent[0]
        parents[kind.parent[1]].update(f.row[ref] for f in ready if f.row.get(ref) is not None)


def _refresh_states(store: Store, result: Applied, parents: Mapping[str, set[str]]) -> None:
    """Derive again the state of each parent written (when it has children) or whose children were written
    (``parents``: named by the children's rows as written, not read back). No kind with a state is a child."""
    for kind in KINDS.values():
        if not kind.state:
            continue
        dirty = _with_children(store, child_kinds(kind), result.changed.get(kind.name, set()))
        dirty |= parents.get(kind.name, set())
        if dirty:
            store.refresh_state(kind, dirty)
            result.changed[kind.name].update(dirty)



@dataclass
class _Folded:
    row: dict
    conflicts: list[tuple[dict, dict, str]]  # (earlier change, later change, field)


def _fold(kind: RecordKind, changes: list[dict]) -> _Folded | None:
    """A record's state from its changes in HLC order; None while its insert has not arrived."""
    shape = _shape(kind)
    if len(changes) == 1:  # a record new here with its insert alone, the usual case: nothing to weigh
        created = changes[0]
        if created["op"] != "insert":
            return None
        fields = created["fields"]
        # Every field one this pjdesk knows (the usual case): taken whole, not weighed one by one.
        values = ({**shape.flags, **fields} if shape.names.issuperset(fields)
                  else {**shape.flags, **{n: v for n, v in fields.items() if n in shape.names}})
        return _Folded(_row(kind, shape, values, created, created, 0, None), [])
    inserts = [c for c in changes if c["op"] == "insert"]
    if not inserts:
        return None
    created, last = inserts[0], changes[-1]
    names, values = shape.names, dict(shape.flags)
    holders: dict[str, dict] = {}
    conflicts = []
    deleted, reason = 0, None
    for change in changes:
        if change["op"] == "delete":
            deleted, reason = 1, change["fields"].get("delete_reason")
            continue
        for name, value in change["fields"].items():
            if name not in names:
                continue  # a field of a newer pjdesk: kept in the log, shown once this pjdesk knows it
            holder = holders.get(name)
            if holder is not None and _concurrent(holder, change) and values.get(name) != value:
                conflicts.append((holder, change, name))
            values[name], holders[name] = value, change
    return _Folded(_row(kind, shape, values, created, last, deleted, reason), conflicts)


def _row(kind: RecordKind, shape: _Shape, values: dict, created: dict, last: dict, deleted: int, reason) -> dict:
    """The record's row: its meta columns, every synced column (None where no change set it; ``values`` holds
    only columns, so laid over the blank row they keep its order) and the derived ones."""
    return {"id": created["record_id"], "township": created["township"], "created_at": created["hlc"],
            "updated_at": last["hlc"], "created_by": created["operator"], "updated_by": last["operator"],
            "deleted": deleted, "delete_reason": reason, **shape.blank, **values, **derived_values(kind, values)}


@dataclass(frozen=True)
class _Shape:
    """What folding asks of a kind for every record, built once per kind."""

    blank: dict  # every synced column, None
    names: frozenset[str]  # the same, as a set
    flags: dict  # the BOOL fields, 0: a flag no change set is off


_shapes: dict[str, _Shape] = {}


def _shape(kind: RecordKind) -> _Shape:
    if kind.name not in _shapes:
        columns = (*kind.assigned, *kind.field_names())
        _shapes[kind.name] = _Shape(dict.fromkeys(columns), frozenset(columns),
                                    dict.fromkeys((f.name for f in kind.fields if f.type == BOOL), 0))
    return _shapes[kind.name]


def _concurrent(earlier: dict, later: dict) -> bool:
    """The later update was made without seeing the earlier one: its base (the record's stamp as its writer
    saw it) is older than the earlier change. One device's own changes are always in sequence."""
    return (later["op"] == "update" and earlier["device"] != later["device"]
            and (later.get("base") or "") < earlier["hlc"])


def _with_children(store: Store, children: list[tuple[RecordKind, str]], ids: Iterable[str]) -> set[str]:
    """The records among these that have children: a fresh one's state was written with it, only these need
    deriving again."""
    ids, found = sorted(ids), set()
    for child, ref in children:
        found |= _column_in(store, f"SELECT DISTINCT {ref} FROM {child.table} WHERE {ref} IN", ids)
    return found


def _with_references(store: Store, kind: RecordKind, folded: list[_Folded],
                     written: Mapping[str, set[str]]) -> list[_Folded]:
    """The records among these whose references are there: written by this import already (``written``: a
    record is never removed from its table), else found in the referred table."""
    refs = [f for f in kind.fields if f.type == REF and f.ref in KINDS]
    if not refs or not folded:
        return folded
    ready = folded
    for ref in refs:
        known = written.get(ref.ref, set())
        wanted = sorted({f.row[ref.name] for f in ready if f.row.get(ref.name)} - known)
        table = KINDS[ref.ref].table
        existing = set()
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            existing.update(r[0] for r in store.db.execute(
                f"SELECT id FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        ready = [f for f in ready if not f.row.get(ref.name) or f.row[ref.name] in existing or f.row[ref.name] in known]
    return ready


def _upsert(store: Store, kind: RecordKind, rows: list[dict]) -> None:
    """Insert or overwrite the synced columns, as one INSERT … SELECT (see Store._insert_in_one_statement)."""
    if not rows:
        return
    columns = list(rows[0])
    values = operator.itemgetter(*columns)
    listed = ", ".join(columns)
    stage = f"{kind.table}_sync_stage"
    conn = store.db.conn
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {listed} FROM main.{kind.table} WHERE 0")
    conn.execute(f"DELETE FROM temp.{stage}")
    conn.executemany(f"INSERT INTO temp.{stage} ({listed}) VALUES ({', '.join('?' * len(columns))})",
                     map(values, rows))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    try:
        conn.execute(f"INSERT INTO main.{kind.table} ({listed}) SELECT {listed} FROM temp.{stage} WHERE true"
                     f" ORDER BY rowid ON CONFLICT(id) DO UPDATE SET {updates}")
    except sqlite3.IntegrityError as e:
        # A signed bundle whose records lack what every record must have: refused whole (rolled back).
        raise PjdeskError(f"文件中的{kind.label}记录不完整，无法写入（{e}），整个文件未导入") from e
    conn.execute(f"DELETE FROM temp.{stage}")


# --- conflicts ---------------------------------------------------------------------------------------------
def _keep_conflicts(store: Store, kind: RecordKind, records: list[_Folded]) -> int:
    """Each conflict once, however often its record is folded again; returns how many are new."""
    before = store.db.conn.total_changes
    store.db.conn.executemany(
        "INSERT OR IGNORE INTO sync_conflict(kind, record_id, township, field, a_value, a_hlc, a_device, a_operator,"
        " b_value, b_hlc, b_device, b_operator) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(kind.name, f.row["id"], f.row["township"], name,
          _json(a["fields"][name]), a["hlc"], a["device"], a["operator"],
          _json(b["fields"][name]), b["hlc"], b["device"], b["operator"])
         for f in records for a, b, name in f.conflicts])
    return store.db.conn.total_changes - before


def open_conflicts(store: Store, township: str | None = None) -> list[dict]:
    sql = "SELECT * FROM sync_conflict WHERE resolved_at IS NULL"
    params = []
    if township is not None and township != COUNTY_CODE:
        sql += " AND township = ?"
        params.append(township)
    rows = store._rows(sql + " ORDER BY b_hlc, id", params)
    return [_decoded(r) for r in rows]


def conflict(store: Store, conflict_id: int) -> dict | None:
    rows = store._rows("SELECT * FROM sync_conflict WHERE id = ?", [conflict_id])
    return _decoded(rows[0]) if rows else None


def mark_resolved(store: Store, conflict_id: int, *, chosen: str, at: str, by: str) -> None:
    store.db.conn.execute("UPDATE sync_conflict SET resolved_at = ?, resolved_by = ?, chosen = ? WHERE id = ?",
                          [at, by, chosen, conflict_id])


def _decoded(row: dict) -> dict:
    return {**row, "a_value": json.loads(row["a_value"]), "b_value": json.loads(row["b_value"])}
