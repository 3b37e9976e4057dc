"""Personal data (a 身份证号, a phone number): masked wherever it leaves the person's own dialog, and every
export of it logged (who, when, what, how many rows) for the office to review."""

from __future__ import annotations

from collections.abc import Iterable

from pjdesk.core.records import RecordKind, masked
from pjdesk.storage import personal_log

from .session import Session


def personal_fields(kind: RecordKind) -> list[str]:
    return [f.name for f in kind.fields if f.personal]


def mask_rows(kind: RecordKind, rows: Iterable[dict]) -> None:
    """Mask in place the personal fields of rows of ``kind`` (what a list, a detail panel or an export shows)."""
    names = personal_fields(kind)
    if not names:
        return
    for row in rows:
        for name in names:
            if name in row:
                row[name] = masked(row[name])


def log_export(session: Session, kind: RecordKind, rows: int, target: str | None, how: str = "导出") -> None:
    """Note an export of records of a kind that holds personal data (nothing for a kind that holds none)."""
    labels = [f.label for f in kind.fields if f.personal]
    if not labels:
        return
    personal_log.append(session.store, at=session.now_text(), operator=session.operator,
                        what=f"{how}{kind.label}（含{'、'.join(labels)}，已隐去部分数字）", rows=rows, target=target)


def export_log(session: Session, limit: int = 500) -> list[dict]:
    """The exports of personal data made on this PC, latest first: at, operator, what, rows, target."""
    return personal_log.entries(session.store, limit)
