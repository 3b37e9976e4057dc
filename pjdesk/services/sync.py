"""Data exchange (数据交换): export a signed bundle for a peer, import bundles, trust and revoke devices, and
settle conflicts (冲突待确认).

A bundle carries every change the receiver has not acknowledged, so a lost or skipped file costs nothing:
the next one covers it. A county bundle also carries the county's documents (county_data). An import is all
or nothing: a bundle that fails any check is refused with the cause and leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pjdesk import __version__
from pjdesk.core.clock import parse_stamp
from pjdesk.core.document import ATTACHMENT
from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.core.ids import new_id
from pjdesk.core.kinds import KINDS
from pjdesk.core.townships import COUNTY_CODE, station_name, township, townships
from pjdesk.storage import sync_store
from pjdesk.sync import (
    BundleDamaged,
    BundleRefused,
    DeviceKey,
    fingerprint,
    load_or_create_key,
    open_bundle,
    write_bundle,
)
from pjdesk.sync.bundle import CHANGES_DIR, Bundle, Contents, county_member, encode_changes, encode_document
from pjdesk.sync.keys import public_key_bytes

from .attachments import export_files, receive_files
from .backups import finish_backup, start_backup
from .bulk import collector_paused
from .county_data import check_documents, county_payloads, keep_documents, kept_note
from .hazards import number_clash_note
from .session import COUNTY, TOWNSHIP, Outcome, Session, Station

ACCEPTED, DUPLICATE, REFUSED = "accepted", "duplicate", "refused"
# Data only the county's key may write, whatever township a row names (目标任务, 乡镇与设备名册, 交办事项).
COUNTY_OWNED_KINDS = frozenset({"target", "township_roster", "device_roster", "assignment"})


@dataclass(frozen=True)
class ImportResult:
    """One file's outcome: ``status`` is accepted, duplicate or refused; ``message`` is the line to show."""

    path: Path
    status: str
    message: str
    fingerprints: tuple[str, ...] = ()
    changed: dict[str, frozenset[str]] = field(default_factory=dict)
    conflicts: int = 0
    # Refused only because its device is not yet trusted here: station, station_name, device, device_name
    # and fingerprint, for a person to check (by telephone) before importing again with trust_new.
    unknown: dict | None = None


class UnknownDevice(BundleRefused):
    """The sender's key is not yet trusted here; ``device`` says whose it is, for a person to decide."""

    def __init__(self, message: str, device: dict):
        super().__init__(message)
        self.device = device


@dataclass(frozen=True)
class Receiver:
    station: str
    device: str | None

    @property
    def peer(self) -> str:
        """Whose acknowledgements decide what to send: the device when one is named, else the station."""
        return self.device or self.station


# --- keys and devices --------------------------------------------------------------------------------------
def device_key(session: Session) -> DeviceKey:
    """This device's key pair, made at first use; its public half is registered (and trusted) here."""
    station = session.require_station()
    key = load_or_create_key(session.data_dir)
    own = sync_store.device(session.store, station.device)
    if own is None or own["public_key"] != key.public_b64:
        with session.store.transaction():
            sync_store.register_device(session.store, _own_device(station, key), trusted_at=session.now_text(),
                                       trusted_by=session.operator)
    return key


def list_devices(session: Session) -> list[dict]:
    """Every device known here, with station name, fingerprint, trust and revocation."""
    device_key(session)
    own = session.require_station().device
    return [{**d, "station_name": _station_name(d["station"]), "own": d["device"] == own}
            for d in sync_store.devices(session.store)]


def revoke_device(session: Session, device_id: str) -> Outcome:
    """County only: bundles signed by this device are refused from now on."""
    station = _county_only(session, "吊销设备")
    known = _known_device(session, device_id)
    if known["device"] == station.device:
        raise PjdeskError("不能吊销本机")
    with session.store.transaction():
        sync_store.revoke_device(session.store, device_id, at=session.now_text(), by=session.operator)
    return Outcome(device_id, {"device": frozenset({device_id})})


def trust_device(session: Session, device_id: str) -> Outcome:
    """County only: trust a known device again (after a revocation made in error)."""
    _county_only(session, "恢复设备")
    known = _known_device(session, device_id)
    with session.store.transaction():
        sync_store.register_device(session.store, known, trusted_at=session.now_text(), trusted_by=session.operator)
    return Outcome(device_id, {"device": frozenset({device_id})})


