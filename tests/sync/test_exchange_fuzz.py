"""Fuzzing the bundle reader (seeded): hundreds of mutated exchange files, each refused with a message, none
read twice, no traceback, no hang, and the county's database unchanged by every one of them.

The genuine bundle is imported first, so a mutation that leaves it intact (a flipped bit in a ZIP field no
check reads) is the same bundle again and changes nothing either. Mutations that an insider signs again with
the real key reach past the signature, into the checks of the manifest's structure and of every change line.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time

import pytest

from pjdesk.services.sync import export_bundle, import_bundle
from pjdesk.sync import load_or_create_key

from .conftest import accept, add_hazard, add_unit, database_content
from .test_bundle_verification import members_of, resign, write_zip

SEED = 20261207
JUNK = [None, True, -1, 0, 2**70, 1.5, "", "x" * 300, "../../etc", [], [1, [2]], {}, {"a": {"b": [None]}},
        "0" * 16 + ".0000.", "\u0000", "🙂"]


@pytest.fixture
def scene(pc, county, outbox):
    unit = add_unit(pc, "平江县安定化工厂")
    for text in ("配电箱未接地", "消防通道堵塞", "灭火器过期"):
        add_hazard(pc, unit, text)
    good = export_bundle(pc, outbox)
    accept(county, good)
    return {"good": good, "members": members_of(good), "key": load_or_create_key(pc.data_dir)}


def byte_mutations(raw: bytes, rng: random.Random, n: int):
    for i in range(n):
        data = bytearray(raw)
        how = i % 4
        if how == 0:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif how == 1:
            data = data[:rng.randrange(len(data))]
        elif how == 2:
            at = rng.randrange(len(data))
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        else:
            at = rng.randrange(len(data))
            del data[at:at + rng.randint(1, 64)]
        yield bytes(data)


def signed_mutations(members: dict, key, rng: random.Random, n: int):
    """What only a holder of the real key can make: re-signed files whose manifest or lines are wrong."""
    change_name = next(m for m in members if m.startswith("changes/"))
    lines = members[change_name].splitlines()
    for i in range(n):
        how = i % 6
        if how == 0:  # a manifest field the reader relies on, of another type
            path = rng.choice([("sender",), ("receiver",), ("receiver", "station"), ("members",), ("counts",),
                               ("counts", "changes"), ("stamp",), ("acks",), ("sender", "device"),
                               ("sender", "station"), ("format",), ("devices",)])
            value = rng.choice(JUNK)

            def edit(m, path=path, value=value):
                target = m
                for part in path[:-1]:
                    target = target[part] if isinstance(target.get(part), dict) else target.setdefault(part, {})
                target[path[-1]] = value
            yield resign(members, key, edit, rehash=False)
        elif how == 1:  # a change line replaced by junk JSON
            line = json.dumps(rng.choice(JUNK)).encode()
            body = b"\n".join([*lines[:1], line, *lines[2:]]) + b"\n"
            yield resign({**members, change_name: body}, key)
        elif how == 2:  # one field of a change line, of another type or value
            row = json.loads(rng.choice(lines))
            row[rng.choice(["id", "device", "dseq", "hlc", "kind", "record_id", "township", "op", "fields"])] = \
                rng.choice(JUNK)
            body = b"\n".join([*lines, json.dumps(row).encode()]) + b"\n"
            yield resign({**members, change_name: body}, key,
                         lambda m: m["counts"].update(changes=m["counts"]["changes"] + 1))
        elif how == 3:  # random bytes as a change file
            body = bytes(rng.randrange(256) for _ in range(rng.randint(1, 400)))
            yield resign({**members, change_name: body}, key)
        elif how == 4:  # a deep structure somewhere in a line
            depth = rng.randint(20, 20000)
            row = json.loads(lines[0])
            text = json.dumps(row).replace('"fields": {', '"fields": {"x": ' + "[" * depth + "]" * depth + ", ", 1)
            yield resign({**members, change_name: text.encode() + b"\n"}, key)
        else:  # a member the manifest does not list, or one it lists missing
            extra = dict(members)
            if rng.random() < 0.5:
                extra[f"attachments/{'0' * 64}"] = b"x"
                yield resign(extra, key, rehash=False)
            else:
                del extra[change_name]
                yield resign(extra, key, rehash=False)


def test_hundreds_of_mutated_bundles_are_all_refused_and_change_nothing(county, scene, tmp_path):
    rng = random.Random(SEED)
    raw = scene["good"].read_bytes()
    files = []
    for i, data in enumerate(byte_mutations(raw, rng, 200)):
        path = tmp_path / f"flip-{i:03d}.pjz"
        path.write_bytes(data)
        files.append(path)
    for i, members in enumerate(signed_mutations(scene["members"], scene["key"], rng, 120)):
        files.append(write_zip(tmp_path / f"signed-{i:03d}.pjz", members))
    before = database_content(county)
    outcomes = {"refused": 0, "duplicate": 0}
    for path in files:
        start = time.monotonic()
        result = import_bundle(county, path, trust_new=True)
        assert time.monotonic() - start < 10, path.name
        assert result.status in outcomes, (path.name, result.message)
        assert result.message.startswith(("已拒绝：", "已于")), (path.name, result.message)
        outcomes[result.status] += 1
    assert database_content(county) == before
    assert sum(outcomes.values()) == len(files) >= 300
    assert outcomes["refused"] >= 250, outcomes  # nearly every mutation breaks a check, not just repeats


def test_the_command_line_refuses_each_on_stderr_and_exits_1(county, scene, tmp_path):
    rng = random.Random(SEED + 1)
    files = []
    for i, data in enumerate(byte_mutations(scene["good"].read_bytes(), rng, 8)):
        path = tmp_path / f"cli-{i}.pjz"
        path.write_bytes(data)
        files.append(path)
    for i, members in enumerate(signed_mutations(scene["members"], scene["key"], rng, 6)):
        files.append(write_zip(tmp_path / f"cli-signed-{i}.pjz", members))
    county.close()
    done = subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(county.data_dir), "sync", "import",
                           "--trust-new", *map(str, files)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "意外错误" not in done.stderr
    refused = [line for line in done.stderr.splitlines() if line.startswith("pjdesk: ")]
    repeated = [line for line in done.stdout.splitlines() if "导入过" in line]
    assert len(refused) + len(repeated) == len(files), (done.stdout, done.stderr)
