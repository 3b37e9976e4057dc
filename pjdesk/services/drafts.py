"""Drafts of entry dialogs: what was typed survives the program closing before it was saved."""

from __future__ import annotations

import json
import os

from .session import Session


def _path(session: Session, key: str):
    return session.data_dir / "drafts" / f"{key}.json"


def save_draft(session: Session, key: str, values: dict) -> None:
    path = _path(session, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a crash mid-write never leaves half a draft


def load_draft(session: Session, key: str) -> dict | None:
    try:
        return json.loads(_path(session, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def discard_draft(session: Session, key: str) -> None:
    _path(session, key).unlink(missing_ok=True)
