"""Attachment files and the queries on attachment records.

A file is kept once, by the SHA-256 of its content, in the data folder: ``attachments/ab/abcdef…`` (the first two
hex digits as a folder, so that no folder grows past a few thousand files). A name is never trusted: the content
is hashed when it is written and again whenever it is read, and only 64 lower-case hex digits ever become a path,
so a value received from another station cannot point outside the folder. A file is written to a temporary name,
flushed to the disk and renamed: a power cut leaves the whole file or none. Files are never removed: a removed
attachment is a soft-deleted record, and another record (or another station's history) may share the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.core.kinds import KINDS

from .database import Store, plain_errors

FOLDER = "attachments"
SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK = 500
TABLE = KINDS["attachment"].table


class FileProblem(PjdeskError):
    """A stored file is missing or its content no longer matches its SHA-256; ``state`` says which."""

    MISSING, DAMAGED = "缺失", "已损坏"

    def __init__(self, sha256: str, state: str):
        super().__init__(f"附件文件{state}（{sha256[:12]}…）")
        self.sha256 = sha256
        self.state = state


def is_sha256(value) -> bool:
    return isinstance(value, str) and SHA256.fullmatch(value) is not None


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class AttachmentFiles:
    """The files of one data folder, by SHA-256."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path_of(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise PjdeskError(f"附件校验值格式错误：“{str(sha256)[:70]}”")
        return self.folder / sha256[:2] / sha256

    def holds(self, sha256: str) -> bool:
        """Whether the file is here and whole (its content hashed again, not only its name looked up)."""
        try:
            self.read(sha256)
        except FileProblem:
            return False
        return True

    def read(self, sha256: str) -> bytes:
        """The file's content, checked against its SHA-256; FileProblem when it is missing or damaged."""
        path = self.path_of(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError as e:
            raise FileProblem(sha256, FileProblem.MISSING) from e
        except IsADirectoryError as e:
            raise FileProblem(sha256, FileProblem.DAMAGED) from e
        except OSError as e:
            raise PjdeskError(f"读取附件文件失败：{os_reason(e)}。请检查数据目录所在的磁盘后重试。") from e
        if digest(data) != sha256:
            raise FileProblem(sha256, FileProblem.DAMAGED)
        return data

    def write(self, sha256: str, data: bytes) -> bool:
        """Keep ``data`` under its SHA-256, which must be ``sha256``. Returns whether a file was written (False: a
        whole copy was there already). A damaged copy is replaced. Raises PjdeskError for a full or read-only disk.
        """
        if digest(data) != sha256:
            raise PjdeskError(f"附件内容与校验值不符（{str(sha256)[:12]}…），未保存")
        path = self.path_of(sha256)
        if self.holds(sha256):
            return False
        with plain_errors("保存附件"):
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{sha256[:12]}-", suffix=".part", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            _sync_folder(path.parent)
        return True


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no handle on a folder to flush, and needs none."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def files_of(store: Store) -> AttachmentFiles:
    """The attachment files beside a station's database."""
    if store.path is None:
        raise PjdeskError("数据文件不在磁盘上，不能保存附件")
    return AttachmentFiles(store.path.parent / FOLDER)


# --- queries -----------------------------------------------------------------------------------------------
def of_record(store: Store, record_kind: str, record_id: str, township: str) -> list[dict]:
    """The live attachments of a record, oldest first. Only those of the record's own township count: a row
    another station wrote naming this record is not shown with it."""
    return store._rows(
        f"SELECT * FROM {TABLE} WHERE record_id = ? AND record_kind = ? AND township = ? AND deleted = 0"
        " ORDER BY created_at, rowid", [record_id, record_kind, township])


def of_records(store: Store, record_kind: str, record_ids: Iterable[str]) -> dict[str, list[dict]]:
    """The live attachments of many records of one kind (each record's own township's only), by record id."""
    kind = KINDS[record_kind]
    ids = list(dict.fromkeys(record_ids))
    out: dict[str, list[dict]] = {i: [] for i in ids}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for row in store._rows(
                f"SELECT a.* FROM {TABLE} a JOIN {kind.table} r ON r.id = a.record_id AND r.township = a.township"
                f" WHERE a.record_kind = ? AND a.deleted = 0 AND a.record_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY a.created_at, a.rowid", [record_kind, *chunk]):
            out[row["record_id"]].append(row)
    return out


def live_among(store: Store, attachment_ids: Iterable[str]) -> list[dict]:
    """Which of these attachment records are live (not deleted), with their file's SHA-256 and name."""
    ids = sorted(set(attachment_ids))
    rows = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows += store._rows(f"SELECT id, township, record_kind, record_id, sha256, name, bytes FROM {TABLE}"
                            f" WHERE deleted = 0 AND id IN ({','.join('?' * len(chunk))}) ORDER BY rowid", chunk)
    return rows


def numbered(store: Store, kind_name: str, field: str, value: str, township: str | None) -> list[str]:
    """The live records of a kind whose assigned number ``field`` is ``value`` (in the township, if given): the
    records an officer may mean by a number, which two devices may have given twice."""
    kind = KINDS[kind_name]
    if field not in kind.assigned:
        raise KeyError(field)
    sql = f"SELECT id FROM {kind.table} WHERE {field} = ? AND deleted = 0"
    params = [value]
    if township:
        sql += " AND township = ?"
        params.append(township)
    return [r[0] for r in store.db.execute(sql + " ORDER BY rowid", params)]
