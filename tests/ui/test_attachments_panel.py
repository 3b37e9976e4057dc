"""The attachments panel, driven offscreen: photos shown upright by their EXIF orientation, a PDF with an icon and
in the preview, a large photo shrunk when the officer agrees, removal with a reason, the county reading."""

from __future__ import annotations

import io
import random
import struct

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QSize, Qt
from PySide6.QtGui import QColor, QImage, QImageReader
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from pjdesk.services import hazards
from pjdesk.services.attachments import attach, list_attachments, read_attachment
from pjdesk.services.sync import export_bundle
from pjdesk.ui.attachments_panel import AttachmentsPanel, PdfPreview, PhotoViewer
from tests.sync.conftest import accept, add_hazard, add_unit

RED, BLUE = QColor(220, 20, 20), QColor(20, 20, 220)


def jpeg_of(image: QImage, quality=92) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    assert image.save(buffer, "JPEG", quality)
    return bytes(buffer.data())


def with_orientation(jpeg: bytes, orientation: int) -> bytes:
    """The JPEG with a minimal EXIF APP1 segment holding one tag, Orientation (0x0112), as a camera writes it."""
    tiff = (b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
            + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0))
    body = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    at = 2
    if jpeg[2:4] == b"\xff\xe0":  # after the JFIF segment, where cameras put it
        at = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:at] + app1 + jpeg[at:]


def red_left_blue_right(width=200, height=100) -> QImage:
    image = QImage(width, height, QImage.Format_RGB32)
    image.fill(BLUE)
    for x in range(width // 2):
        for y in range(height):
            image.setPixelColor(x, y, RED)
    return image


def near(colour: QColor, expected: QColor) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(colour.getRgb()[:3], expected.getRgb()[:3], strict=True))


def pdf_bytes() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "Rectification order, scanned")
    canvas.save()
    return out.getvalue()


@pytest.fixture
def hazard(session, unit):
    return hazards.record_hazard(session, {"unit_id": unit, "description": "配电箱无防护门"}).id


@pytest.fixture
def panel(qtbot, session, hazard):
    made = AttachmentsPanel(session, "hazards")
    qtbot.addWidget(made)
    made.resize(700, 320)
    made.show()
    made.show_record(hazard)
    return made


def pick(monkeypatch, *paths):
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], ""))


def test_a_photo_taken_sideways_is_shown_upright(panel, qtbot, session, hazard, tmp_path, monkeypatch):
    photo = tmp_path / "配电箱.jpg"
    photo.write_bytes(with_orientation(jpeg_of(red_left_blue_right()), 6))  # stored wide, meant tall
    raw = QImageReader(str(photo))
    raw.setAutoTransform(False)
    assert raw.read().size() == QSize(200, 100), "the pixels as stored lie on their side"
    pick(monkeypatch, photo)
    panel.label_box.setCurrentText("整改前")
    assert panel.note.text().startswith("暂无附件")
    with qtbot.waitSignal(panel.changed) as signal:
        qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    [added] = list_attachments(session, "hazard", hazard)
    assert signal.args == [{"attachment": frozenset({added["id"]})}]
    assert (added["name"], added["label"]) == ("配电箱.jpg", "整改前")

    assert panel.list.count() == 1 and panel.list.item(0).text() == "整改前\n配电箱.jpg"
    thumbnail = panel.thumbnail(0)
    assert thumbnail.height() > thumbnail.width(), "orientation 6: turned a quarter clockwise, so tall"
    assert max(thumbnail.width(), thumbnail.height()) <= 112
    # The left of the picture as stored (red) is its top as the camera meant it; the right (blue), its bottom.
    middle = thumbnail.width() // 2
    assert near(thumbnail.pixelColor(middle, 5), RED) and near(thumbnail.pixelColor(middle, thumbnail.height() - 5), BLUE)
    icon = panel.list.item(0).icon().actualSize(QSize(112, 112))
    assert icon.height() > icon.width()

    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.open_button, Qt.LeftButton)
    assert isinstance(panel.viewer, PhotoViewer) and panel.viewer.image.size() == QSize(100, 200)


def test_a_pdf_scan_has_an_icon_and_opens_in_the_preview(panel, qtbot, session, hazard, tmp_path, monkeypatch):
    scan = tmp_path / "指令书扫描件.pdf"
    scan.write_bytes(pdf_bytes())
    pick(monkeypatch, scan)
    panel.label_box.setCurrentText("文书扫描件")
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    assert panel.list.item(0).text() == "文书扫描件\n指令书扫描件.pdf"
    assert panel.thumbnail(0).size() == QSize(112, 112)
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.open_button, Qt.LeftButton)
    preview = panel.viewer
    assert isinstance(preview, PdfPreview) and preview.isVisible()
    qtbot.waitUntil(lambda: preview.document.status() == QPdfDocument.Status.Ready)
    assert preview.document.pageCount() == 1
    assert "Rectification order" in preview.document.getAllText(0).text()


