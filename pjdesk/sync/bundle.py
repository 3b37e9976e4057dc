"""Writing and reading a bundle (.pjz): a ZIP of manifest.json, manifest.sig, change files, attachments and,
from the county, its documents (county/roster.json, county/targets.json, county/ranking.json).

Reading refuses, with a message naming the cause, anything it cannot fully verify, in this order: the file
(a regular file of a sane size: never a device, a pipe or a link to one), the ZIP itself (not a ZIP,
truncated, unsafe member names, sizes and compression ratios past a sane bound), the manifest's JSON (size
and nesting bounded before it is parsed) and its format version, the Ed25519 signature over the manifest's
exact bytes, and only then the manifest's structure, then every other member against the SHA-256 and size the
manifest declares (none missing, none extra). Any failure to read is the same kind of refusal
(``BundleRefused``), never another exception. Nothing of a bundle is handed on until all of it has passed.

The change rows are never held whole: ``Bundle.changes`` decodes them a chunk at a time from the members'
streams (a county's bundle of 200,000 changes would take some 700 MB as one list), checking each line as it
goes, and hashing the member again as it reads it, so that what is handed on is what was verified; the rows
are counted against the manifest at the end. A reader that writes them does so inside a transaction that a
refusal at any chunk rolls back. The format is unchanged: JSON Lines were always read a line at a time.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import operator
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pjdesk import __version__
from pjdesk.core.clock import format_stamp, parse_stamp
from pjdesk.core.errors import PjdeskError, os_reason

if TYPE_CHECKING:
    from .keys import DeviceKey

FORMAT_VERSION = "1.0"
# The oldest pjdesk that reads this format; a newer major names it in the message to upgrade.
READER_VERSION = "0.1"
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
CHANGES_DIR, ATTACHMENTS_DIR, COUNTY_DIR = "changes/", "attachments/", "county/"
MEMBER_DIRS = (CHANGES_DIR, ATTACHMENTS_DIR, COUNTY_DIR)

MAX_FILE = 2 << 30           # a bundle file
MAX_MEMBERS = 10_000
MAX_MEMBER = 1 << 30         # one member, uncompressed
MAX_ATTACHMENT = 20 << 20    # one attachment (a photo or a scan): what a station lets an officer attach
MAX_TOTAL = 2 << 30          # all members, uncompressed
MAX_MANIFEST = 16 << 20
MAX_RATIO = 100              # JSON Lines deflate about 5–10×; far past that is a zip bomb
MAX_DEPTH = 16               # JSON nesting: a change row is 2 deep, the manifest 3, a county document 5
MAX_LINE = 16 << 20          # one change row: a record's fields, never near this (files travel as attachments)
READ_SIZE = 1 << 20          # a member is read (and hashed) this much at a time
CHUNK_ROWS = 10_000          # change rows decoded and handed on at a time: what a large bundle holds in memory
# What reading a damaged or hostile archive can raise, besides our own refusals: all become one refusal.
READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, KeyError,
               TypeError, AttributeError, IndexError, RecursionError, MemoryError, NotImplementedError,
               UnicodeError, OverflowError)
OPS = ("insert", "update", "delete")
_DRIVE = re.compile(r"^[A-Za-z]:")
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class BundleRefused(PjdeskError):
    """The bundle is refused as a whole; the message names the cause. Nothing of it was written."""


class BundleDamaged(BundleRefused):
    """The file is not as its sender signed it (changed, cut short, a line that is no change): sending it again
    is what helps, not anything at this station."""


# --- writing -----------------------------------------------------------------------------------------------
def encode_changes(rows: Iterable[Mapping]) -> bytes:
    """Change-log rows as compact JSON Lines (``fields`` as an object, not as JSON text in a string)."""
    return b"".join(_json(dict(r)).encode("utf-8") + b"\n" for r in rows)


def encode_document(data) -> bytes:
    """A county document (any JSON-able value) as a member's bytes."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def county_member(name: str) -> str:
    """The member that holds the county document ``name`` (roster, targets, ranking)."""
    return f"{COUNTY_DIR}{name}.json"


