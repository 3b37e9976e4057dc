"""附件: photos and scans attached to any record, stored once by SHA-256, checked by content and size."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import subprocess
import sys
import zlib

import pytest

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.hazard import HAZARD
from pjdesk.core.inspection import INSPECTION
from pjdesk.services import hazards
from pjdesk.services.attachments import (
    TooLarge,
    attach,
    attach_files,
    attachments_of,
    find_record,
    list_attachments,
    read_attachment,
    remove_attachment,
)
from pjdesk.services.records import save_record

SEED = 20261129


def jpeg_like(n=3000, seed=SEED) -> bytes:
    """Bytes that begin and end as a JPEG does (the service judges a file by its first bytes)."""
    return b"\xff\xd8\xff\xe0" + random.Random(seed).randbytes(n) + b"\xff\xd9"


def png_bytes(width=3, height=2) -> bytes:
    """A real PNG, made with the standard library."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def pdf_bytes(text="整改通知书扫描件") -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, text.encode("ascii", "replace").decode())
    canvas.save()
    return out.getvalue()


def stored_path(session, data: bytes):
    sha = hashlib.sha256(data).hexdigest()
    return session.data_dir / "attachments" / sha[:2] / sha


def attachment_rows(session):
    return [dict(zip(("name", "label", "deleted", "delete_reason"), r, strict=True)) for r in session.store.db.execute(
        "SELECT name, label, deleted, delete_reason FROM attachment ORDER BY rowid")]


@pytest.fixture
def hazard(session, unit):
    return hazards.record_hazard(session, {"unit_id": unit, "description": "消防通道堵塞"}).id


def test_a_photo_is_attached_listed_read_and_removed_with_a_reason(session, hazard, tmp_path):
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(jpeg_like())
    outcome = attach(session, "hazards", hazard, photo, label="整改前")
    assert outcome.changed == {"attachment": frozenset({outcome.id})}
    [shown] = list_attachments(session, "hazard", hazard)
    assert (shown["name"], shown["label"], shown["bytes"], shown["mime"], shown["created_by"]) == \
        ("IMG_0001.jpg", "整改前", len(photo.read_bytes()), "image/jpeg", "张三")
    assert shown["sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert stored_path(session, photo.read_bytes()).read_bytes() == photo.read_bytes()
    assert read_attachment(session, outcome.id) == photo.read_bytes()

    with pytest.raises(PjdeskError, match="须写明原因"):
        remove_attachment(session, outcome.id, "  ")
    remove_attachment(session, outcome.id, "拍错了")
    assert list_attachments(session, "hazard", hazard) == []
    assert attachment_rows(session) == [{"name": "IMG_0001.jpg", "label": "整改前", "deleted": 1,
                                         "delete_reason": "拍错了"}]
    ops = [r[0] for r in session.store.db.execute("SELECT op FROM change_log WHERE kind = 'attachment' ORDER BY hlc")]
    assert ops == ["insert", "delete"]
    with pytest.raises(PjdeskError, match="找不到这个附件"):
        read_attachment(session, outcome.id)
    assert stored_path(session, photo.read_bytes()).exists(), "the file stays: the history still names it"


def test_a_png_and_a_pdf_go_by_their_content_not_their_names(session, unit):
    png = attach(session, "units", unit, png_bytes(), name="营业执照.jpg", label="现场")
    pdf = attach(session, "units", unit, pdf_bytes(), name="scan.png", label="文书扫描件")
    mimes = {a["id"]: a["mime"] for a in list_attachments(session, "unit", unit)}
    assert mimes == {png.id: "image/png", pdf.id: "application/pdf"}
    assert read_attachment(session, pdf.id).startswith(b"%PDF-")


def test_a_file_that_is_no_photo_nor_pdf_is_refused_and_nothing_is_written(session, hazard, tmp_path):
    fake = tmp_path / "现场照片.jpg"
    fake.write_text("这不是照片", encoding="utf-8")
    with pytest.raises(PjdeskError, match="“现场照片.jpg”不是 JPEG、PNG 或 PDF 文件（按文件内容判断"):
        attach(session, "hazard", hazard, fake)
    heic = tmp_path / "IMG_1234.HEIC"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)
    with pytest.raises(PjdeskError, match="HEIC"):
        attach(session, "hazard", hazard, heic)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(PjdeskError, match="空文件"):
        attach(session, "hazard", hazard, empty)
    assert attachment_rows(session) == []
    assert not (session.data_dir / "attachments").exists()


