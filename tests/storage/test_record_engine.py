"""The record engine: a kind declared with hooks is written, derived, numbered and merged by the generic write
and merge paths, with no code of its own in storage or sync.

The kinds here exist only in these tests (a 台账 of 巡查 rounds, each with its 记录 children, a round referring
to an earlier one it follows up): declared, given tables as a migration would, and registered.
"""

from __future__ import annotations

import pytest

from pjdesk.core.kinds import KINDS
from pjdesk.core.records import DATE, INT, REF, TEXT, Field, RecordKind
from pjdesk.storage import change_codec, open_store, sync_store
from pjdesk.storage.numbering import SCHEMES

TOWNSHIP = "430626101"
META = ("id TEXT PRIMARY KEY, township TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
        " created_by TEXT, updated_by TEXT, deleted INTEGER NOT NULL DEFAULT 0, delete_reason TEXT")


def _round_state(row, children):
    live = [c for c in children.get("toy_check", ()) if not c["deleted"]]
    return {"checks": len(live), "last_check": max((c["date"] for c in live), default=None)}


class RoundNumbers:
    """A numbering scheme: 巡-0001, 巡-0002 … (the engine asks it at creation)."""

    def __init__(self, store, township):
        self.next = 1 + (store.db.execute("SELECT COUNT(*) FROM toy_round").fetchone()[0])

    def assign(self, given, fields):
        number, self.next = f"巡-{self.next:04d}", self.next + 1
        return {"round_no": given.get("round_no") or number}


ROUND = RecordKind(
    "toy_round", "巡查", "toy_round",
    (Field("title", "名称", TEXT, required=True, initials=True), Field("day", "日期", DATE),
     Field("follows", "跟进", REF, ref="toy_round")),
    derived=("title_initials", "title_length", "checks", "last_check"), assigned=("round_no",), title_field="title",
    derive=lambda values: {"title_length": len(values.get("title") or "")},
    numbering="toy_round_no", state=_round_state, state_reads=("day",))
CHECK = RecordKind(
    "toy_check", "巡查记录", "toy_check",
    (Field("round_id", "巡查", REF, ref="toy_round", required=True), Field("date", "日期", DATE),
     Field("score", "得分", INT)),
    title_field="date", parent=("round_id", "toy_round"))


@pytest.fixture
def toy_kinds(monkeypatch):
    # Registered before the kinds they refer to would be, to prove the merge orders kinds by reference.
    monkeypatch.setitem(KINDS, "toy_check", CHECK)
    monkeypatch.setitem(KINDS, "toy_round", ROUND)
    monkeypatch.setitem(SCHEMES, "toy_round_no", RoundNumbers)


def station(path, device):
    store = open_store(path)
    store.db.conn.executescript(f"""
        CREATE TABLE IF NOT EXISTS toy_round ({META}, round_no TEXT, title TEXT NOT NULL, day TEXT,
            follows TEXT REFERENCES toy_round(id), title_initials TEXT, title_length INTEGER, checks INTEGER,
            last_check TEXT);
        CREATE TABLE IF NOT EXISTS toy_check ({META}, round_id TEXT REFERENCES toy_round(id), date TEXT,
            score INTEGER);
    """)
    store.attach_device(device)
    return store


def test_each_kind_comes_after_the_kinds_it_refers_to(toy_kinds):
    order = [k.name for k in sync_store.kind_order()]
    assert set(order) == set(KINDS)
    for kind in KINDS.values():
        for ref in kind.refs():
            if ref.ref != kind.name:
                assert order.index(ref.ref) < order.index(kind.name), (kind.name, ref.ref)
        if kind.parent:
            assert order.index(kind.parent[1]) < order.index(kind.name)


def test_the_write_path_numbers_derives_and_keeps_a_parents_state(toy_kinds, tmp_path):
    store = station(tmp_path / "a.db", "dev000000a")
    with store.transaction():
        first = store.insert(ROUND, {"title": "安定镇春季巡查", "day": "2026-03-01"}, township=TOWNSHIP, operator="张三")
        second = store.insert(ROUND, {"title": "复查", "follows": first}, township=TOWNSHIP, operator="张三")
    row = store.get(ROUND, first)
    assert (row["round_no"], row["title_initials"], row["title_length"], row["checks"]) == ("巡-0001", "adzcjxc", 7, 0)
    assert store.get(ROUND, second)["round_no"] == "巡-0002"
    with store.transaction():
        check = store.insert(CHECK, {"round_id": first, "date": "2026-03-02", "score": 90}, township=TOWNSHIP,
                             operator="张三")
        store.insert(CHECK, {"round_id": first, "date": "2026-03-05"}, township=TOWNSHIP, operator="张三")
    assert (store.get(ROUND, first)["checks"], store.get(ROUND, first)["last_check"]) == (2, "2026-03-05")
    with store.transaction():
        store.delete(CHECK, check, reason="重复", operator="张三")
        store.update(ROUND, first, {"title": "春季巡查"}, operator="张三")
    row = store.get(ROUND, first)
    assert (row["checks"], row["title_length"], row["title_initials"]) == (1, 4, "cjxc")
    store.close()


def test_a_chain_of_references_merges_whole_in_any_order(toy_kinds, tmp_path):
    """A follow-up round refers to an earlier round of the same kind, a check to the follow-up: sent as one
    bundle, or as separate files read in reverse order, nothing that the files can satisfy stays held back."""
    source = station(tmp_path / "source.db", "dev000000s")
    with source.transaction():
        first = source.insert(ROUND, {"title": "春季巡查"}, township=TOWNSHIP, operator="张三")
        follow = source.insert(ROUND, {"title": "复查", "follows": first}, township=TOWNSHIP, operator="张三")
    with source.transaction():
        source.insert(CHECK, {"round_id": follow, "date": "2026-03-09"}, township=TOWNSHIP, operator="张三")
    rows = [change_codec.change(r) for r in source.db.execute(f"SELECT {change_codec.SELECTED} FROM change_log ORDER BY seq")]
    # The changes as a bundle lists them (children first, a follow-up before what it follows) …
    reversed_rows = list(reversed(rows))
    whole = station(tmp_path / "whole.db", "dev000000w")
    with whole.transaction():
        sync_store.apply_changes(whole, reversed_rows)
    assert sync_store.held_back_counts(whole) == {}
    assert whole.get(ROUND, follow)["checks"] == 1
    # … and one change a file, read in reverse order: each waits only until what it refers to arrives.
    apart = station(tmp_path / "apart.db", "dev000000p")
    for row in reversed_rows:
        with apart.transaction():
            sync_store.apply_changes(apart, [row])
    assert sync_store.held_back_counts(apart) == {}
    for kind, record in ((ROUND, first), (ROUND, follow)):
        assert apart.get(kind, record)["round_no"] == source.get(kind, record)["round_no"]
    assert apart.get(ROUND, follow)["checks"] == whole.get(ROUND, follow)["checks"] == 1
    for s in (source, whole, apart):
        s.close()