Pieces = bytes | Iterable[bytes]


def write_bundle(path: Path, manifest: Mapping | Callable[[], Mapping],
                 members: Mapping[str, Pieces] | Iterable[tuple[str, Pieces]], key: DeviceKey) -> Path:
    """Write a signed bundle. The manifest gets the format, the sender's public key and every member's hash.

    A member may come in pieces (bytes written and hashed as they come: a large export never holds its change
    rows whole), and the members as (name, data) pairs, each taken in turn; ``manifest`` may be a function,
    called once every member is written (what it says of them is counted as they are). The manifest and its
    signature are written last: readers find members by name, in any order, this release and the last alike.

    Written to a temporary name first and renamed: a full disk or a pulled USB stick leaves no half bundle
    that looks like a whole one.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            written: dict[str, dict] = {}
            for name, data in members.items() if isinstance(members, Mapping) else members:
                _check_name(name)
                if name in written:
                    raise ValueError(f"member {name} twice")
                digest, size = hashlib.sha256(), 0
                with zf.open(name, "w") as out:
                    for piece in [data] if isinstance(data, bytes) else data:
                        digest.update(piece)
                        size += len(piece)
                        out.write(piece)
                written[name] = {"sha256": digest.hexdigest(), "size": size}
            manifest = {**(manifest() if callable(manifest) else manifest), "format": FORMAT_VERSION,
                        "requires": READER_VERSION, "members": written}
            manifest["sender"] = {**manifest["sender"], "public_key": key.public_b64, "fingerprint": key.fingerprint}
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
            zf.writestr(MANIFEST, manifest_bytes)
            zf.writestr(SIGNATURE, base64.b64encode(key.sign(manifest_bytes)))
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        # A full disk or a pulled stick: what was begun is removed, so no stray .part waits on the stick.
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
    return path


# --- reading -----------------------------------------------------------------------------------------------
@dataclass
class Contents:
    """A verified bundle's payload besides its change rows (``Bundle.changes``): the county's documents by name
    (roster, targets …) and the attachment files by their SHA-256 (each checked against it when read)."""

    county: dict[str, object]
    attachments: Mapping[str, bytes] = field(default_factory=dict)


class _Attachments(Mapping):
    """A verified bundle's attachment files by SHA-256, each read from the archive only when asked and checked
    against its name again: photos of a large bundle are never all in memory at once."""

    def __init__(self, bundle: Bundle, members: dict[str, str]):
        self._bundle, self._members = bundle, members

    def __getitem__(self, sha: str) -> bytes:
        name = self._members[sha]
        data = self._bundle._member(name, self._bundle.manifest["members"][name]["size"])
        if hashlib.sha256(data).hexdigest() != sha:
            raise BundleDamaged(f"附件 {name} 的名称与内容的 SHA-256 不符")
        return data

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)


@dataclass
class Bundle:
    """A bundle whose ZIP structure and manifest have been read; signature and members not yet checked."""

    name: str
    manifest: dict
    manifest_bytes: bytes
    signature: bytes
    _zip: zipfile.ZipFile
    _verified: bool = False

    @property
    def bundle_id(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()

    @property
    def stamp(self) -> str | None:
        """The sender's clock (HLC) when it made the bundle: orders two bundles of one sender exactly."""
        return self.manifest.get("stamp")

    @property
    def sender(self) -> dict:
        return self.manifest["sender"]

    @property
    def receiver(self) -> dict:
        return self.manifest["receiver"]

    def claimed_sender(self) -> dict:
        """Who the manifest says signed it, read with care: the signature is not checked yet, so nothing else
        of the manifest is trusted. Text fields only; anything else is refused."""
        sender = self.manifest.get("sender")
        if not isinstance(sender, dict):
            raise BundleRefused("清单（manifest.json）缺少或写错了：sender")
        wrong = [f"sender.{k}" for k in ("station", "role", "device", "public_key") if not isinstance(sender.get(k), str)]
        wrong += [f"sender.{k}" for k in ("station_name", "device_name", "operator")
                  if sender.get(k) is not None and not isinstance(sender.get(k), str)]
        if wrong:
            raise BundleRefused(f"清单（manifest.json）缺少或写错了：{'、'.join(wrong)}")
        return sender

    def check_signature(self, public_raw: bytes) -> None:
        """The signature over the manifest's exact bytes; then, and only then, the manifest's structure."""
        from .keys import verify  # here: the signature library is not loaded by what only names the format

        if not verify(public_raw, self.signature, self.manifest_bytes):
            raise BundleRefused("签名无效：清单（manifest.json）不是由发送设备的密钥签署的，文件可能被改动或伪造")
        _check_manifest(self.manifest)

    def read_contents(self) -> Contents:
        """Every member checked against the manifest (read as a stream, hashed as it comes), and the county's
        documents parsed. The change rows are read after, a chunk at a time: ``changes``."""
        declared = self.manifest["members"]
        present = {i.filename for i in self._zip.infolist()} - {MANIFEST, SIGNATURE}
        missing = sorted(set(declared) - present)
        extra = sorted(present - set(declared))
        if missing:
            raise BundleDamaged(f"文件不完整：缺少 {'、'.join(missing)}")
        if extra:
            raise BundleDamaged(f"文件已被改动：多出清单中没有的 {'、'.join(extra)}")
        total = sum(entry["size"] for entry in declared.values())
        if total > MAX_TOTAL:
            raise BundleRefused(f"文件解压后过大（{total} 字节），已拒绝")
        county, attachments = {}, {}
        for name in sorted(declared):
            if name.startswith(COUNTY_DIR):
                data = self._member(name, declared[name]["size"])
                digest = hashlib.sha256(data).hexdigest()
            else:
                digest = self._digest(name, declared[name]["size"])
            if digest != declared[name]["sha256"]:
                raise BundleDamaged(f"文件已被改动：{name} 的校验值不符")
            if name.startswith(ATTACHMENTS_DIR):
                if digest != name[len(ATTACHMENTS_DIR):]:
                    raise BundleDamaged(f"附件 {name} 的名称与内容的 SHA-256 不符")
                attachments[digest] = name
            if name.startswith(COUNTY_DIR):
                county[_document_name(name)] = _decode_document(name, data)
        self._verified = True
        return Contents(county, _Attachments(self, attachments))

    def changes(self, chunk: int | None = None) -> Iterator[list[dict]]:
        """The change rows, ``chunk`` (CHUNK_ROWS) at a time, each line checked as it is decoded; read
        only once ``read_contents`` has verified every member. Each member is hashed again as it is read and
        the rows are counted against the manifest at the end: a reader that writes rows before the last chunk
        writes them in a transaction, which such a refusal rolls back."""
        if not self._verified:
            raise BundleRefused("文件尚未校验，不能读取其中的变更")
        declared, chunk = self.manifest["members"], chunk or CHUNK_ROWS
        rows: list[dict] = []
        count = 0
        for name in sorted(n for n in declared if n.startswith(CHANGES_DIR)):
            for row in self._rows(name, declared[name]):
                rows.append(row)
                if len(rows) >= chunk:
                    count += len(rows)
                    yield rows
                    rows = []
        count += len(rows)
        expected = self.manifest.get("counts", {}).get("changes")
        if expected != count:
            raise BundleDamaged(f"文件不完整：清单写明 {expected} 条变更，实有 {count} 条")
        if rows:
            yield rows

    def _rows(self, name: str, entry: dict) -> Iterator[dict]:
        """One member's change rows, a line at a time from its stream; its size and hash checked at its end."""
        digest, size, number, pending = hashlib.sha256(), 0, 0, b""
        with self._stream(name, entry["size"]) as blocks:
            for block in blocks:
                digest.update(block)
                size += len(block)
                lines = (pending + block).split(b"\n")
                pending = lines.pop()
                yield from _decode_lines(name, number, lines)
                number += len(lines)
                if len(pending) > MAX_LINE:
                    raise BundleDamaged(f"{name} 第 {number + 1} 行过长，不是有效的变更记录")
        if pending:
            number += 1
            yield _decode_change(name, number, pending)
        if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise BundleDamaged(f"文件已被改动：{name} 的校验值不符")

    def _digest(self, name: str, declared_size: int) -> str:
        """A member's SHA-256, read as a stream (never whole), refused if its size is not the one declared."""
        digest = hashlib.sha256()
        with self._stream(name, declared_size) as blocks:
            for block in blocks:
                digest.update(block)
        return digest.hexdigest()

    @contextlib.contextmanager
    def _stream(self, name: str, declared_size: int) -> Iterator[Iterator[bytes]]:
        """A member's bytes in blocks of READ_SIZE; more or fewer than declared is refused, and any failure to
        read (a broken deflate stream, a bad CRC) is the one refusal of a damaged file."""
        info = self._zip.getinfo(name)
        if info.file_size != declared_size:
            raise BundleDamaged(f"文件已被改动：{name} 的大小与清单不符")
        try:
            with self._zip.open(info) as fh:
                yield _blocks(fh, name, declared_size)
        except READ_ERRORS as e:
            raise BundleRefused(f"文件已损坏：{name} 无法解压，请重新导出或重新复制") from e

    def _member(self, name: str, declared_size: int) -> bytes:
        """A small member whole (a county document, one attachment), its size checked."""
        info = self._zip.getinfo(name)
        if info.file_size != declared_size:
            raise BundleDamaged(f"文件已被改动：{name} 的大小与清单不符")
        try:
            with self._zip.open(info) as fh:
                data = fh.read(declared_size + 1)
        except READ_ERRORS as e:
            raise BundleRefused(f"文件已损坏：{name} 无法解压，请重新导出或重新复制") from e
        if len(data) != declared_size:
            raise BundleDamaged(f"文件已被改动：{name} 的大小与清单不符")
        return data

    def close(self) -> None:
        self._zip.close()


