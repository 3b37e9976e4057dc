"""附件: photos and scans attached to a record of any kind, and the files they carry in an exchange.

What a caller may rely on:
- Only JPEG, PNG and PDF are taken, known by their first bytes (never by the file name's extension), each of at
  most 20 MB. Anything else is refused with a message naming the file; a photo over the limit is refused with
  ``TooLarge`` whose ``shrinkable`` is true, so that the screen can offer to shrink it and hand the smaller bytes
  back (this layer has no image library: the desktop program shrinks with Qt).
- The file is stored once by its SHA-256 in the data folder, whole, before its record is written. Attaching the
  same content to the same record again adds nothing (a warning says so).
- A station attaches to and removes from its own township's records only; the county reads every township's.
- ``read_attachment`` returns the bytes only if they still hash to the record's SHA-256.
- Removing is a soft delete with a reason. The file stays: the history, and other records, may share it.
- In an exchange, an export carries the file of every live attachment among the changes it sends; an import
  refuses the whole bundle when a live attachment it brings names a file it neither carries nor has here
  (附件缺失), and writes the files it needs before the records commit (see ``receive_files``).
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pjdesk.core.clock import parse_stamp
from pjdesk.core.errors import PjdeskError, ValidationError, os_reason
from pjdesk.core.kinds import KINDS
from pjdesk.core.records import RecordKind, errors, normalise, validate, vocabulary
from pjdesk.storage import attachments as stored
from pjdesk.storage.attachments import FileProblem, digest, is_sha256
from pjdesk.sync import BundleRefused
from pjdesk.sync.bundle import ATTACHMENTS_DIR, MAX_ATTACHMENT, MAX_TOTAL

from .session import Outcome, Session

__all__ = ["ATTACHMENT", "LABELS", "MAX_BYTES", "NewFile", "TooLarge", "attach", "attach_files", "attachments_of",
           "check_file", "export_files", "find_record", "list_attachments", "may_attach", "read_attachment", "receive_files",
           "remove_attachment"]

ATTACHMENT = KINDS["attachment"]
LABELS = tuple(vocabulary("attachment_label"))  # 整改前, 整改后, 现场, 文书扫描件
MAX_BYTES = MAX_ATTACHMENT  # 20 MB a file: what an exchange file also accepts
JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
HEAD = 1024  # a PDF's header may stand anywhere in its first 1024 bytes
MB = 1 << 20
# What the files of one exchange file may add up to: a receiver refuses a bundle past MAX_TOTAL, and the change
# rows need room too.
FILES_PER_BUNDLE = MAX_TOTAL - (256 << 20)


class TooLarge(PjdeskError):
    """A file over the size limit; ``shrinkable``: it is a photo, which a smaller copy could replace."""

    def __init__(self, message: str, name: str, size: int, mime: str):
        super().__init__(message)
        self.name, self.size, self.mime = name, size, mime
        self.shrinkable = mime in (JPEG, PNG)


@dataclass(frozen=True)
class NewFile:
    """A file checked and read, ready to be attached."""

    name: str
    data: bytes
    mime: str

    @property
    def sha256(self) -> str:
        return digest(self.data)


def kind_of(kind: RecordKind | str) -> RecordKind:
    if isinstance(kind, RecordKind):
        return kind
    for known in KINDS.values():
        if kind in (known.name, known.command):
            return known
    raise PjdeskError(f"没有“{kind}”这类记录")


# --- checking a file ---------------------------------------------------------------------------------------
def file_type(head: bytes) -> str | None:
    """The type of a file from its first bytes: JPEG, PNG or PDF, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if b"%PDF-" in head[:HEAD]:
        return PDF
    return None