def test_a_wrong_file_is_named_and_the_others_are_added(panel, qtbot, session, hazard, tmp_path, monkeypatch):
    good, bad = tmp_path / "a.jpg", tmp_path / "b.jpg"
    good.write_bytes(jpeg_of(red_left_blue_right()))
    bad.write_text("不是照片", encoding="utf-8")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    pick(monkeypatch, good, bad)
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    assert [a["name"] for a in list_attachments(session, "hazard", hazard)] == ["a.jpg"]
    assert len(warned) == 1 and "“b.jpg”不是 JPEG、PNG 或 PDF 文件" in warned[0]


def big_photo(tmp_path):
    """A photo over 20 MB (noise keeps a JPEG large), taken sideways."""
    # Big enough that every Qt's JPEG encoder writes more than 20 MB of noise (6.8's packs it tighter than 6.11's).
    width, height = 4400, 3300
    noise = random.Random(5).randbytes(width * height * 4)
    image = QImage(noise, width, height, QImage.Format_RGB32).copy()
    path = tmp_path / "DSC_0420.JPG"
    path.write_bytes(with_orientation(jpeg_of(image, 100), 6))
    assert path.stat().st_size > 20 << 20
    return path


def test_a_photo_over_the_limit_is_shrunk_when_the_officer_agrees(panel, qtbot, session, hazard, tmp_path,
                                                                      monkeypatch):
    path = big_photo(tmp_path)
    asked = []

    def answer(parent, title, text, *a):
        asked.append(text)
        return QMessageBox.No if len(asked) == 1 else QMessageBox.Yes
    monkeypatch.setattr(QMessageBox, "question", answer)
    pick(monkeypatch, path)
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)  # declined: nothing added
    assert "超过附件 20 MB 的上限" in asked[0] and "缩小后添加吗" in asked[0]
    assert list_attachments(session, "hazard", hazard) == []
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)  # agreed
    [added] = list_attachments(session, "hazard", hazard)
    assert added["name"] == "DSC_0420.jpg" and added["mime"] == "image/jpeg" and added["bytes"] <= 20 << 20
    stored = tmp_path / "read-back.jpg"
    stored.write_bytes(read_attachment(session, added["id"]))
    shrunk = QImageReader(str(stored))
    shrunk.setAutoTransform(False)
    # The long side brought to 4096 px, and turned upright in its pixels: no orientation tag needed.
    assert shrunk.read().size() == QSize(3072, 4096)
    assert panel.list.count() == 1


def test_an_oversized_scan_is_refused_with_the_reason(panel, qtbot, session, hazard, tmp_path, monkeypatch):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + b"0" * (21 << 20))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("a scan is not offered shrinking"))
    pick(monkeypatch, scan)
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    assert len(warned) == 1 and "超过附件 20 MB 的上限" in warned[0] and "降低扫描分辨率" in warned[0]
    assert list_attachments(session, "hazard", hazard) == []


def test_an_attachment_is_removed_with_a_reason(panel, qtbot, session, hazard, monkeypatch):
    attach(session, "hazard", hazard, jpeg_of(red_left_blue_right()), name="重复.jpg", label="现场")
    panel.refresh()
    assert not panel.remove_button.isEnabled()
    panel.list.setCurrentRow(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("重复添加", True))
    with qtbot.waitSignal(panel.changed):
        qtbot.mouseClick(panel.remove_button, Qt.LeftButton)
    assert panel.list.count() == 0 and list_attachments(session, "hazard", hazard) == []
    row = session.store.db.execute("SELECT deleted, delete_reason FROM attachment").fetchone()
    assert tuple(row) == (1, "重复添加")


def test_the_county_sees_a_townships_photos_but_adds_and_removes_none(qtbot, stations, county, tmp_path):
    pc = stations("pc")
    hazard = add_hazard(pc, add_unit(pc, "平江县安定烟花厂"))
    attach(pc, "hazard", hazard, with_orientation(jpeg_of(red_left_blue_right()), 6), name="仓库.jpg", label="现场")
    outbox = tmp_path / "usb"
    accept(county, export_bundle(pc, outbox))
    panel = AttachmentsPanel(county, "hazard")
    qtbot.addWidget(panel)
    panel.show()
    panel.show_record(hazard)
    assert panel.list.count() == 1 and panel.thumbnail(0).height() > panel.thumbnail(0).width()
    assert not panel.add_button.isVisible() and not panel.remove_button.isVisible()
    panel.list.setCurrentRow(0)
    assert panel.open_button.isEnabled()


def test_no_record_yet_no_adding(qtbot, session):
    panel = AttachmentsPanel(session, "inspections")
    qtbot.addWidget(panel)
    panel.show()
    panel.show_record(None)
    assert panel.note.text() == "保存记录后可添加附件。" and not panel.add_button.isEnabled()