def open_bundle(path: Path) -> Bundle:
    """Read a bundle's ZIP structure and manifest, refusing what is unsafe or unreadable.

    The manifest is parsed but not yet trusted: call ``check_signature`` before using more of it than
    ``claimed_sender()``."""
    path = Path(path)
    raw = _read_regular_file(path)
    zf = _open_zip(raw)
    try:
        infos = zf.infolist()
        _check_structure(infos)
        manifest_bytes = _small_member(zf, MANIFEST)
        signature = _small_member(zf, SIGNATURE)
        manifest = _parse_manifest(manifest_bytes)
        try:
            signature = base64.b64decode(signature, validate=True)
        except ValueError as e:
            raise BundleRefused("签名无效：manifest.sig 格式错误") from e
    except BundleRefused:
        zf.close()
        raise
    except READ_ERRORS as e:
        zf.close()
        raise BundleRefused("文件已损坏，无法读取（可能复制时出错），请重新导出或重新复制") from e
    return Bundle(path.name, manifest, manifest_bytes, signature, zf)


def _read_regular_file(path: Path) -> bytes:
    """The file's bytes, if it is a regular file of a sane size. A FIFO would block the program and a device
    (a link to /dev/zero) never ends: neither is opened for reading."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise BundleRefused(f"“{path.name}”不是普通文件，不是 pjdesk 数据交换文件")
        # O_NONBLOCK: should the file be swapped for a pipe between the check and the open, the open returns.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise BundleRefused(f"“{path.name}”不是普通文件，不是 pjdesk 数据交换文件")
            if info.st_size > MAX_FILE:
                raise BundleRefused(f"文件过大（{info.st_size} 字节），不是正常的 pjdesk 数据交换文件")
            raw = fh.read(MAX_FILE + 1)
    except OSError as e:
        raise BundleRefused(f"无法读取文件“{path.name}”：{os_reason(e)}") from e
    if len(raw) > MAX_FILE:
        raise BundleRefused("文件过大，不是正常的 pjdesk 数据交换文件")
    return raw


def _open_zip(raw: bytes) -> zipfile.ZipFile:
    if not raw.startswith(b"PK\x03\x04") and not raw.startswith(b"PK\x05\x06"):
        raise BundleRefused("不是 pjdesk 数据交换文件（不是 ZIP）")
    try:
        return zipfile.ZipFile(io.BytesIO(raw))
    except READ_ERRORS as e:
        # A ZIP's directory is at its end: a file that starts as a ZIP and has none was cut short.
        raise BundleRefused("文件不完整（可能复制时被截断），请重新导出或重新复制") from e


def _check_structure(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise BundleRefused(f"文件内成员过多（{len(infos)} 个），不是正常的 pjdesk 数据交换文件")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise BundleDamaged("文件已被改动：有重名的成员")
    total = 0
    for info in infos:
        _check_name(info.filename)
        if info.file_size > MAX_MEMBER:
            raise BundleRefused(f"{info.filename} 过大（{info.file_size} 字节）")
        if info.filename.startswith(ATTACHMENTS_DIR) and info.file_size > MAX_ATTACHMENT:
            raise BundleRefused(f"附件 {info.filename} 过大（{info.file_size} 字节，上限 {MAX_ATTACHMENT >> 20} MB）")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
            raise BundleRefused(f"{info.filename} 的压缩比异常（疑似压缩炸弹），已拒绝")
        total += info.file_size
    if total > MAX_TOTAL:
        raise BundleRefused(f"文件解压后过大（{total} 字节），已拒绝")
    for required in (MANIFEST, SIGNATURE):
        if required not in names:
            raise BundleRefused(f"不是完整的 pjdesk 数据交换文件：缺少 {required}")


def _check_name(name: str) -> None:
    """Member names stay inside the archive on every system a bundle may be read on."""
    unsafe = (not name or name.startswith(("/", "\\")) or "\\" in name or _DRIVE.match(name) is not None
              or any(part in ("..", ".", "") for part in name.split("/")) or "\x00" in name)
    if unsafe:
        raise BundleRefused(f"文件内路径不安全：“{name}”（绝对路径、..、反斜杠或盘符），已拒绝")
    if name not in (MANIFEST, SIGNATURE) and not name.startswith(MEMBER_DIRS):
        raise BundleDamaged(f"文件已被改动：未知成员 {name}")
    if name.startswith(COUNTY_DIR):
        _document_name(name)


def _small_member(zf: zipfile.ZipFile, name: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > MAX_MANIFEST:
        raise BundleRefused(f"{name} 过大，不是正常的 pjdesk 数据交换文件")
    try:
        with zf.open(info) as fh:
            return fh.read(MAX_MANIFEST + 1)
    except READ_ERRORS as e:
        raise BundleRefused(f"文件已损坏：{name} 无法解压，请重新导出或重新复制") from e


def _parse_manifest(data: bytes) -> dict:
    """The manifest's JSON, its nesting bounded before it is parsed, and its format version."""
    manifest = _load_json(data, "清单（manifest.json）无法读取，文件已损坏或被改动")
    if not isinstance(manifest, dict):
        raise BundleRefused("清单（manifest.json）格式错误")
    _check_format(manifest)
    return manifest


