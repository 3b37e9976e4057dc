"""Files that are not what they claim: each is refused with one clear message, never a traceback, a hang or a
crash, and the database is left as it was. A failed export leaves nothing behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest

from pjdesk.services.sync import export_bundle, import_bundles
from pjdesk.sync import load_or_create_key

from .conftest import add_hazard, add_unit, database_content
from .test_bundle_verification import members_of, resign, write_zip


@pytest.fixture
def good(pc, outbox):
    add_hazard(pc, add_unit(pc))
    return export_bundle(pc, outbox)


def refused(county, path) -> str:
    before = database_content(county)
    [result] = import_bundles(county, [path], trust_new=True)
    assert result.status == "refused", result.message
    assert database_content(county) == before
    return result.message


def cli_import(data_dir, *paths, timeout=10):
    return subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(data_dir), "sync", "import",
                           "--trust-new", *map(str, paths)], capture_output=True, text=True, timeout=timeout)


def test_a_member_whose_deflate_stream_is_broken(county, good, tmp_path):
    """zlib's own error (invalid block type, bad distance) is a damaged file, not a traceback."""
    members = members_of(good)
    name = next(n for n in members if n.startswith("changes/"))
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start] = 0xFF  # 0b111: a reserved block type
    bad = tmp_path / "zlib.pjz"
    bad.write_bytes(bytes(raw))
    assert "无法解压" in refused(county, bad)


def test_a_deeply_nested_manifest_is_refused_before_parsing(county, pc, good, tmp_path):
    members = members_of(good)
    nested = resign(members, load_or_create_key(pc.data_dir), lambda m: m.update(x=json.loads("[" * 50 + "]" * 50)))
    assert "嵌套过深" in refused(county, write_zip(tmp_path / "nested.pjz", nested))
    deep = b'{"format": "1.0", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert "嵌套过深" in refused(county, write_zip(tmp_path / "deep.pjz", {**members, "manifest.json": deep}))


def test_a_deeply_nested_change_line_is_refused(county, pc, good, tmp_path):
    members = members_of(good)
    name = next(n for n in members if n.startswith("changes/"))
    line = json.loads(members[name].splitlines()[0])
    line["fields"]["description"] = "x"
    text = json.dumps(line, ensure_ascii=False).replace('"x"', "[" * 5000 + "]" * 5000)
    forged = resign({**members, name: members[name] + text.encode() + b"\n"}, load_or_create_key(pc.data_dir),
                    lambda m: m["counts"].update(changes=m["counts"]["changes"] + 1))
    assert "嵌套过深" in refused(county, write_zip(tmp_path / "nested-line.pjz", forged))


@pytest.mark.parametrize("sender", ["安定镇", 42, ["a"], None])
def test_a_manifest_whose_sender_is_not_an_object(county, good, tmp_path, sender):
    members = members_of(good)
    manifest = json.loads(members["manifest.json"])
    manifest["sender"] = sender
    bad = write_zip(tmp_path / "sender.pjz", {**members, "manifest.json": json.dumps(manifest).encode()})
    assert "sender" in refused(county, bad)


def test_a_well_signed_manifest_with_wrong_types_after_the_signature(county, pc, good, tmp_path):
    """The insider signs a manifest whose structure is wrong: checked once the signature holds, not crashed on."""
    members = members_of(good)
    key = load_or_create_key(pc.data_dir)
    for edit in (lambda m: m.update(receiver="430626"), lambda m: m.update(counts=[1]),
                 lambda m: m["members"].update({next(iter(m["members"])): "abc"}),
                 lambda m: m["receiver"].update(device=5), lambda m: m.update(acks=["x"])):
        bad = write_zip(tmp_path / "types.pjz", resign(members, key, edit, rehash=False))
        assert "已拒绝" in refused(county, bad)


def test_a_link_to_dev_zero_is_not_read(county, tmp_path):
    link = tmp_path / "zero.pjz"
    os.symlink("/dev/zero", link)
    assert "不是普通文件" in refused(county, link)


def test_a_fifo_does_not_hang_the_command(county, tmp_path):
    fifo = tmp_path / "pipe.pjz"
    os.mkfifo(fifo)
    county.close()
    done = cli_import(county.data_dir, fifo)  # a hang would raise TimeoutExpired after 10 s
    assert done.returncode == 1 and "不是普通文件" in done.stderr and "Traceback" not in done.stderr


def test_a_full_disk_during_export_leaves_no_part_file(pc, tmp_path):
    """The export's writes are limited to 2 KB (RLIMIT_FSIZE, as a full disk refuses): the command says so
    and the folder holds no half-written .part."""
    for i in range(30):
        add_hazard(pc, add_unit(pc), f"第{i}处隐患：消防通道堵塞")
    out = tmp_path / "stick"
    out.mkdir()
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from pjdesk.core.errors import PjdeskError
        from pjdesk.services.session import open_session
        from pjdesk.services.sync import export_bundle
        session = open_session({str(pc.data_dir)!r})
        # Once the station file is open: from here on no file may grow past 2 KB, as on a full stick.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
        try:
            export_bundle(session, {str(out)!r})
        except PjdeskError as e:
            print(e, file=sys.stderr)
            sys.exit(1)
    """)
    pc.close()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "导出失败" in done.stderr and "Traceback" not in done.stderr
    assert list(out.iterdir()) == []
