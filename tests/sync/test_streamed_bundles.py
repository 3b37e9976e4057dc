"""A bundle's change rows are read as a stream, a chunk at a time, never whole: applied in chunks they end as
applied at once; a refusal at any chunk leaves nothing; and the streaming reader, fed damaged change files
(seeded: truncations, flipped bytes, nesting, lines split and joined), reads exactly what a reader of the
whole file reads, or refuses it."""

from __future__ import annotations

import json
import random
import re
import time

import pytest

from pjdesk.services import hazards
from pjdesk.services.sync import export_bundle, import_bundle
from pjdesk.storage import sync_store
from pjdesk.sync import BundleRefused, load_or_create_key, open_bundle
from pjdesk.sync import bundle as bundle_module
from pjdesk.sync.keys import public_key_bytes

from .conftest import ANDING, COUNTY, accept, add_hazard, add_unit, database_content, records
from .test_bundle_verification import change_member, members_of, resign, write_zip

SEED = 20261214


def logged(session) -> dict[str, list[tuple]]:
    """What an import writes besides the records: the change log, the conflicts, the records held back."""
    db = session.store.db
    return {t: [tuple(r) for r in db.execute(f"SELECT * FROM {t} ORDER BY {order}")]
            for t, order in (("change_log", "device, dseq"), ("sync_conflict", "id"), ("sync_held_back", "record_id"))}


@pytest.fixture
def relayed(pc, laptop, outbox):
    """The station PC's bundle for the county, carrying the laptop's rows too: two devices' members, hazards of
    the other device's units (whichever member comes first, some hazards come before their unit), a hazard
    both edited at once (a conflict), and records edited from both devices (their rows in both members)."""
    pc_units = [add_unit(pc) for _ in range(4)]
    pc_hazards = [add_hazard(pc, pc_units[i % 4], f"第{i}处消防通道堵塞") for i in range(6)]
    accept(laptop, export_bundle(pc, outbox, to=ANDING))
    laptop_units = [add_unit(laptop) for _ in range(3)]
    for i in range(5):
        add_hazard(laptop, pc_units[i % 4], f"外业第{i}处灭火器过期")
    hazards.edit_hazard(laptop, pc_hazards[0], {"measures": "清理通道，限期整改", "resp_person": "刘七"})
    hazards.edit_hazard(pc, pc_hazards[0], {"measures": "转移堆放物品"})  # made without seeing the laptop's
    accept(pc, export_bundle(laptop, outbox, to=pc.station.device))
    for i, unit in enumerate(laptop_units):
        add_hazard(pc, unit, f"复查第{i}处配电箱未接地")
    for hazard in pc_hazards[1:4]:
        hazards.edit_hazard(pc, hazard, {"resp_person": "王五"})
    return export_bundle(pc, outbox)


def test_a_bundle_applied_in_chunks_of_7_ends_as_one_applied_whole(stations, relayed, monkeypatch):
    whole = stations("whole", COUNTY, device_name="县安委办")
    [at_once] = accept(whole, relayed)

    monkeypatch.setattr(bundle_module, "CHUNK_ROWS", 7)
    bundle = open_bundle(relayed)
    bundle.check_signature(public_key_bytes(bundle.claimed_sender()["public_key"]))
    bundle.read_contents()
    chunks = [[(c["device"], c["record_id"]) for c in chunk] for chunk in bundle.changes()]
    bundle.close()
    assert [len(c) for c in chunks[:-1]] == [7] * (len(chunks) - 1) and len(chunks) >= 4
    where = {}
    for number, chunk in enumerate(chunks):
        for _, record_id in chunk:
            where.setdefault(record_id, set()).add(number)
    assert any(len(found) > 1 for found in where.values()), "a record's changes fall in two chunks"
    assert len({device for chunk in chunks for device, _ in chunk}) == 2

    chunked = stations("chunked", COUNTY, device_name="县安委办")
    [in_chunks] = accept(chunked, relayed)
    assert records(chunked) == records(whole)
    assert logged(chunked) == logged(whole)
    assert logged(whole)["sync_conflict"] and not logged(whole)["sync_held_back"]
    assert (in_chunks.conflicts, in_chunks.changed, in_chunks.message) == \
           (at_once.conflicts, at_once.changed, at_once.message)