# --- export ------------------------------------------------------------------------------------------------
def export_bundle(session: Session, out_dir: str | Path, to: str | None = None) -> Path:
    """Write a bundle of every change the receiver has not acknowledged into out_dir; returns its path.

    ``to``: None or "county" (a township's default), a township code (the county's choice), or the id of
    another device of the same township. A county bundle also carries the county's documents (县级下发).
    """
    station = session.require_station()
    receiver = _receiver(session, station, to)
    return _write_export(session, out_dir, receiver, _county_documents(session))


def export_for_townships(session: Session, out_dir: str | Path, codes: Iterable[str] | None = None) -> list[Path]:
    """County only: one bundle per township of the roster (the park included), or per township of ``codes``;
    each carries that township's rows, the county's rows and the county's documents. Returns the paths."""
    _county_only(session, "按乡镇导出")
    chosen = [t.code for t in townships()] if codes is None else [township(c).code for c in codes]
    documents = _county_documents(session)
    return [_write_export(session, out_dir, Receiver(code, None), documents) for code in dict.fromkeys(chosen)]


def _write_export(session: Session, out_dir: str | Path, receiver: Receiver, documents: dict[str, bytes]) -> Path:
    station = session.require_station()
    key = device_key(session)
    store = session.store
    rows = sync_store.iter_unacknowledged(store, sync_store.acks_of(store, receiver.peer),
                                          _townships_for(station, receiver),
                                          skip_devices=[receiver.device] if receiver.device else [])
    sent = _Sent()

    def members():
        """The change rows, one member per origin device, written as the log is read; then the attachments'
        files, the file of each live one among the rows, once per file (see export_files); then the county's
        documents."""
        for device, group in itertools.groupby(rows, key=operator.itemgetter("device")):
            yield f"{CHANGES_DIR}{device}.jsonl", sent.lines(device, group)
        yield from export_files(session, sent.attachments).items()
        yield from documents.items()

    bundle_id = new_id()

    def manifest() -> dict:
        """Once the rows are written: what it says of them is known then."""
        return {
            "bundle": bundle_id,
            "created_at": session.now_text(),
            # The sender's clock: orders its bundles exactly (a county document replaces one only from a later bundle).
            "stamp": store.clock.now(),
            "app": "pjdesk",
            "app_version": __version__,  # which pjdesk wrote it: named when an older one cannot read its format
            "sender": {"station": station.code, "station_name": station.name, "role": station.role,
                       "device": station.device, "device_name": station.device_name, "operator": session.operator},
            "receiver": {"station": receiver.station, "device": receiver.device},
            "period": {"from": sent.first, "to": sent.last},
            "counts": {"changes": sent.count, "kinds": dict(sent.kinds)},
            "ranges": sent.ranges,
            "acks": sync_store.held(store),
            # Rows of other devices relayed by this one (the laptop's, through the station PC): whose they are, so
            # that a receiver that has not met them yet knows their station and key (see _relayed_devices).
            "devices": [_registration(d) for d in (sync_store.device(store, device) for device in sorted(sent.ranges))
                        if d is not None and d["device"] != station.device],
        }

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        stamp = session.now().strftime("%Y%m%d-%H%M%S")
        name = f"pjdesk-{station.code}-{station.device}-to-{receiver.peer}-{stamp}-{bundle_id[-6:]}.pjz"
        return write_bundle(out / name, manifest, members(), key)
    except OSError as e:
        raise PjdeskError(f"导出失败：无法写入 {out}（{os_reason(e)}）。请检查 U 盘或文件夹后重试。") from e


@dataclass
class _Sent:
    """What an export's manifest says of its change rows, counted as they are written (never listed)."""

    count: int = 0
    kinds: Counter = field(default_factory=Counter)
    ranges: dict[str, dict] = field(default_factory=dict)  # device → first, last and count of its dseq
    first: str | None = None  # the earliest and latest stamps
    last: str | None = None
    attachments: list[dict] = field(default_factory=list)  # the attachment rows, for their files

    def lines(self, device: str, rows: Iterable[dict], batch: int = 1000) -> Iterator[bytes]:
        """One device's rows as JSON Lines, ``batch`` rows a piece, each counted."""
        span = self.ranges.setdefault(device, {"first": None, "last": None, "count": 0})
        pending = []
        for row in rows:
            self.count += 1
            self.kinds[row["kind"]] += 1
            span["first"] = span["first"] or row["dseq"]
            span["last"] = row["dseq"]
            span["count"] += 1
            self.first = row["hlc"] if self.first is None else min(self.first, row["hlc"])
            self.last = row["hlc"] if self.last is None else max(self.last, row["hlc"])
            if row["kind"] == ATTACHMENT.name:
                self.attachments.append({"kind": row["kind"], "record_id": row["record_id"]})
            pending.append(row)
            if len(pending) >= batch:
                yield encode_changes(pending)
                pending = []
        if pending:
            yield encode_changes(pending)