def test_a_file_over_20_mb_is_refused_and_a_photo_is_offered_shrinking(session, hazard, tmp_path):
    big_photo = tmp_path / "DSC_9999.jpg"
    big_photo.write_bytes(jpeg_like(21 << 20))
    with pytest.raises(TooLarge) as photo:
        attach(session, "hazard", hazard, big_photo)
    assert photo.value.shrinkable and "超过附件 20 MB 的上限" in str(photo.value) and "缩小照片" in str(photo.value)
    assert "21.0 MB" in str(photo.value)
    big_scan = tmp_path / "scan.pdf"
    big_scan.write_bytes(b"%PDF-1.4\n" + b"0" * (20 << 20))
    with pytest.raises(TooLarge) as scan:
        attach(session, "hazard", hazard, big_scan)
    assert not scan.value.shrinkable and "降低扫描分辨率" in str(scan.value)
    # Exactly 20 MB is still taken.
    attach(session, "hazard", hazard, jpeg_like((20 << 20) - 6), name="limit.jpg")
    assert [r["name"] for r in attachment_rows(session)] == ["limit.jpg"]


def test_one_refused_file_attaches_none_of_several(session, hazard, tmp_path):
    good, bad = tmp_path / "a.jpg", tmp_path / "b.docx"
    good.write_bytes(jpeg_like())
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(PjdeskError, match="“b.docx”.*另存为 PDF"):
        attach_files(session, "hazard", hazard, [good, bad], "现场")
    assert attachment_rows(session) == []


def test_the_same_file_is_stored_once_and_attached_once_to_a_record(session, hazard, unit):
    data = jpeg_like()
    attach(session, "hazard", hazard, data, name="a.jpg")
    again = attach(session, "hazard", hazard, data, name="a-copy.jpg")
    assert again.id is None and again.warnings == ("“a-copy.jpg”与已有附件“a.jpg”内容相同，未重复添加",)
    attach(session, "unit", unit, data, name="a.jpg")
    assert len(attachment_rows(session)) == 2
    assert len(list((session.data_dir / "attachments").rglob("*"))) == 2  # one folder, one file


def test_a_label_outside_the_list_is_refused(session, hazard):
    with pytest.raises(ValidationError, match="类别“整改中”不在可选项中（整改前、整改后、现场、文书扫描件）"):
        attach(session, "hazard", hazard, jpeg_like(), name="a.jpg", label="整改中")
    assert attachment_rows(session) == []


def test_a_damaged_or_missing_file_is_not_read(session, hazard):
    data = jpeg_like()
    outcome = attach(session, "hazard", hazard, data, name="现场.jpg")
    path = stored_path(session, data)
    path.write_bytes(data[:-1] + b"\x00")
    with pytest.raises(PjdeskError, match="附件“现场.jpg”的文件已损坏.*请从备份恢复"):
        read_attachment(session, outcome.id)
    path.unlink()
    with pytest.raises(PjdeskError, match="附件“现场.jpg”的文件缺失"):
        read_attachment(session, outcome.id)
    # Attaching the same content again to another record mends the file.
    attach(session, "unit", session.store.get(HAZARD, hazard)["unit_id"], data, name="again.jpg")
    assert read_attachment(session, outcome.id) == data