def _check_manifest(manifest: dict) -> None:
    """Every field later steps rely on has the type they expect (run once the signature is known good)."""
    problems = [key for key, kind in (("sender", dict), ("receiver", dict), ("members", dict), ("counts", dict))
                if not isinstance(manifest.get(key), kind)]
    sender = manifest.get("sender") if isinstance(manifest.get("sender"), dict) else {}
    problems += [f"sender.{k}" for k in ("station", "role", "device", "public_key") if not isinstance(sender.get(k), str)]
    receiver = manifest.get("receiver") if isinstance(manifest.get("receiver"), dict) else {}
    if not isinstance(receiver.get("station"), str):
        problems.append("receiver.station")
    if receiver.get("device") is not None and not isinstance(receiver.get("device"), str):
        problems.append("receiver.device")
    members = manifest.get("members") if isinstance(manifest.get("members"), dict) else {}
    for name, entry in members.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
                and isinstance(entry.get("size"), int) and not isinstance(entry.get("size"), bool)
                and 0 <= entry["size"] <= MAX_MEMBER):
            problems.append(f"members.{name}")
    counts = manifest.get("counts") if isinstance(manifest.get("counts"), dict) else {}
    if not isinstance(counts.get("changes", 0), int):
        problems.append("counts.changes")
    for key in ("created_at", "stamp"):
        if manifest.get(key) is not None and not isinstance(manifest.get(key), str):
            problems.append(key)
    for key in ("ranges", "acks", "devices"):
        if manifest.get(key) is not None and not isinstance(manifest.get(key), (dict, list)):
            problems.append(key)
    carries_documents = any(str(name).startswith(COUNTY_DIR) for name in members)
    if ("stamp" in manifest or carries_documents) and not _is_stamp_of(manifest.get("stamp"), sender.get("device")):
        problems.append("stamp")  # county documents replace older ones by it: it must be there, and be the sender's
    if problems:
        raise BundleRefused(f"清单（manifest.json）缺少或写错了：{'、'.join(list(dict.fromkeys(problems))[:5])}")