def _county_documents(session: Session) -> dict[str, bytes]:
    """The county's documents as bundle members; a township sends none."""
    if not session.require_station().is_county:
        return {}
    return {county_member(name): encode_document(data) for name, data in county_payloads(session).items()}


def _receiver(session: Session, station: Station, to: str | None) -> Receiver:
    to = (to or "").strip()
    if not to or to == "county" or to == COUNTY_CODE:
        if station.is_county and not to:
            raise PjdeskError("县级导出须指定接收的乡镇：--to 乡镇代码")
        return Receiver(COUNTY_CODE, None)
    if to.isdigit() and len(to) in (6, 9):  # device ids are 10 hex digits: never taken for a code
        code = township(to).code
        if not station.is_county and code != station.code:
            raise PjdeskError(f"乡镇只能向县级或本乡镇的其他设备导出，不能发给 {station_name(code)}（{code}）")
        return Receiver(code, None)
    known = sync_store.device(session.store, to)
    if known is None:
        raise PjdeskError(f"未知的设备“{to}”：请先导入一次该设备的文件，或用 --to county / 乡镇代码")
    if not station.is_county and known["station"] not in (station.code, COUNTY_CODE):
        raise PjdeskError(f"设备“{known['name']}”属于 {_station_name(known['station'])}，乡镇只能发给本乡镇的设备或县级")
    return Receiver(known["station"], known["device"])


def _townships_for(station: Station, receiver: Receiver) -> list[str] | None:
    """A township's key may carry only its own rows; the county sends a township its rows and the county's."""
    if not station.is_county:
        return [station.code]
    if receiver.station == COUNTY_CODE:
        return None
    return [receiver.station, COUNTY_CODE]