def test_cut_anywhere_the_changes_end_as_applied_whole(stations, pc, laptop, outbox):
    """Below the bundle: the laptop edits a hazard's measures twice, then the PC edits them without having seen
    either. Folded from a part of its history (the PC's rows and the laptop's first edit) the hazard would show
    a conflict with the laptop's first edit that its whole history does not have: each record is folded once,
    from all its rows, wherever the chunks are cut."""
    unit = add_unit(pc)
    hazard = add_hazard(pc, unit, "仓库超量储存")
    for i in range(4):
        add_hazard(pc, unit, f"第{i}处消防通道堵塞")
    accept(laptop, export_bundle(pc, outbox, to=ANDING))
    for i in range(3):
        add_hazard(laptop, add_unit(laptop), f"外业第{i}处灭火器过期")
    hazards.edit_hazard(laptop, hazard, {"measures": "清理超量成品"})
    hazards.edit_hazard(laptop, hazard, {"measures": "清理超量成品，限期整改"})
    time.sleep(0.005)  # stamps are milliseconds: the PC's edit orders after both of the laptop's
    hazards.edit_hazard(pc, hazard, {"measures": "转移至合格仓库"})
    accept(pc, export_bundle(laptop, outbox, to=pc.station.device))
    rows = sync_store.unacknowledged(pc.store, {}, None)
    rows.sort(key=lambda r: r["device"] != pc.station.device)  # the PC's member first, as in its bundle
    whole = stations("whole", COUNTY, device_name="县安委办")
    with whole.store.transaction():
        sync_store.apply_changes(whole.store, rows)
    assert len(logged(whole)["sync_conflict"]) == 1

    chance = random.Random(SEED)
    cuttings = [list(range(0, len(rows), 7))] + [sorted({0, *chance.sample(range(1, len(rows)), 3)}) for _ in range(5)]
    for number, starts in enumerate(cuttings):
        chunks = [rows[a:b] for a, b in zip(starts, [*starts[1:], len(rows)], strict=True)]
        cut = stations(f"cut-{number}", COUNTY, device_name="县安委办")
        with cut.store.transaction():
            sync_store.apply_chunks(cut.store, chunks)
        assert records(cut) == records(whole), starts
        assert logged(cut) == logged(whole), starts


def test_the_rows_come_a_chunk_at_a_time(relayed, monkeypatch):
    monkeypatch.setattr(bundle_module, "CHUNK_ROWS", 4)
    bundle = open_bundle(relayed)
    bundle.check_signature(public_key_bytes(bundle.claimed_sender()["public_key"]))
    with pytest.raises(BundleRefused, match="尚未校验"):
        next(bundle.changes())  # nothing of the rows before every member has passed
    bundle.read_contents()
    sizes = [len(chunk) for chunk in bundle.changes()]
    assert max(sizes) == 4 and sum(sizes) == bundle.manifest["counts"]["changes"]
    bundle.close()


def test_a_refusal_at_a_later_chunk_of_the_writing_pass_leaves_nothing(county, relayed, monkeypatch):
    """The rows are written a chunk at a time inside the import's transaction: should the second reading
    fail after some chunks were written (the member no longer the one hashed), all of it is rolled back."""
    monkeypatch.setattr(bundle_module, "CHUNK_ROWS", 5)
    reads = []
    real = bundle_module.Bundle.changes

    def changed_on_the_second_reading(self, chunk=None):
        reads.append(1)
        for number, rows in enumerate(real(self, chunk)):
            if len(reads) == 2 and number == 3:
                raise BundleRefused("文件已被改动：changes/x.jsonl 的校验值不符")
            yield rows

    monkeypatch.setattr(bundle_module.Bundle, "changes", changed_on_the_second_reading)
    before = database_content(county)
    result = import_bundle(county, relayed, trust_new=True)
    assert result.status == "refused" and "校验值不符" in result.message
    assert len(reads) == 2
    assert database_content(county) == before