_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_depth(data: bytes) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH, before the parser recurses into it. Brackets inside strings do
    not count; the exact scan runs only when there are enough brackets for the depth to be possible at all."""
    if data.count(b"{") + data.count(b"[") <= MAX_DEPTH:
        return
    depth = 0
    for token in _JSON_TOKEN.finditer(data):
        mark = token.group()
        if mark in (b"{", b"["):
            depth += 1
            if depth > MAX_DEPTH:
                raise BundleRefused(f"数据嵌套过深（超过 {MAX_DEPTH} 层），不是正常的 pjdesk 数据交换文件")
        elif mark in (b"}", b"]"):
            depth -= 1


def _load_json(data: bytes, message: str):
    _check_depth(data)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise BundleRefused(message) from e


def _is_stamp_of(stamp, device) -> bool:
    """A stamp in the fixed-width form (stamps are compared as text) made by ``device``."""
    try:
        return isinstance(stamp, str) and format_stamp(*parse_stamp(stamp)) == stamp and stamp.endswith(f".{device}")
    except ValueError:
        return False


def _check_format(manifest: dict) -> None:
    version = manifest.get("format")
    try:
        if not isinstance(version, str) or len(version) > 20:
            raise ValueError(version)
        major = int(version.split(".")[0])
    except ValueError as e:
        raise BundleRefused(f"清单（manifest.json）的格式版本“{str(version)[:20]}”无法识别") from e
    if major > int(FORMAT_VERSION.split(".")[0]):
        # The oldest pjdesk that reads it ("requires"), else the one that wrote it: only a version newer than
        # this one is named, never other text of the file's (nor the format's own number, no pjdesk version).
        needed = next((v for v in (manifest.get("requires"), manifest.get("app_version")) if _newer_version(v)), None)
        raise BundleRefused(f"此文件由更新版本的 pjdesk 导出（格式 {version}），本机的 pjdesk 为 {__version__}，"
                            f"读不了这种格式。请升级 pjdesk 至{f' {needed} 或更高版本' if needed else '最新版本'}后再导入")


def _newer_version(text) -> bool:
    if not isinstance(text, str) or not re.fullmatch(r"\d{1,4}(\.\d{1,4}){0,2}", text):
        return False
    return tuple(map(int, text.split("."))) > tuple(map(int, __version__.split(".")))


def _blocks(fh, name: str, declared_size: int) -> Iterator[bytes]:
    size = 0
    while block := fh.read(READ_SIZE):
        size += len(block)
        if size > declared_size:
            break
        yield block
    if size != declared_size:
        raise BundleDamaged(f"文件已被改动：{name} 的大小与清单不符")


def _decode_change(name: str, number: int, line: bytes) -> dict:
    """One line of a changes member: a JSON object, checked (``_check_change``). Its key strings are the
    parser's own, one set a row: a chunk of rows is all that is held at once, so sharing them gains little."""
    if line.count(b"{") + line.count(b"[") > 2:  # a row is an object holding one object (its fields)
        _check_depth(line)
    try:
        row = json.loads(line.decode("utf-8"))  # as written: UTF-8, never guessed from the bytes
        _check_change(row)
        if _SURROGATE.search(line):  # half a pair decodes to text no file or database can hold
            _json(row).encode("utf-8")
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, UnicodeError) as e:
        raise BundleDamaged(f"{name} 第 {number} 行不是有效的变更记录") from e
    return row


