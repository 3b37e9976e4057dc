"""Draw the pjdesk icon and write resources/icons/pjdesk.png (256 px) and pjdesk.ico (16–256 px).

The files it writes are generated: change this script and run it again, never edit them by hand.

    python installer/make_icons.py

The emblem is a white shield with a blue check mark on a deep-blue rounded square. It is drawn as shapes,
not text, so it looks the same on a machine without a CJK font. Each size is drawn at its own resolution
rather than scaled down from 256 px, so the small icons stay sharp.

Qt's own ICO writer stores one image per file, so the multi-size .ico container is assembled here: the
sizes up to 128 px as 32-bit DIBs (every Windows shell and NSIS read those) and 256 px as PNG (Vista+).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402

BLUE = QColor("#1a5fb4")
WHITE = QColor("#ffffff")
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICONS_DIR = Path(__file__).resolve().parents[1] / "resources" / "icons"


def draw_icon(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 256, size / 256)  # everything below is drawn on a 256 × 256 grid

    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BLUE)
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 48, 48)

    shield = QPainterPath()
    shield.moveTo(128, 36)
    shield.cubicTo(156, 52, 182, 60, 206, 60)
    shield.lineTo(206, 124)
    shield.cubicTo(206, 172, 174, 204, 128, 224)
    shield.cubicTo(82, 204, 50, 172, 50, 124)
    shield.lineTo(50, 60)
    shield.cubicTo(74, 60, 100, 52, 128, 36)
    shield.closeSubpath()
    painter.setBrush(WHITE)
    painter.drawPath(shield)

    pen = QPen(BLUE, 22 if size >= 32 else 28)  # a thicker stroke keeps the mark readable at 16–24 px
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    check = QPainterPath(QPointF(88, 128))
    check.lineTo(118, 158)
    check.lineTo(170, 100)
    painter.drawPath(check)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def dib_bytes(image: QImage) -> bytes:
    """A 32-bit BGRA DIB as an ICO entry wants it: bottom-up rows, doubled height, an all-clear AND mask."""
    size = image.width()
    rows = []
    for y in range(size - 1, -1, -1):
        # pixel() is 0xAARRGGBB; packed little-endian it is the B, G, R, A a DIB wants
        rows.append(b"".join(struct.pack("<I", image.pixel(x, y)) for x in range(size)))
    mask_row = bytes(((size + 31) // 32) * 4)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    return header + b"".join(rows) + mask_row * size


def ico_bytes(images: list[QImage]) -> bytes:
    entries = [png_bytes(im) if im.width() >= 256 else dib_bytes(im) for im in images]
    directory = struct.pack("<HHH", 0, 1, len(images))
    offset = len(directory) + 16 * len(images)
    for image, data in zip(images, entries, strict=True):
        side = image.width() % 256  # 0 means 256
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return directory + b"".join(entries)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 — QPainter wants one
    ICONS_DIR.mkdir(parents=True, exist_ok=True)
    images = [draw_icon(size) for size in ICO_SIZES]
    (ICONS_DIR / "pjdesk.png").write_bytes(png_bytes(images[-1]))
    (ICONS_DIR / "pjdesk.ico").write_bytes(ico_bytes(images))
    for name in ("pjdesk.png", "pjdesk.ico"):
        print(f"wrote {ICONS_DIR.name}/{name} ({(ICONS_DIR / name).stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