def check_file(source: str | Path | bytes, name: str | None = None) -> NewFile:
    """Read a file (a path, or bytes with their ``name``) and check that it may be attached: its type by content,
    its size. A file over the limit is refused before it is read whole."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        shown = _display_name(name or "附件")
        size = len(data)
        head = data[:HEAD]
    else:
        path = Path(source)
        shown = _display_name(name or path.name)
        head, size = _head_and_size(path, shown)
        data = None
    if size == 0:
        raise PjdeskError(f"“{shown}”是空文件（0 字节），不能作为附件")
    mime = file_type(head)
    if mime is None:
        raise PjdeskError(f"“{shown}”不是 JPEG、PNG 或 PDF 文件（按文件内容判断，与扩展名无关），不能作为附件。"
                          f"{_type_hint(head)}")
    if size > MAX_BYTES:
        advice = ("可以缩小照片后再添加：在程序中添加时会提示自动缩小，也可以先用其他软件缩小或降低拍照分辨率"
                  if mime in (JPEG, PNG) else "请降低扫描分辨率，或把扫描件分成几份后再添加")
        raise TooLarge(f"“{shown}”有 {size / MB:.1f} MB，超过附件 {MAX_BYTES // MB} MB 的上限，未添加。{advice}。",
                       shown, size, mime)
    if data is None:
        data = _read_whole(Path(source), shown, size)
    return NewFile(shown, data, mime)


def _display_name(name: str) -> str:
    """The file's own name (no folders), at most 200 characters, keeping its extension."""
    name = Path(str(name).replace("\\", "/")).name.strip() or "附件"
    limit = ATTACHMENT.field("name").max_length
    if len(name) > limit:
        stem, suffix = os.path.splitext(name)
        name = stem[:limit - len(suffix[:20])] + suffix[:20]
    return name


def _head_and_size(path: Path, shown: str) -> tuple[bytes, int]:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise PjdeskError(f"“{shown}”不是普通文件，不能作为附件")
        with open(path, "rb") as fh:
            return fh.read(HEAD), os.fstat(fh.fileno()).st_size
    except FileNotFoundError as e:
        raise PjdeskError(f"找不到文件“{path}”，请检查文件名和所在文件夹") from e
    except PermissionError as e:
        raise PjdeskError(f"没有权限读取“{shown}”，请检查文件权限") from e
    except OSError as e:
        raise PjdeskError(f"无法读取“{shown}”：{os_reason(e)}") from e