# --- import ------------------------------------------------------------------------------------------------
def import_bundles(session: Session, paths, trust_new: bool = False, *,
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> list[ImportResult]:
    """Import each file on its own: one refused file does not stop the others.

    The files of one call commit together, each in a savepoint of its own (a refused file rolls back alone),
    after one backup of the station as it was before the first file that passed every check was written. The
    backup is copied in the background from a snapshot taken at that moment (a read transaction of its own:
    WAL keeps it the state before the batch), and the batch commits only once the copy is whole: every commit
    of an import has a backup from just before it. With a full backup of today to stand on, the copy is an
    increment (what changed since it, see backups.start_backup): a county of five years writes a day's changes,
    not its whole file. A backup that fails refuses the whole batch, unwritten.

    ``progress(i, n)`` is called before each file and at the end; ``cancelled()`` is asked between files,
    and a cancel leaves the files not yet reached out of the results (those read commit).
    """
    paths = [Path(p) for p in paths]
    device_key(session)  # this device's own registration, once for the batch
    batch = contextlib.ExitStack()
    backup: list = []

    def before_write() -> None:
        """The batch's backup and transaction, from the first file about to be written."""
        if not backup:
            backup.append(start_backup(session, "before-import"))
        if not session.store.db.conn.in_transaction:
            batch.enter_context(session.store.page_cache(IMPORT_CACHE_KIB))
            if max(map(_file_size, paths), default=0) <= JOURNALS_IN_MEMORY_BYTES:
                batch.enter_context(sync_store.journals_in_memory(session.store))
            batch.enter_context(session.store.write_back_after())  # the WAL into the file after the commit
            batch.enter_context(session.store.transaction())

    results: list[ImportResult] = []
    with collector_paused():
        try:
            with batch:
                for i, path in enumerate(paths):
                    if cancelled and cancelled():
                        break
                    if progress:
                        progress(i, len(paths))
                    results.append(_import_one(session, path, trust_new, before_write))
                if backup:
                    finish_backup(backup.pop())  # whole before anything it guards commits
        except PjdeskError as e:
            # The backup or the commit failed: nothing of the batch was written.
            results = [ImportResult(r.path, REFUSED, f"已拒绝：{e}") if r.status == ACCEPTED else r for r in results]
        finally:
            if backup:
                backup.pop().discard()
    if progress:
        progress(len(results), len(paths))
    return results


# SQLite's page cache while a batch is written (the default is 2 MiB): the records go into tables of a dozen
# indexes each, every index written in the order of its own column; in a county of five years the default
# cache spills and re-reads their pages all along the batch, and writes them to the WAL again and again
# (25 townships' files into a county of five years, journals in memory: 1.3 GB written with 64 MiB, 1.0 GB
# with 128 MiB, and about 0.3 s less).
IMPORT_CACHE_KIB = 128 * 1024
# The largest file whose savepoint's copies of the pages it changes are kept in memory (journals_in_memory):
# about 7,000 changes, some 130 MB in a county of five years (18 KB a change there); a township's month is
# 2,000–5,000 changes, 100–350 KB. A larger file's copies go to temporary files, as before.
JOURNALS_IN_MEMORY_BYTES = 512 * 1024


def _file_size(path: Path) -> int:
    """A file's size; one that cannot be read counts as large (it is refused with its own words later)."""
    try:
        return path.stat().st_size
    except OSError:
        return JOURNALS_IN_MEMORY_BYTES + 1

EXCHANGE_FOLDER_KEY = "exchange_folder"
# What helps with a file that is not as its sender signed it: a fresh copy of it, or a fresh export.
SEND_AGAIN = "请从发送方重新复制这个文件；仍不行时，请发送方重新导出"


def exchange_folder(session: Session) -> Path:
    """The folder last used for exchange files (a USB stick, a mail download folder), else the home folder."""
    saved = session.store.setting(EXCHANGE_FOLDER_KEY)
    return Path(saved) if saved and Path(saved).is_dir() else Path.home()


def set_exchange_folder(session: Session, folder: str | Path) -> None:
    session.store.set_settings({EXCHANGE_FOLDER_KEY: str(folder)})


def import_bundle(session: Session, path: Path, trust_new: bool = False) -> ImportResult:
    """One file, as ``import_bundles`` imports it (its own backup first, then its own commit)."""
    return import_bundles(session, [path], trust_new)[0]


def _import_one(session: Session, path: Path, trust_new: bool, before_write: Callable[[], None]) -> ImportResult:
    try:
        return _import(session, path, trust_new, before_write)
    except UnknownDevice as e:
        return ImportResult(path, REFUSED, f"已拒绝：{e}", unknown=e.device)
    except BundleDamaged as e:
        return ImportResult(path, REFUSED, f"已拒绝：{e}。{SEND_AGAIN}")
    except PjdeskError as e:
        return ImportResult(path, REFUSED, f"已拒绝：{e}")


def _import(session: Session, path: Path, trust_new: bool, before_write: Callable[[], None]) -> ImportResult:
    station = session.require_station()
    store = session.store
    bundle = open_bundle(path)
    try:
        sender = bundle.claimed_sender()
        public, newcomer = _sender_key(session, station, sender, trust_new)
        bundle.check_signature(public)
        contents = bundle.read_contents()
        scan = _scan_changes(session, sender, bundle)
        _check_receiver(station, bundle.receiver)
        _check_clock(session, bundle, scan.latest)
        relayed = _relayed_devices(session, sender, bundle.manifest, scan.devices)
        _check_authority(session, sender, scan, contents)
        check_documents(contents.county)
        acks = _acks(bundle.manifest)
        previous = sync_store.imported(store, bundle.bundle_id)
        if previous:
            return ImportResult(path, DUPLICATE, f"已于 {previous['imported_at']} 导入过，本次未做任何改动")
        ranges = bundle.manifest.get("ranges") or {}
        gaps = _gaps(sync_store.held_of(store, ranges if isinstance(ranges, dict) else {}), ranges)
        created_at = bundle.manifest.get("created_at") if isinstance(bundle.manifest.get("created_at"), str) else None
        before_write()
        with store.transaction():
            if newcomer:
                sync_store.register_device(store, newcomer, trusted_at=session.now_text(), trusted_by=session.operator)
            for device in relayed:
                sync_store.register_device(store, device, trusted_at=session.now_text(),
                                           trusted_by=f"经设备“{_device_name(sender)}”转交")
            # Read again, a chunk at a time (unless it was one chunk, kept): a refusal at any chunk rolls back
            # what the ones before it wrote.
            applied = sync_store.apply_chunks(store, bundle.changes() if scan.rows is None else [scan.rows],
                                              logged=scan.logged)
            kept = keep_documents(session, contents.county, stamp=bundle.stamp or "", made_at=created_at,
                                  received_at=session.now_text())
            sync_store.record_acks(store, {sender["station"], sender["device"]}, acks)
            sync_store.record_import(store, bundle.bundle_id, sender=sender, file_name=path.name, at=session.now_text(),
                                     by=session.operator, changes=scan.count, new_changes=applied.new_changes,
                                     created_at=created_at, gaps=gaps)
            # Last before the commit: each live attachment it brings needs its file (附件缺失 refuses the bundle);
            # the files are written whole now, so no committed record names a missing one (see receive_files).
            receive_files(session, applied.changed, contents.attachments)
    finally:
        bundle.close()
    message = f"已导入：来自 {_station_name(sender['station'])}（设备“{_device_name(sender)}”），" \
              f"{applied.new_changes} 条新变更（共 {scan.count} 条）"
    if applied.conflicts:
        message += f"；{applied.conflicts} 处冲突待确认"
    if gaps:
        message += "；尚缺 " + "、".join(f"设备 {d} 的第 {a}–{b} 条" for d, (a, b) in gaps.items()) + "，请让对方重新导出"
    if newcomer:
        message += f"；已接受新设备，密钥指纹 {newcomer['fingerprint']}"
    waiting = held_back_note(session)
    if waiting:
        message += f"；{waiting}"
    message += number_clash_note(session, applied.changed.get("hazard"))  # two devices gave one number: say so
    message += kept_note(kept)
    changed = {k: frozenset(v) for k, v in {**applied.changed, **kept}.items() if v}
    return ImportResult(path, ACCEPTED, message, (newcomer["fingerprint"],) if newcomer else (), changed,
                        applied.conflicts)


def _sender_key(session: Session, station: Station, sender: dict, trust_new: bool) -> tuple[bytes, dict | None]:
    """The sender's public key as trusted here, or (with trust_new) the bundle's own, to be registered."""
    known = sync_store.device(session.store, sender["device"])
    who = f"{_station_name(sender['station'])}（{sender['station'][:20]}），设备“{_device_name(sender)}”"
    if known is not None:
        if known["revoked_at"]:
            raise BundleRefused(f"{who} 已于 {known['revoked_at']} 被吊销，不再接受其数据")
        if (known["station"], known["role"]) != (sender["station"], sender["role"]):
            raise BundleRefused(f"{who} 已登记为 {_station_name(known['station'])} 的设备，与文件所写站点不符")
        return public_key_bytes(known["public_key"]), None
    _check_sender_station(station, sender)
    public = public_key_bytes(sender["public_key"])
    shown = fingerprint(public)
    if not trust_new:
        raise UnknownDevice(f"来自未登记的设备：{who}，密钥指纹 {shown}。请电话核对指纹后用 --trust-new 接受",
                            {"station": sender["station"], "station_name": _station_name(sender["station"]),
                             "device": sender["device"], "device_name": sender.get("device_name") or sender["device"],
                             "fingerprint": shown})
    newcomer = {"device": sender["device"], "station": sender["station"], "role": sender["role"],
                "name": sender.get("device_name"), "public_key": sender["public_key"], "fingerprint": shown}
    return public, newcomer


def _check_sender_station(station: Station, sender: dict) -> None:
    code, role = sender["station"], sender["role"]
    if role not in (TOWNSHIP, COUNTY) or (role == COUNTY) != (code == COUNTY_CODE):
        raise BundleRefused(f"发送站点不正确：{code}（{role}）")
    if role == TOWNSHIP:
        township(code)  # a code not in the roster is refused with its own message
        if not station.is_county and code != station.code:
            raise BundleRefused(f"此文件来自 {_station_name(code)}（{code}），本站只接受县级和本乡镇设备的文件")


def _check_receiver(station: Station, receiver: dict) -> None:
    if receiver["station"] != station.code or receiver.get("device") not in (None, station.device):
        meant = _station_name(receiver["station"])
        if receiver.get("device"):
            meant += f" 的设备 {receiver['device']}"
        raise BundleRefused(f"此文件是发给 {meant} 的，不是发给本站（{station.label}）的")


# A stamp further ahead of this PC's clock than this is a wrong clock (or a forgery), never a real time.
CLOCK_SLACK_MS = 24 * 3600 * 1000


@dataclass
class _Scan:
    """What the checks before anything is written need of a bundle's change rows, gathered in one pass as they
    are read a chunk at a time (a large bundle is never held whole): of the rows only each new record's first
    claim is kept, and the first row each check refuses, so that the checks refuse what they did on a list."""

    count: int = 0
    latest: str = ""  # stamps are fixed-width text that orders as time does: the latest is the greatest
    devices: dict[str, dict[str, None]] = field(default_factory=dict)  # device → townships its rows write
    clash: tuple[tuple[str, str], tuple[str, str], str] | None = None  # held, claimed, record
    foreign: dict | None = None  # the first row a township's key may not write
    rows: list[dict] | None = None  # the rows of a bundle that came in one chunk: not decoded again to write
    logged: set[str] = field(default_factory=set)  # the records this station holds changes of already


def _scan_changes(session: Session, sender: dict, bundle: Bundle) -> _Scan:
    """Every change row read and checked once, before anything is written (``Bundle.changes``), and what the
    checks need of them. Ownership is read from what this station already holds (the record's first change
    here), never from what a row says of itself; a record new here is the bundle's first claim on it.

    A bundle whose rows come in one chunk (a township's month) is held whole by then anyway: its rows are kept,
    checked, for the writing pass, which reads them again otherwise."""
    scan = _Scan(rows=[])
    claims: dict[str, tuple[str, str]] = {}
    shared: dict[tuple[str, str], tuple[str, str]] = {}  # one tuple per kind and township, not one per record
    township_key = sender["role"] != COUNTY
    for number, chunk in enumerate(bundle.changes()):
        scan.rows = chunk if number == 0 else None
        scan.count += len(chunk)
        scan.latest = max(scan.latest, max(c["hlc"] for c in chunk))
        owners = sync_store.record_owners(session.store, (c["record_id"] for c in chunk))
        scan.logged.update(owners)
        for change in chunk:
            scan.devices.setdefault(change["device"], {}).setdefault(change["township"])
            claimed = (change["kind"], change["township"])
            claimed = shared.setdefault(claimed, claimed)
            held = owners.get(change["record_id"]) or claims.setdefault(change["record_id"], claimed)
            if held != claimed and scan.clash is None:
                scan.clash = (held, claimed, change["record_id"])
            if township_key and scan.foreign is None and (
                    change["township"] != sender["station"] or change["kind"] in COUNTY_OWNED_KINDS):
                scan.foreign = {k: change[k] for k in ("township", "kind", "record_id")}
    return scan


def _check_clock(session: Session, bundle, latest: str) -> None:
    """Refuse stamps more than a day ahead of this PC's clock: taken in, one would become every later stamp's
    floor here (the HLC never runs backwards), and a year-2286 stamp would win every edit for ever."""
    stamps = [latest, bundle.stamp or ""]
    if not any(stamps):
        return
    latest = parse_stamp(max(stamps))[0]
    here = int(session.clock.time() * 1000)
    if latest <= here + CLOCK_SLACK_MS:
        return
    sender = bundle.sender
    days = (latest - here) // (24 * 3600 * 1000)
    who = f"{_station_name(sender['station'])}的设备“{_device_name(sender)}”"
    raise BundleRefused(
        f"文件中的时间（最晚 {_stamp_time(latest)}）比本机时钟（{session.now():%Y-%m-%d %H:%M}）快 {days} 天以上："
        f"{who}的电脑日期时间设错了。请让对方改正电脑日期时间后重新导出；如果是本机日期不对，请先改正本机日期")


def _relayed_devices(session: Session, sender: dict, manifest: dict, devices: dict[str, dict[str, None]]) -> list[dict]:
    """Check the devices whose rows the sender relays (a laptop's rows through the station PC, a township's
    rows coming back from the county); return those to register here.

    A device speaks for itself, and for a relayed device only what this station already knows counts: a
    device known here must belong to the sender's own station (the county may relay any township's). One not
    known yet is taken on the sender's word only as a device of the sender's own station (again, the county
    may vouch for any township's) — never as another township's, whose device it might be posing as. When the
    real device of that other station later sends its own file, the clash is refused aloud, not lost."""
    own = sender["device"]
    listed = {}
    for entry in manifest.get("devices") or []:
        if isinstance(entry, dict) and isinstance(entry.get("device"), str):
            listed[entry["device"]] = entry
    register = []
    for device_id in sorted(set(devices) - {own}):
        known = sync_store.device(session.store, device_id)
        if known is None:
            entry = listed.get(device_id)
            if entry is None or not _is_registration(entry):
                raise BundleRefused(f"文件含有未登记设备 {device_id} 的数据，且未附该设备的登记信息，整个文件未导入")
            known = {k: entry[k] for k in ("device", "station", "role", "name", "public_key", "fingerprint")}
            register.append(known)
        if sender["role"] != COUNTY and known["station"] != sender["station"]:
            raise BundleRefused(
                f"{_station_name(sender['station'])} 的文件含有{_station_name(known['station'])}设备 {device_id} 的数据："
                "乡镇只能转交本乡镇设备的数据，整个文件未导入")
        if known["role"] == TOWNSHIP:
            for written in devices[device_id]:  # in the order the rows name them: the first wrong one is named
                if written != known["station"]:
                    raise BundleRefused(f"设备 {device_id} 属于{_station_name(known['station'])}，"
                                        f"文件却以它的名义写{_station_name(written)}的数据，整个文件未导入")
    return register


def _registration(device: dict) -> dict:
    return {k: device[k] for k in ("device", "station", "role", "name", "public_key", "fingerprint")}


def _is_registration(entry: dict) -> bool:
    try:
        role, code = entry["role"], entry["station"]
        if role not in (TOWNSHIP, COUNTY) or (role == COUNTY) != (code == COUNTY_CODE):
            return False
        if role == TOWNSHIP:
            township(code)
        return (isinstance(entry.get("name"), (str, type(None)))
                and fingerprint(public_key_bytes(entry["public_key"])) == entry["fingerprint"])
    except (KeyError, TypeError, ValueError, PjdeskError):
        return False


def _check_authority(session: Session, sender: dict, scan: _Scan, contents: Contents) -> None:
    """A township's key writes only that township's rows; county-owned data comes only from the county; and
    no key moves a record to another township or kind (as ``_scan_changes`` found them)."""
    if scan.clash:
        held, claimed, record_id = scan.clash
        label = _kind_label(held[0])
        written = (f"另一类记录（{_kind_label(claimed[0])}）" if held[1] == claimed[1]
                   else f"{_station_name(claimed[1])}的数据")
        raise BundleRefused(
            f"文件试图改动{_station_name(held[1])}的{label}记录 {record_id}（文件中写作{written}）："
            "记录的归属不能通过数据交换改变，整个文件未导入")
    if sender["role"] == COUNTY:
        return
    if contents.county:
        members = "、".join(county_member(name) for name in sorted(contents.county))
        raise BundleRefused(f"{_station_name(sender['station'])} 的文件含有只能由县级下发的数据（{members}），"
                            "乡镇不能发送县级名册、目标任务或排名")
    change = scan.foreign
    if change and change["township"] != sender["station"]:
        raise BundleRefused(f"{_station_name(sender['station'])} 的文件含有其他站点"
                            f"（{_station_name(change['township'])}）的记录 {change['record_id']}，"
                            "乡镇只能写本乡镇的数据，整个文件未导入")
    if change:
        raise BundleRefused(f"{_station_name(sender['station'])} 的文件含有只能由县级下发的数据（{change['kind']}）")


def _acks(manifest: dict) -> dict[str, int]:
    acks = manifest.get("acks") or {}
    if not isinstance(acks, dict) or not all(isinstance(k, str) and isinstance(v, int) for k, v in acks.items()):
        raise BundleRefused("清单（manifest.json）的确认记录（acks）格式错误")
    return acks


def _gaps(held: dict[str, int], ranges: dict) -> dict[str, tuple[int, int]]:
    """Changes the bundle starts after, that this station never received (a skipped file of a relay):
    per device, the first and last missing sequence number."""
    gaps = {}
    for device, span in sorted(ranges.items()):
        first = span.get("first") if isinstance(span, dict) else None
        if isinstance(first, int) and first > held.get(device, 0) + 1:
            gaps[device] = (held.get(device, 0) + 1, first - 1)
    return gaps


# --- conflicts ---------------------------------------------------------------------------------------------
def list_conflicts(session: Session) -> list[dict]:
    """冲突待确认: each concurrent edit of one field, both values with device, operator and time."""
    station = session.require_station()
    names = {d["device"]: d["name"] for d in sync_store.devices(session.store)}
    out = []
    for c in sync_store.open_conflicts(session.store, station.code):
        kind = KINDS.get(c["kind"])
        record = session.store.get(kind, c["record_id"]) if kind else None
        out.append({
            "id": c["id"], "kind": c["kind"], "kind_label": kind.label if kind else c["kind"],
            "record_id": c["record_id"], "title": (record or {}).get(kind.title_field) if kind else None,
            "field": c["field"], "field_label": _field_label(kind, c["field"]),
            "current": (record or {}).get(c["field"]),
            **{f"{side}_{what}": c[f"{side}_{what}"] for side in "ab" for what in ("value", "device", "operator")},
            **{f"{side}_device_name": names.get(c[f"{side}_device"], c[f"{side}_device"]) for side in "ab"},
            **{f"{side}_time": _stamp_time(c[f"{side}_hlc"]) for side in "ab"},
        })
    return out


def resolve_conflict(session: Session, conflict_id: int, choice: str) -> Outcome:
    """Keep value a or b. Written as an ordinary edit, so the choice travels to the other stations too."""
    if choice not in ("a", "b"):
        raise PjdeskError("请选择保留哪一个值（a 或 b）")
    c = sync_store.conflict(session.store, conflict_id)
    if c is None or c["resolved_at"]:
        raise PjdeskError("此冲突不存在或已处理")
    kind = KINDS[c["kind"]]
    with session.store.transaction():
        session.store.update(kind, c["record_id"], {c["field"]: c[f"{choice}_value"]}, operator=session.operator)
        sync_store.mark_resolved(session.store, conflict_id, chosen=choice, at=session.now_text(), by=session.operator)
    return Outcome(c["record_id"], {kind.name: frozenset({c["record_id"]})})


# --- helpers -----------------------------------------------------------------------------------------------
def _own_device(station: Station, key: DeviceKey) -> dict:
    return {"device": station.device, "station": station.code, "role": station.role, "name": station.device_name,
            "public_key": key.public_b64, "fingerprint": key.fingerprint}


def _known_device(session: Session, device_id: str) -> dict:
    known = sync_store.device(session.store, device_id)
    if known is None:
        raise PjdeskError(f"未知的设备“{device_id}”")
    return known


def _county_only(session: Session, action: str) -> Station:
    station = session.require_station()
    if not station.is_county:
        raise PjdeskError(f"{action}只能在县级站点操作")
    return station


def _station_name(code: str) -> str:
    try:
        return station_name(code)
    except PjdeskError:
        return f"“{str(code)[:20]}”"  # a file's own words: clipped, and shown as quoted


def _device_name(sender: dict) -> str:
    return str(sender.get("device_name") or sender["device"])[:30]


def _kind_label(name: str) -> str:
    kind = KINDS.get(name)
    return kind.label if kind else f"“{str(name)[:20]}”"


def _field_label(kind, name: str) -> str:
    try:
        return kind.field(name).label if kind else name
    except KeyError:
        return name


def _stamp_time(stamp: str | int) -> str:
    ms = parse_stamp(stamp)[0] if isinstance(stamp, str) else stamp
    try:
        return dt.datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return f"{ms // (365 * 24 * 3600 * 1000) + 1970} 年"


def held_back(session: Session) -> dict[str, int]:
    """Records received but not written yet, per kind label: each waits for a record it refers to (a hazard
    for its unit) that the sending station has not sent yet."""
    counts = sync_store.held_back_counts(session.store)
    return {(KINDS[k].label if k in KINDS else k): n for k, n in counts.items()}


def held_back_note(session: Session) -> str:
    """One line for the import summary, or "" when nothing waits."""
    waiting = sync_store.held_back_counts(session.store)
    if not waiting:
        return ""
    waits = sync_store.held_back_waits(session.store)
    parts = []
    for kind_name, n in waiting.items():
        refs = sorted(_kind_label(k) for k in waits.get(kind_name, ()))
        parts.append(f"{_kind_label(kind_name)} {n} 条" + (f"（等待所属{'、'.join(refs)}）" if refs else ""))
    return "暂缓写入 " + "、".join(parts) + "：所引用的记录尚未收到，请让对方重新导出完整数据"

