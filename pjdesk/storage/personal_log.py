"""The log of personal data taken out of pjdesk (an export with 身份证号): who, when, what, how many rows.

Kept on this PC only (never exchanged) and append-only: a trigger of m010 refuses to change or remove a line.
"""

from __future__ import annotations

from .database import Store


def append(store: Store, *, at: str, operator: str | None, what: str, rows: int, target: str | None) -> None:
    with store.db.atomic():
        store.db.execute("INSERT INTO personal_export_log (at, operator, what, rows, target) VALUES (?, ?, ?, ?, ?)",
                         [at, operator, what, rows, target])


def entries(store: Store, limit: int = 500) -> list[dict]:
    """The latest entries first."""
    return store._rows("SELECT at, operator, what, rows, target FROM personal_export_log ORDER BY seq DESC LIMIT ?",
                       [limit])
