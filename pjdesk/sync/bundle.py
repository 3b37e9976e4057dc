"""Writing and reading a bundle (.pjz): a ZIP of manifest.json, manifest.sig, change files, attachments and,
from the county, its documents (county/roster.json, county/targets.json, county/ranking.json).

Reading refuses, with a message naming the cause, anything it cannot fully verify, in this order: the ZIP
itself (not a ZIP, truncated, unsafe member names, sizes and compression ratios past a sane bound), the
manifest and its format version, the Ed25519 signature over the manifest's exact bytes, then every other
member against the SHA-256 and size the manifest declares (none missing, none extra). Nothing of a bundle
is handed on until all of it has passed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pjdesk.core.clock import format_stamp, parse_stamp
from pjdesk.core.errors import PjdeskError

from .keys import DeviceKey, verify

FORMAT_VERSION = "1.0"
# The oldest pjdesk that reads this format; a newer major names it in the message to upgrade.
READER_VERSION = "0.1"
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
CHANGES_DIR, ATTACHMENTS_DIR, COUNTY_DIR = "changes/", "attachments/", "county/"
MEMBER_DIRS = (CHANGES_DIR, ATTACHMENTS_DIR, COUNTY_DIR)

MAX_FILE = 2 << 30           # a bundle file
MAX_MEMBERS = 10_000
MAX_MEMBER = 1 << 30         # one member, uncompressed
MAX_TOTAL = 2 << 30          # all members, uncompressed
MAX_MANIFEST = 16 << 20
MAX_RATIO = 100              # JSON Lines deflate about 5–10×; far past that is a zip bomb
OPS = ("insert", "update", "delete")
_DRIVE = re.compile(r"^[A-Za-z]:")
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class BundleRefused(PjdeskError):
    """The bundle is refused as a whole; the message names the cause. Nothing of it was written."""


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


def write_bundle(path: Path, manifest: Mapping, members: Mapping[str, bytes], key: DeviceKey) -> Path:
    """Write a signed bundle. The manifest gets the format, the sender's public key and every member's hash.

    Written to a temporary name first and renamed: a full disk or a pulled USB stick leaves no half bundle
    that looks like a whole one.
    """
    for name in members:
        _check_name(name)
    manifest = {
        **manifest, "format": FORMAT_VERSION, "requires": READER_VERSION,
        "members": {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                    for name, data in members.items()},
    }
    manifest["sender"] = {**manifest["sender"], "public_key": key.public_b64, "fingerprint": key.fingerprint}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    signature = base64.b64encode(key.sign(manifest_bytes))
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(MANIFEST, manifest_bytes)
        zf.writestr(SIGNATURE, signature)
        for name, data in members.items():
            zf.writestr(name, data)
    with open(partial, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, path)
    return path


# --- reading -----------------------------------------------------------------------------------------------
@dataclass
class Contents:
    """A verified bundle's payload: its change rows and the county's documents by name (roster, targets …)."""

    changes: list[dict]
    county: dict[str, object]


@dataclass
class Bundle:
    """A bundle whose ZIP structure and manifest have been read; signature and members not yet checked."""

    name: str
    manifest: dict
    manifest_bytes: bytes
    signature: bytes
    _zip: zipfile.ZipFile

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

    def check_signature(self, public_raw: bytes) -> None:
        if not verify(public_raw, self.signature, self.manifest_bytes):
            raise BundleRefused("签名无效：清单（manifest.json）不是由发送设备的密钥签署的，文件可能被改动或伪造")

    def read_contents(self) -> Contents:
        """Every member checked against the manifest, then the change rows, validated line by line, and the
        county's documents, parsed."""
        declared = self.manifest["members"]
        present = {i.filename for i in self._zip.infolist()} - {MANIFEST, SIGNATURE}
        missing = sorted(set(declared) - present)
        extra = sorted(present - set(declared))
        if missing:
            raise BundleRefused(f"文件不完整：缺少 {'、'.join(missing)}")
        if extra:
            raise BundleRefused(f"文件已被改动：多出清单中没有的 {'、'.join(extra)}")
        contents = Contents([], {})
        for name in sorted(declared):
            data = self._member(name, declared[name]["size"])
            if len(data) != declared[name]["size"]:
                raise BundleRefused(f"文件已被改动：{name} 的大小与清单不符")
            if hashlib.sha256(data).hexdigest() != declared[name]["sha256"]:
                raise BundleRefused(f"文件已被改动：{name} 的校验值不符")
            if name.startswith(ATTACHMENTS_DIR) and hashlib.sha256(data).hexdigest() != name[len(ATTACHMENTS_DIR):]:
                raise BundleRefused(f"附件 {name} 的名称与内容的 SHA-256 不符")
            if name.startswith(CHANGES_DIR):
                contents.changes.extend(_decode_changes(name, data))
            if name.startswith(COUNTY_DIR):
                contents.county[_document_name(name)] = _decode_document(name, data)
        expected = self.manifest.get("counts", {}).get("changes")
        if expected != len(contents.changes):
            raise BundleRefused(f"文件不完整：清单写明 {expected} 条变更，实有 {len(contents.changes)} 条")
        return contents

    def _member(self, name: str, declared_size: int) -> bytes:
        info = self._zip.getinfo(name)
        if info.file_size != declared_size:
            raise BundleRefused(f"文件已被改动：{name} 的大小与清单不符")
        try:
            with self._zip.open(info) as fh:
                data = fh.read(declared_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
            raise BundleRefused(f"文件已损坏：{name} 无法解压（{e}）") from e
        return data

    def close(self) -> None:
        self._zip.close()


def open_bundle(path: Path) -> Bundle:
    """Read a bundle's ZIP structure and manifest, refusing what is unsafe or unreadable."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise BundleRefused(f"文件过大（{size} 字节），不是正常的 pjdesk 数据交换文件")
        raw = path.read_bytes()
    except OSError as e:
        raise BundleRefused(f"无法读取文件：{e.strerror or e}") from e
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
    except BaseException:
        zf.close()
        raise
    return Bundle(path.name, manifest, manifest_bytes, signature, zf)


def _open_zip(raw: bytes) -> zipfile.ZipFile:
    if not raw.startswith(b"PK\x03\x04") and not raw.startswith(b"PK\x05\x06"):
        raise BundleRefused("不是 pjdesk 数据交换文件（不是 ZIP）")
    try:
        return zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        # A ZIP's directory is at its end: a file that starts as a ZIP and has none was cut short.
        raise BundleRefused("文件不完整（可能复制时被截断），请重新导出或重新复制") from e


def _check_structure(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise BundleRefused(f"文件内成员过多（{len(infos)} 个），不是正常的 pjdesk 数据交换文件")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise BundleRefused("文件已被改动：有重名的成员")
    total = 0
    for info in infos:
        _check_name(info.filename)
        if info.file_size > MAX_MEMBER:
            raise BundleRefused(f"{info.filename} 过大（{info.file_size} 字节）")
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
        raise BundleRefused(f"文件已被改动：未知成员 {name}")
    if name.startswith(COUNTY_DIR):
        _document_name(name)


def _small_member(zf: zipfile.ZipFile, name: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > MAX_MANIFEST:
        raise BundleRefused(f"{name} 过大，不是正常的 pjdesk 数据交换文件")
    try:
        with zf.open(info) as fh:
            return fh.read(MAX_MANIFEST + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise BundleRefused(f"文件已损坏：{name} 无法解压（{e}）") from e


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise BundleRefused("清单（manifest.json）无法读取，文件已损坏或被改动") from e
    if not isinstance(manifest, dict):
        raise BundleRefused("清单（manifest.json）格式错误")
    _check_format(manifest)
    problems = [key for key, kind in (("sender", dict), ("receiver", dict), ("members", dict), ("counts", dict))
                if not isinstance(manifest.get(key), kind)]
    sender = manifest.get("sender") or {}
    problems += [f"sender.{k}" for k in ("station", "role", "device", "public_key") if not isinstance(sender.get(k), str)]
    if not isinstance((manifest.get("receiver") or {}).get("station"), str):
        problems.append("receiver.station")
    for name, entry in (manifest.get("members") or {}).items():
        if not (isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and isinstance(entry.get("size"), int)):
            problems.append(f"members.{name}")
    carries_documents = any(str(name).startswith(COUNTY_DIR) for name in manifest.get("members") or {})
    if ("stamp" in manifest or carries_documents) and not _is_stamp_of(manifest.get("stamp"), sender.get("device")):
        problems.append("stamp")  # county documents replace older ones by it: it must be there, and be the sender's
    if problems:
        raise BundleRefused(f"清单（manifest.json）缺少或写错了：{'、'.join(problems)}")
    return manifest


def _is_stamp_of(stamp, device) -> bool:
    """A stamp in the fixed-width form (stamps are compared as text) made by ``device``."""
    try:
        return isinstance(stamp, str) and format_stamp(*parse_stamp(stamp)) == stamp and stamp.endswith(f".{device}")
    except ValueError:
        return False


def _check_format(manifest: dict) -> None:
    version = manifest.get("format")
    try:
        major = int(str(version).split(".")[0])
    except ValueError as e:
        raise BundleRefused(f"清单（manifest.json）的格式版本“{version}”无法识别") from e
    if major > int(FORMAT_VERSION.split(".")[0]):
        needed = manifest.get("requires") or f"{major}.0"
        raise BundleRefused(f"此文件由更新版本的 pjdesk 导出（格式 {version}），请升级 pjdesk 至 {needed} 或更高版本")


def _decode_changes(name: str, data: bytes) -> list[dict]:
    rows = []
    for number, line in enumerate(data.splitlines(), 1):
        try:
            row = json.loads(line)
            _check_change(row)
        except (ValueError, TypeError, KeyError) as e:
            raise BundleRefused(f"{name} 第 {number} 行不是有效的变更记录") from e
        rows.append(row)
    return rows


def _document_name(member: str) -> str:
    name = member[len(COUNTY_DIR):]
    if "/" in name or not name.endswith(".json") or name == ".json":
        raise BundleRefused(f"文件已被改动：未知成员 {member}")
    return name[:-len(".json")]


def _decode_document(name: str, data: bytes):
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise BundleRefused(f"{name} 不是有效的 JSON，文件已损坏") from e


def _check_change(row: dict) -> None:
    texts = ("id", "device", "hlc", "kind", "record_id", "township", "op")
    if not all(isinstance(row[k], str) for k in texts) or not isinstance(row["dseq"], int):
        raise ValueError("types")
    if row["id"] != f"{row['device']}:{row['dseq']}" or row["op"] not in OPS or not isinstance(row["fields"], dict):
        raise ValueError("shape")
    if parse_stamp(row["hlc"])[2] != row["device"] or len(row["hlc"]) < 22:
        raise ValueError("stamp")
    if not all(v is None or isinstance(v, (str, int, float)) for v in row["fields"].values()):
        raise ValueError("values")  # stored values are plain: text, numbers, empty
    for optional in ("operator", "base"):
        if row.get(optional) is not None and not isinstance(row[optional], str):
            raise ValueError(optional)