def _decode_lines(name: str, before: int, lines: list[bytes]) -> list[dict]:
    """Whole lines of a changes member (numbered from ``before`` + 1), each read as ``_decode_change`` reads it.

    The lines are decoded as one text and each plain one (a row and its fields: two brackets, no surrogate
    escape) is read where it starts in it by json.loads' own parser, a third of the cost of a call per line;
    it must end where its line does (JSON may run on over a newline: a value that does is no row of its own)
    and pass ``_check_change``. Any other line, and one that fails any of this, is read by ``_decode_change``,
    which reads it alone and refuses a bad one by its number."""
    block = b"\n".join(lines)
    try:
        text = block.decode("utf-8")
    except UnicodeError:
        return [_decode_change(name, number, line) for number, line in enumerate(lines, before + 1)]
    escapes = _SURROGATE.search(block) is not None
    rows, at, end, find = [], 0, len(text), text.find
    for number, line in enumerate(lines, before + 1):
        stop = find("\n", at)
        stop = end if stop < 0 else stop
        row = None
        if line.count(b"{") + line.count(b"[") <= 2 and not (escapes and _SURROGATE.search(line)):
            row = _plain_row(text, at, stop)
        rows.append(row if row is not None else _decode_change(name, number, line))
        at = stop + 1
    return rows