def test_a_deleted_record_takes_no_attachment(session, unit):
    inspection = save_record(session, INSPECTION,
                             {"unit_id": unit, "date": "2026-11-10", "mode": "日常巡查",
                              "officers": [{"name": "李明"}]}).id
    hazard_id = hazards.record_hazard(session, {"unit_id": unit, "description": "电线私拉乱接"}).id
    hazards.delete_hazard(session, hazard_id, "重复录入")
    with pytest.raises(PjdeskError, match="找不到这条隐患记录"):
        attach(session, "hazard", hazard_id, jpeg_like(), name="a.jpg")
    attach(session, "inspections", inspection, jpeg_like(), name="检查现场.jpg", label="现场")
    assert [a["name"] for a in list_attachments(session, "inspection", inspection)] == ["检查现场.jpg"]


def test_a_hazard_is_found_by_its_number_or_its_id(session, hazard):
    number = session.store.get(HAZARD, hazard)["hazard_no"]
    assert find_record(session, "hazards", number) == hazard
    assert find_record(session, "hazards", hazard) == hazard
    with pytest.raises(PjdeskError, match="找不到隐患记录“430626101-2026-Z9999”：请写记录的 ID或编号"):
        find_record(session, "hazards", "430626101-2026-Z9999")


def pjdesk(data_dir, *args):
    return subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120)


def test_the_command_line_attaches_files_to_a_hazard_by_its_number(session, hazard, tmp_path):
    photo, scan = tmp_path / "整改前.jpg", tmp_path / "通知书.pdf"
    photo.write_bytes(jpeg_like())
    scan.write_bytes(pdf_bytes())
    number = session.store.get(HAZARD, hazard)["hazard_no"]
    done = pjdesk(session.data_dir, "attach", "hazards", number, str(photo), str(scan), "--label", "整改前")
    assert done.returncode == 0, done.stderr
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == [
        f"已添加附件：整改前.jpg（整改前，{len(jpeg_like()) / (1 << 20):.1f} MB）",
        f"已添加附件：通知书.pdf（整改前，{len(pdf_bytes()) / (1 << 20):.1f} MB）"]
    assert [(a["name"], a["label"]) for a in list_attachments(session, "hazard", hazard)] == [
        ("整改前.jpg", "整改前"), ("通知书.pdf", "整改前")]

    # By id, and a refused file among good ones: one line on stderr, exit 1, nothing attached.
    note = tmp_path / "说明.txt"
    note.write_text("整改说明", encoding="utf-8")
    done = pjdesk(session.data_dir, "attach", "hazards", hazard, str(photo), str(note))
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert "“说明.txt”不是 JPEG、PNG 或 PDF 文件" in done.stderr and "Traceback" not in done.stderr
    assert len(list_attachments(session, "hazard", hazard)) == 2

    done = pjdesk(session.data_dir, "attach", "hazards", "430626101-2026-Z9999", str(photo))
    assert done.returncode == 1 and "找不到隐患记录“430626101-2026-Z9999”" in done.stderr
    assert pjdesk(session.data_dir, "attach", "hazards", number, str(photo), "--label", "其他").returncode == 2


def test_a_list_of_records_gets_each_ones_live_attachments(session, unit, hazard):
    other = hazards.record_hazard(session, {"unit_id": unit, "description": "灭火器过期"}).id
    first = attach(session, "hazard", hazard, jpeg_like(seed=1), name="a.jpg", label="整改前").id
    attach(session, "hazard", hazard, png_bytes(), name="b.png", label="整改后")
    remove_attachment(session, first, "拍错了")
    attach(session, "unit", unit, jpeg_like(seed=1), name="单位.jpg")
    assert attachments_of(session, "hazards", [hazard, other]) == {
        hazard: [{"sha256": hashlib.sha256(png_bytes()).hexdigest(), "name": "b.png", "label": "整改后",
                  "bytes": len(png_bytes())}],
        other: []}
