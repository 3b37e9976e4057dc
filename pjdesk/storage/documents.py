"""Queries of the documents (执法文书) a station issued and of the inspections they come from."""

from __future__ import annotations

from .database import Store


def live_document(store: Store, inspection_id: str, doc_type: str) -> dict | None:
    """The document of this type issued from the inspection and not withdrawn (deleted), the latest first."""
    rows = store._rows("SELECT * FROM document WHERE inspection_id = ? AND doc_type = ? AND deleted = 0"
                       " ORDER BY created_at DESC, rowid DESC LIMIT 1", [inspection_id, doc_type])
    return rows[0] if rows else None


def documents_of(store: Store, inspection_id: str) -> list[dict]:
    """The live documents issued from an inspection, in the order they were issued."""
    return store._rows("SELECT * FROM document WHERE inspection_id = ? AND deleted = 0 ORDER BY created_at, rowid",
                       [inspection_id])


def hazards_of(store: Store, inspection_id: str) -> list[dict]:
    """The live hazards found at an inspection (hazard.inspection_id), by number."""
    return store._rows("SELECT * FROM hazard WHERE inspection_id = ? AND deleted = 0 ORDER BY hazard_no, rowid",
                       [inspection_id])


def reviews_of(store: Store, inspection_id: str, mode: str) -> list[dict]:
    """The live inspections of ``mode`` (整改复查) whose items review hazards found at this inspection, the
    latest last."""
    return store._rows(
        "SELECT * FROM inspection r WHERE r.deleted = 0 AND r.mode = ? AND r.id != ? AND EXISTS ("
        " SELECT 1 FROM inspection_item i JOIN hazard h ON h.id = i.hazard_id"
        " WHERE i.inspection_id = r.id AND i.deleted = 0 AND h.inspection_id = ?)"
        " ORDER BY r.date, r.created_at, r.rowid", [mode, inspection_id, inspection_id])