_scan = json.JSONDecoder().scan_once  # json.loads' own parser (its defaults): one value from a given place


def _plain_row(text: str, at: int, stop: int) -> dict | None:
    """The change row that is exactly ``text[at:stop]``, checked; None for anything else."""
    try:
        row, after = _scan(text, at)
        if after != stop:
            return None
        _check_change(row)
    except (StopIteration, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    return row


def _document_name(member: str) -> str:
    name = member[len(COUNTY_DIR):]
    if "/" in name or not name.endswith(".json") or name == ".json":
        raise BundleDamaged(f"文件已被改动：未知成员 {member}")
    return name[:-len(".json")]


def _decode_document(name: str, data: bytes):
    return _load_json(data, f"{name} 不是有效的 JSON，文件已损坏")


_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")  # a JSON escape of a UTF-16 surrogate (one of a pair, or half)
_TEXTS = operator.itemgetter("id", "device", "hlc", "kind", "record_id", "township", "op")
_PLAIN = frozenset({str, int, float, bool, type(None)})  # what a stored value may be: text, numbers, empty
_TEXT_ONLY = {str}  # the types of the texts of a row
_NONE_OR_TEXT = frozenset({str, type(None)})  # the types the optional operator and base may have


def _check_change(row: dict) -> None:
    """A change row's shape, each part of the type the log holds. Run on every line of every bundle: the types
    are compared a row at a time (map, set), not a value at a time."""
    if not isinstance(row, dict):
        raise ValueError("row")
    device, dseq, hlc = row["device"], row["dseq"], row["hlc"]
    if set(map(type, _TEXTS(row))) != _TEXT_ONLY or type(dseq) is not int or dseq < 1:
        raise ValueError("types")
    fields = row["fields"]
    if row["id"] != f"{device}:{dseq}" or row["op"] not in OPS or not isinstance(fields, dict):
        raise ValueError("shape")
    if len(hlc) < 22 or parse_stamp(hlc)[2] != device:
        raise ValueError("stamp")
    if not _PLAIN.issuperset(map(type, fields.values())):
        raise ValueError("values")
    if type(row.get("operator")) not in _NONE_OR_TEXT or type(row.get("base")) not in _NONE_OR_TEXT:
        raise ValueError("optional")  # each may be left out