def test_a_line_longer_than_any_change_is_refused_without_reading_on(county, pc, relayed, tmp_path, monkeypatch):
    monkeypatch.setattr(bundle_module, "MAX_LINE", 300)
    monkeypatch.setattr(bundle_module, "READ_SIZE", 64)
    members = members_of(relayed)
    name = change_member(members)
    long_line = b'{"id":"' + b"x" * 2000 + b'"}\n'
    path = write_zip(tmp_path / "long.pjz", resign({**members, name: long_line + members[name]},
                                                   load_or_create_key(pc.data_dir)))
    before = database_content(county)
    result = import_bundle(county, path, trust_new=True)
    assert result.status == "refused" and f"{name} 第 1 行过长" in result.message
    assert database_content(county) == before


# --- the seeded fuzz of the streaming reader ------------------------------------------------------------------
def damaged(body: bytes, rng: random.Random) -> bytes:
    """The change file cut, flipped, nested, split or joined somewhere."""
    data = bytearray(body)
    how = rng.randrange(8)
    at = rng.randrange(len(data) + 1)
    if how == 0:  # cut anywhere: mid-line, or (a line's end) at a boundary
        cuts = [m.end() for m in re.finditer(b"\n", body)]
        return bytes(data[:rng.choice(cuts) if cuts and rng.random() < 0.3 else at])
    if how == 1:
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    if how == 2:  # nesting, shallow or far past the bound
        depth = rng.choice([1, 3, 15, 17, 40, 5000])
        data[at:at] = b"[" * depth + b"]" * depth if rng.random() < 0.5 else b'{"a":' * depth + b"1" + b"}" * depth
        return bytes(data)
    if how == 3:  # a line split in two, or an empty line
        data[at:at] = rng.choice([b"\n", b"\r\n", b"\n\n", b"\r"])
        return bytes(data)
    if how == 4:  # two lines joined
        ends = [m.start() for m in re.finditer(b"\n", body)]
        if ends:
            del data[rng.choice(ends)]
        return bytes(data)
    if how == 5:  # a line repeated, or one left out
        lines = body.split(b"\n")
        i = rng.randrange(max(len(lines) - 1, 1))
        lines[i:i + 1] = [lines[i]] * rng.choice([0, 2])
        return b"\n".join(lines)
    if how == 6:  # the last newline gone, or junk after it
        return body.rstrip(b"\n") if rng.random() < 0.5 else body + bytes(rng.randrange(256) for _ in range(9))
    data[at:at] = "\u00e9\ud7ff".encode("utf-8", "surrogatepass")[: rng.randint(1, 5)]  # broken UTF-8
    return bytes(data)