def _read_whole(path: Path, shown: str, size: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as e:
        raise PjdeskError(f"无法读取“{shown}”：{os_reason(e)}") from e
    if len(data) > MAX_BYTES:  # it grew since it was measured
        raise TooLarge(f"“{shown}”超过附件 {MAX_BYTES // MB} MB 的上限，未添加。", shown, len(data), file_type(data))
    return data


def _type_hint(head: bytes) -> str:
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "这是苹果手机的 HEIC 照片：请在手机“设置 → 相机 → 格式”中选“兼容性最佳”后重拍，或先转为 JPEG。"
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "Word、Excel 等文档请先另存为 PDF。"
    return "照片请存为 JPEG 或 PNG，扫描件请存为 PDF。"


# --- attaching, listing, reading, removing ----------------------------------------------------------------
def attach(session: Session, kind: RecordKind | str, record_id: str, source: str | Path | bytes,
           name: str | None = None, label: str | None = None) -> Outcome:
    """Attach one file (a path, or bytes with their name) to a record of this station's township."""
    return attach_files(session, kind, record_id, [check_file(source, name)], label)


def attach_files(session: Session, kind: RecordKind | str, record_id: str,
                 files: Sequence[NewFile | str | Path], label: str | None = None) -> Outcome:
    """Attach several files at once: every file is checked first, so one refused file attaches none of them.
    ``Outcome.id`` is the first attachment's id; ``changed["attachment"]`` names each one written."""
    kind = kind_of(kind)
    record = _own_record(session, kind, record_id, "添加附件")
    checked = [f if isinstance(f, NewFile) else check_file(f) for f in files]
    if not checked:
        raise PjdeskError("请选择要添加的文件")
    label = (label or "").strip() or None
    held = {a["sha256"]: a for a in stored.of_record(session.store, kind.name, record["id"], record["township"])}
    rows, warnings = [], []
    for new in checked:
        sha = new.sha256
        if sha in held:
            warnings.append(f"“{new.name}”与已有附件“{held[sha]['name']}”内容相同，未重复添加")
            continue
        values = normalise(ATTACHMENT, {"record_kind": kind.name, "record_id": record["id"], "sha256": sha,
                                        "name": new.name, "label": label, "bytes": len(new.data), "mime": new.mime})
        problems = errors(validate(ATTACHMENT, values, session.today()))
        if problems:
            raise ValidationError(problems)
        held[sha] = values
        rows.append((new, values))
    files_here = stored.files_of(session.store)
    for new, values in rows:  # the files first: a record never names a file that is not here
        files_here.write(values["sha256"], new.data)
    ids: list[str] = []
    if rows:
        station = session.require_station()
        with session.store.transaction():
            ids = session.store.insert_many(ATTACHMENT, [v for _, v in rows], township=station.code,
                                            operator=session.operator)
    changed = {ATTACHMENT.name: frozenset(ids)} if ids else {}
    return Outcome(ids[0] if ids else None, changed, tuple(warnings))


def may_attach(session: Session, kind: RecordKind | str, record_id: str) -> bool:
    """Whether this station may add attachments to (and remove them from) this record: a live record of its own
    township. For a screen to offer the buttons; ``attach`` checks again."""
    try:
        _own_record(session, kind_of(kind), record_id, "添加附件")
    except PjdeskError:
        return False
    return True


def list_attachments(session: Session, kind: RecordKind | str, record_id: str) -> list[dict]:
    """A record's live attachments, oldest first: id, sha256, name, label, bytes, mime, added_at (text), created_by.
    A township sees its own records' only; the county every township's."""
    kind = kind_of(kind)
    record = _visible_record(session, kind, record_id)
    return [_shown(a) for a in stored.of_record(session.store, kind.name, record["id"], record["township"])]


def attachments_of(session: Session, kind: RecordKind | str, record_ids: Iterable[str]) -> dict[str, list[dict]]:
    """For a list of records (already scoped by the caller's query): each record's live attachments as
    ``{"sha256", "name", "label", "bytes"}``, by record id."""
    kind = kind_of(kind)
    found = stored.of_records(session.store, kind.name, record_ids)
    own = _own_township(session)
    return {record_id: [{k: a[k] for k in ("sha256", "name", "label", "bytes")}
                        for a in rows if own is None or a["township"] == own]
            for record_id, rows in found.items()}


def read_attachment(session: Session, attachment_id: str) -> bytes:
    """The attachment's content, only if it still hashes to its record's SHA-256."""
    attachment = _attachment(session, attachment_id)
    try:
        return stored.files_of(session.store).read(attachment["sha256"])
    except FileProblem as e:
        raise PjdeskError(_file_problem(attachment, e.state)) from e


def remove_attachment(session: Session, attachment_id: str, reason: str) -> Outcome:
    """Soft-delete an attachment of this station's township, with a reason (the file stays in the data folder)."""
    reason = (reason or "").strip()
    if not reason:
        raise PjdeskError("删除附件须写明原因（如：拍错了、重复添加）")
    attachment = _attachment(session, attachment_id)
    if attachment["township"] != session.require_station().code:
        raise PjdeskError("这是其他乡镇添加的附件，只能由该乡镇删除")
    with session.store.transaction():
        session.store.delete(ATTACHMENT, attachment_id, reason=reason, operator=session.operator)
    return Outcome(attachment_id, {ATTACHMENT.name: frozenset({attachment_id})})


def find_record(session: Session, kind: RecordKind | str, text: str) -> str:
    """A record's id from what an officer types: its id, or one of the numbers the kind assigns (a hazard's
    number). A township looks among its own records; the county among every township's."""
    kind = kind_of(kind)
    text = (text or "").strip()
    record = session.store.get(kind, text) if text else None
    own = _own_township(session)
    if record is not None and not record["deleted"] and (own is None or record["township"] == own):
        return record["id"]
    for name in kind.assigned:
        found = stored.numbered(session.store, kind.name, name, text, own)
        if len(found) > 1:
            raise PjdeskError(f"有 {len(found)} 条{kind.label}记录的编号都是 {text}（两台设备用了同一个编号字母），"
                              "请改用记录的 ID")
        if found:
            return found[0]
    numbers = "或编号" if kind.assigned else ""
    raise PjdeskError(f"找不到{kind.label}记录“{text}”：请写记录的 ID{numbers}（可用 pjdesk records list {kind.command or kind.name}"
                      " --json 查看）")


# --- exchange ----------------------------------------------------------------------------------------------
def export_files(session: Session, changes: Iterable[Mapping]) -> dict[str, bytes]:
    """The bundle members (``attachments/<sha256>``) for the attachment changes sent: the file of every one of
    those attachments that is live here, once per file. A file the receiver acknowledged is not sent again:
    acknowledging an attachment's change acknowledges its file, since no station takes the one without the
    other. A deleted attachment needs no file anywhere (tombstones win), so none is sent for it."""
    ids = {c["record_id"] for c in changes if c["kind"] == ATTACHMENT.name}
    files_here = stored.files_of(session.store)
    members: dict[str, bytes] = {}
    for attachment in stored.live_among(session.store, ids):
        member = f"{ATTACHMENTS_DIR}{attachment['sha256']}"
        if member in members:
            continue
        try:
            members[member] = files_here.read(attachment["sha256"])
        except FileProblem as e:
            raise PjdeskError(f"导出失败：{_file_problem(attachment, e.state)}") from e
    total = sum(len(data) for data in members.values())
    if total > FILES_PER_BUNDLE:
        raise PjdeskError(f"导出失败：对方尚未收到的附件共 {len(members)} 个、{total / MB:.0f} MB，超过一个交换文件能带的"
                          f" {FILES_PER_BUNDLE // MB} MB。请删除不需要的附件（大照片可删除后缩小重新添加）后再导出")
    return members


def receive_files(session: Session, changed: Mapping[str, Iterable[str]], carried: Mapping[str, bytes]) -> int:
    """Within an import's transaction, after its changes are applied (``changed``: kind name → ids written): every
    attachment among them that is live needs its file, from the bundle (``carried``: SHA-256 → bytes, already checked against their names) or from
    this data folder; one found in neither refuses the whole bundle (附件缺失). The files needed are written
    here, whole, before the transaction commits, so that no committed record ever names a missing file; a
    refused bundle writes none. Returns how many files were written."""
    files_here = stored.files_of(session.store)
    needed: dict[str, dict] = {}
    for attachment in stored.live_among(session.store, changed.get(ATTACHMENT.name, ())):
        sha = attachment["sha256"]
        if not is_sha256(sha):
            raise BundleRefused(f"附件“{_clip(attachment['name'])}”的校验值格式错误，整个文件未导入")
        if sha not in carried and not files_here.holds(sha):
            raise BundleRefused(f"附件缺失：附件“{_clip(attachment['name'])}”（{sha[:12]}…）的文件既未随交换文件附带，"
                                "本机也没有。整个文件未导入，请让对方重新导出")
        needed.setdefault(sha, attachment)
    return sum(files_here.write(sha, carried[sha]) for sha in needed if sha in carried)


# --- helpers -----------------------------------------------------------------------------------------------
def _own_township(session: Session) -> str | None:
    station = session.require_station()
    return None if station.is_county else station.code


def _visible_record(session: Session, kind: RecordKind, record_id: str) -> dict:
    record = session.store.get(kind, record_id) if record_id else None
    if record is None or record["deleted"]:
        raise PjdeskError(f"找不到这条{kind.label}记录，可能已被删除")
    own = _own_township(session)
    if own is not None and record["township"] != own:
        raise PjdeskError(f"这是其他乡镇的{kind.label}记录，本站不能查看其附件")
    return record


def _own_record(session: Session, kind: RecordKind, record_id: str, action: str) -> dict:
    if kind is ATTACHMENT:
        raise PjdeskError("附件本身不能再添加附件")
    record = session.store.get(kind, record_id) if record_id else None
    if record is None or record["deleted"]:
        raise PjdeskError(f"找不到这条{kind.label}记录，可能已被删除")
    if record["township"] != session.require_station().code:
        raise PjdeskError(f"这是其他乡镇的{kind.label}记录，只能由该乡镇{action}")
    return record


def _attachment(session: Session, attachment_id: str) -> dict:
    attachment = session.store.get(ATTACHMENT, attachment_id) if attachment_id else None
    if attachment is None or attachment["deleted"]:
        raise PjdeskError("找不到这个附件，可能已被删除")
    own = _own_township(session)
    if own is not None and attachment["township"] != own:
        raise PjdeskError("这是其他乡镇的附件，本站不能查看")
    return attachment


def _shown(row: Mapping) -> dict:
    shown = {k: row[k] for k in ("id", "sha256", "name", "label", "bytes", "mime", "created_by")}
    return {**shown, "added_at": _stamp_text(row["created_at"])}


def _stamp_text(stamp: str) -> str:
    """When a record was made, from its HLC stamp, as the lists show a time."""
    try:
        return dt.datetime.fromtimestamp(parse_stamp(stamp)[0] / 1000).strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):
        return ""


def _file_problem(attachment: Mapping, state: str) -> str:
    return (f"附件“{_clip(attachment['name'])}”的文件{state}（数据目录 {stored.FOLDER} 文件夹中的 {attachment['sha256'][:12]}…）。"
            "请从备份恢复该文件夹，或删除这个附件后重新添加")


def _clip(name) -> str:
    return str(name or "")[:60]