def read_whole(name: str, data: bytes) -> list[dict]:
    """The reference: the whole member in memory, split into lines at once, each line read as the stream
    reads it (BundleRefused for a bad one)."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [bundle_module._decode_change(name, number, line) for number, line in enumerate(lines, 1)]


def read_streamed(path) -> list[dict]:
    bundle = open_bundle(path)
    try:
        bundle.check_signature(public_key_bytes(bundle.claimed_sender()["public_key"]))
        bundle.read_contents()
        return [row for chunk in bundle.changes() for row in chunk]
    finally:
        bundle.close()


def fuzz_cases(relayed, key, tmp_path, rng: random.Random, n: int):
    members = members_of(relayed)
    names = sorted(m for m in members if m.startswith("changes/"))
    for i in range(n):
        name = rng.choice(names)
        body = damaged(members[name], rng)
        lines = body.split(b"\n")
        lines = lines[:-1] if lines[-1] == b"" else lines
        counted = sum(len(members[m].splitlines()) for m in names if m != name) + len(lines)
        # Half the cases declare the rows there now, so that the lines' own checks are reached, not the count.
        declare = (lambda m, c=counted: m["counts"].update(changes=c)) if i % 2 else (lambda m: None)
        signed = resign({**members, name: body}, key, declare)
        expected = json.loads(signed["manifest.json"])["counts"]["changes"]
        yield write_zip(tmp_path / f"stream-{i:03d}.pjz", signed), {m: signed[m] for m in names}, expected


def test_the_streaming_reader_reads_what_a_whole_reader_reads_or_refuses(pc, relayed, tmp_path, monkeypatch):
    rng = random.Random(SEED)
    outcomes = {"read": 0, "refused": 0}
    for path, bodies, expected in fuzz_cases(relayed, load_or_create_key(pc.data_dir), tmp_path, rng, 240):
        # Blocks of a few bytes and chunks of a few rows: every line crosses blocks, every member chunks.
        monkeypatch.setattr(bundle_module, "READ_SIZE", rng.choice([1, 7, 64, 1000, 1 << 20]))
        monkeypatch.setattr(bundle_module, "CHUNK_ROWS", rng.choice([1, 3, 7, 5000]))
        try:
            reference = [row for name in sorted(bodies) for row in read_whole(name, bodies[name])]
            if len(reference) != expected:
                raise BundleRefused("count")
        except BundleRefused:
            reference = None
        try:
            streamed = read_streamed(path)
        except BundleRefused as e:
            assert reference is None, (path.name, str(e))
            assert re.search("[\u4e00-\u9fff]", str(e)), str(e)
            outcomes["refused"] += 1
            continue
        assert streamed == reference, path.name
        outcomes["read"] += 1
    assert outcomes["refused"] >= 120 and outcomes["read"] >= 20, outcomes


def test_a_damaged_change_file_is_refused_and_changes_nothing(county, pc, relayed, tmp_path, monkeypatch):
    """Through the import: what the stream refuses, the county refuses whole, its database unchanged."""
    monkeypatch.setattr(bundle_module, "CHUNK_ROWS", 3)
    monkeypatch.setattr(bundle_module, "READ_SIZE", 50)
    rng = random.Random(SEED + 1)
    refused = 0
    for path, _, _ in fuzz_cases(relayed, load_or_create_key(pc.data_dir), tmp_path, rng, 40):
        before = database_content(county)
        result = import_bundle(county, path, trust_new=True)
        assert result.status in ("accepted", "refused", "duplicate"), result.message  # a case made twice
        if result.status == "refused":
            assert result.message.startswith("已拒绝：")
            assert database_content(county) == before, (path.name, result.message)
            refused += 1
    assert refused >= 20


# --- writing -----------------------------------------------------------------------------------------------
def test_an_export_writes_its_manifest_last_and_a_file_with_it_first_still_reads(stations, relayed, tmp_path):
    """An export writes the rows as the log is read and counts them meanwhile, so its manifest comes last; the
    previous release wrote it first. Readers find members by name: both layouts import alike."""
    members = members_of(relayed)
    assert list(members)[-2:] == ["manifest.json", "manifest.sig"]
    manifest = json.loads(members["manifest.json"])
    rows = [json.loads(line) for name in members if name.startswith("changes/") for line in members[name].splitlines()]
    assert manifest["counts"]["changes"] == len(rows)
    for device, span in manifest["ranges"].items():
        mine = [r["dseq"] for r in rows if r["device"] == device]
        assert span == {"first": mine[0], "last": mine[-1], "count": len(mine)}
    assert manifest["period"] == {"from": min(r["hlc"] for r in rows), "to": max(r["hlc"] for r in rows)}

    first = {n: members[n] for n in ("manifest.json", "manifest.sig")} | members
    old_layout = write_zip(tmp_path / "manifest-first.pjz", first)
    new, old = stations("new", COUNTY, device_name="县安委办"), stations("old", COUNTY, device_name="县安委办")
    accept(new, relayed)
    accept(old, old_layout)
    assert records(old) == records(new) and logged(old) == logged(new)


def test_a_member_written_in_pieces_is_the_member_written_whole(pc, tmp_path):
    key = load_or_create_key(pc.data_dir)
    body = b"".join(b'{"n":%d}\n' % i for i in range(3000))
    manifest = {"sender": {"station": ANDING}, "counts": {"changes": 0}}
    whole = bundle_module.write_bundle(tmp_path / "whole.pjz", manifest, {"changes/a.jsonl": body}, key)
    taken = []

    def pieces():
        for start in range(0, len(body), 1000):
            taken.append(start)
            yield body[start:start + 1000]

    def counted() -> dict:
        assert len(taken) == len(range(0, len(body), 1000)), "called once every piece is written"
        return manifest

    streamed = bundle_module.write_bundle(tmp_path / "pieces.pjz", counted, [("changes/a.jsonl", pieces())], key)
    assert members_of(streamed)["changes/a.jsonl"] == members_of(whole)["changes/a.jsonl"] == body
    assert json.loads(members_of(streamed)["manifest.json"])["members"] == \
           json.loads(members_of(whole)["manifest.json"])["members"]


# --- the rows of a block read as one text ---------------------------------------------------------------------
def a_row(dseq: int, **fields) -> dict:
    device = "dev000000a"
    return {"id": f"{device}:{dseq}", "device": device, "dseq": dseq, "hlc": f"{1767225600000 + dseq:016d}.0000.{device}",
            "operator": "张三", "kind": "hazard", "record_id": f"0198a3cc-d53d-7437-9567-1ca0edc4{dseq:04d}",
            "township": ANDING, "op": "insert", "fields": {"description": "消防通道堵塞", "level": "一般", **fields},
            "base": None}


def line_of(row: dict) -> bytes:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()


def read_alone(lines: list[bytes]) -> list[dict] | str:
    """The reference: each line read alone, as a line of a file was always read (or the refusal's words)."""
    try:
        return [bundle_module._decode_change("changes/x.jsonl", n, line) for n, line in enumerate(lines, 101)]
    except BundleRefused as e:
        return f"{type(e).__name__}: {e}"


def read_as_one_text(lines: list[bytes]) -> list[dict] | str:
    try:
        return bundle_module._decode_lines("changes/x.jsonl", 100, lines)
    except BundleRefused as e:
        return f"{type(e).__name__}: {e}"


PLAIN = [line_of(a_row(i)) for i in range(1, 6)]
SPLIT = line_of(a_row(9)).split(b',"dseq"')


@pytest.mark.parametrize("lines", [
    PLAIN,
    # Lines the one text must not read as rows of their own: each is left to the line's own reading.
    [*PLAIN[:2], PLAIN[2] + b"\r", b" " + PLAIN[3], PLAIN[4] + b" "],  # blanks around a row: read, as json.loads does
    [*PLAIN[:2], SPLIT[0] + b",", b'"dseq"' + SPLIT[1], *PLAIN[2:]],  # a row run on over a newline: refused
    [PLAIN[0], PLAIN[1] + PLAIN[2], PLAIN[3]],  # two rows on one line
    [PLAIN[0], PLAIN[1][:-1] + b',"fields":{}}', PLAIN[2]],  # a row ending as another
    [PLAIN[0], b"", PLAIN[1]],  # an empty line
    [PLAIN[0], b"{}", b"[]", PLAIN[1]],
    [PLAIN[0], line_of(a_row(7, note='已整改 {"a": [1]}')), PLAIN[1]],  # brackets in a text: more than two a line
    [PLAIN[0], line_of(a_row(8))[:-2] + b',"x":' + b"[" * 40 + b"]" * 40 + b"}", PLAIN[1]],  # nested too deep
    [PLAIN[0], line_of(a_row(8, note="\U0001f600")).replace("\U0001f600".encode(), rb"\ud83d\ude00"), PLAIN[1]],
    [PLAIN[0], line_of(a_row(8)).replace("张三".encode(), rb"\ud800"), PLAIN[1]],  # half a surrogate pair
    [PLAIN[0], PLAIN[1].replace("张".encode(), "张".encode()[:2]), PLAIN[2]],  # broken UTF-8
    [PLAIN[0], PLAIN[1].replace(b'"dseq":2', b'"dseq":2.0'), PLAIN[2]],  # a row of the wrong shape
    [PLAIN[0], PLAIN[1].replace(b'"base":null', b'"base":1'), PLAIN[2]],
    [PLAIN[0], PLAIN[1].replace(b'"operator":"\xe5\xbc\xa0\xe4\xb8\x89",', b""), PLAIN[2]],  # no operator: allowed
    [],
])
def test_a_block_read_as_one_text_gives_each_lines_own_reading(lines):
    assert read_as_one_text(lines) == read_alone(lines)


def test_plain_rows_are_read_as_one_text_not_a_line_at_a_time(monkeypatch):
    lines = [*PLAIN, PLAIN[0] + b"\r", *PLAIN]
    expected = read_alone(lines)
    alone = []
    real = bundle_module._decode_change
    monkeypatch.setattr(bundle_module, "_decode_change", lambda name, n, line: alone.append(n) or real(name, n, line))
    assert read_as_one_text(lines) == expected
    assert alone == [106], "only the line with a blank is read alone"
