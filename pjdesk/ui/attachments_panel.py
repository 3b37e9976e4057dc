"""附件 of one record, for any page's detail panel: thumbnails (photos turned upright, as the camera meant them),
PDF scans shown with an icon and opened in a preview, files added with a label, removed with a reason.

A page embeds it with one line and tells it which record is selected::

    self.attachments = AttachmentsPanel(session, kind)   # then, on each selection: .show_record(record_id)

``changed`` carries what was written (kind name → ids), as every page's ``changed`` does.

Photos over the size limit are offered shrinking here, with Qt: the services take bytes and have no image library.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QImageReader, QImageWriter, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError, os_reason
from pjdesk.services import attachments as attachment_service

from .dialog_room import fit_dialog
from .hazard_dialogs import ask_delete_reason
from .saving import ask_open_paths, ask_save_path, say_saved
from .widgets import make_button

THUMBNAIL = 112  # pixels, the longer side
SHRUNK_SIDE = 4096  # a shrunk photo's longer side: still sharp enough to read a nameplate on it
SHRUNK_QUALITY = 85
FILE_FILTER = "照片和扫描件 (*.jpg *.jpeg *.png *.pdf *.JPG *.JPEG *.PNG *.PDF);;所有文件 (*)"
ID_ROLE = Qt.UserRole
IMAGE_ROLE = Qt.UserRole + 1
MIME_ROLE = Qt.UserRole + 2


# --- images, with Qt ---------------------------------------------------------------------------------------
def _reader(data: bytes) -> tuple[QImageReader, QBuffer]:
    """A reader over bytes that turns a photo as its EXIF orientation says (the buffer must outlive it)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    return reader, buffer


def _read_scaled(data: bytes, longest: int) -> QImage:
    """The image, upright, its longer side at most ``longest``. The JPEG decoder scales while it decodes: a
    50-megapixel photo never becomes a 200 MB image in memory."""
    reader, _buffer = _reader(data)
    size = reader.size()  # as stored, before turning: turning keeps the proportions
    if size.isValid() and max(size.width(), size.height()) > longest:
        reader.setScaledSize(size.scaled(longest, longest, Qt.KeepAspectRatio))
    return reader.read()


def thumbnail_of(data: bytes, side: int = THUMBNAIL) -> QImage:
    """A photo's thumbnail, upright; a null image when the bytes cannot be drawn."""
    return _read_scaled(data, side)


def shrink_photo(data: bytes) -> bytes:
    """A smaller JPEG of a photo: upright (the pixels turned, so no orientation tag is needed), its longer side
    at most SHRUNK_SIDE pixels, then smaller still until it fits the limit."""
    for side, quality in ((SHRUNK_SIDE, SHRUNK_QUALITY), (3000, 80), (2048, 75)):
        image = _read_scaled(data, side)
        if image.isNull():
            raise PjdeskError("无法读取这张照片（可能已损坏或尺寸过大），不能自动缩小。请先用其他软件缩小后再添加")
        if image.hasAlphaChannel():  # JPEG has no transparency: lay it on white paper
            flat = QImage(image.size(), QImage.Format_RGB32)
            flat.fill(Qt.white)
            painter = QPainter(flat)
            painter.drawImage(0, 0, image)
            painter.end()
            image = flat
        out = QBuffer()
        out.open(QIODevice.WriteOnly)
        writer = QImageWriter(out, b"jpeg")
        writer.setQuality(quality)
        if not writer.write(image):
            raise PjdeskError(f"缩小照片失败：{writer.errorString()}")
        shrunk = bytes(out.data())
        if len(shrunk) <= attachment_service.MAX_BYTES:
            return shrunk
    raise PjdeskError("照片缩小后仍超过上限，请先用其他软件缩小后再添加")


def _file_icon(text: str, colour: str) -> QImage:
    """A page with a folded corner and a word on it: for a PDF, or a file that cannot be shown."""
    image = QImage(THUMBNAIL, THUMBNAIL, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setPen(QPen(QColor("#888888"), 2))
    painter.setBrush(QColor("#ffffff"))
    left, top, width, height = 22, 6, THUMBNAIL - 44, THUMBNAIL - 12
    painter.drawRect(left, top, width, height)
    painter.fillRect(left + 6, top + height // 2 - 14, width - 12, 28, QColor(colour))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(15)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(left + 6, top + height // 2 - 14, width - 12, 28, Qt.AlignCenter, text)
    painter.end()
    return image


def _size_text(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB" if size >= 1 << 20 else f"{max(1, size // 1024)} KB"


# --- the panel ---------------------------------------------------------------------------------------------
class AttachmentsPanel(QWidget):
    changed = Signal(dict)

    def __init__(self, session, kind=None, parent=None):
        super().__init__(parent)
        self.setObjectName("attachments_panel")
        self.session = session
        self.kind = attachment_service.kind_of(kind) if kind is not None else None
        self.record_id: str | None = None
        self.own = False
        self.viewer: QDialog | None = None  # the preview last opened

        self.heading = QLabel("附件")
        self.heading.setStyleSheet("font-weight: 600;")
        self.list = QListWidget()
        self.list.setObjectName("attachments")
        self.list.setViewMode(QListView.IconMode)
        self.list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.list.setGridSize(QSize(THUMBNAIL + 28, THUMBNAIL + 44))
        self.list.setResizeMode(QListView.Adjust)
        self.list.setMovement(QListView.Static)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SingleSelection)
        self.list.setMinimumHeight(THUMBNAIL + 56)
        self.list.itemActivated.connect(self.open_item)
        self.list.itemSelectionChanged.connect(self._enable)
        self.label_box = QComboBox()
        self.label_box.setObjectName("attachment_label")
        self.label_box.addItems(attachment_service.LABELS)
        self.label_box.setCurrentText("现场")
        self.label_box.setToolTip("新添加的附件归入哪一类（类别）")
        self.add_button = make_button("添加附件…", "add_attachment", self.choose_files)
        self.open_button = make_button("打开", "open_attachment", lambda: self.open_item(self.list.currentItem()))
        self.remove_button = make_button("删除…", "remove_attachment", self.remove_selected)
        self.note = QLabel()
        self.note.setObjectName("attachments_note")
        self.note.setStyleSheet("color: #666;")
        self.note.setWordWrap(True)

        # Two short rows: the panel fits the narrow detail column of a list page (about 380 pixels).
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.heading)
        tools.addStretch(1)
        tools.addWidget(self.open_button)
        tools.addWidget(self.remove_button)
        adding = QHBoxLayout()
        adding.setContentsMargins(0, 0, 0, 0)
        adding.addWidget(self.label_box)
        adding.addWidget(self.add_button)
        adding.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        layout.addLayout(adding)
        self.show_record(None)

    # --- which record ---------------------------------------------------------------------------------
    def show_record(self, record_id: str | None, kind=None) -> None:
        """Show this record's attachments (None: no record selected, or one not saved yet)."""
        if kind is not None:
            self.kind = attachment_service.kind_of(kind)
        self.record_id = record_id
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        self.own = False
        self.heading.setText("附件")
        if self.record_id is None or self.kind is None:
            self.note.setText("保存记录后可添加附件。" if self.kind is not None else "")
            self._enable()
            return
        try:
            found = attachment_service.list_attachments(self.session, self.kind, self.record_id)
            self.own = self._is_own()
        except PjdeskError as e:
            self.note.setText(str(e))
            self._enable()
            return
        for attachment in found:
            self.list.addItem(self._item(attachment))
        if found:
            self.heading.setText(f"附件（{len(found)}）")
        self.note.setText("" if found else ("暂无附件。可添加现场照片、整改前后照片或文书扫描件（JPEG、PNG、PDF）。"
                                            if self.own else "暂无附件。"))
        self._enable()

    def _is_own(self) -> bool:
        return attachment_service.may_attach(self.session, self.kind, self.record_id)

    def _item(self, attachment: dict) -> QListWidgetItem:
        label = attachment["label"] or "未分类"
        item = QListWidgetItem(f"{label}\n{attachment['name']}")
        item.setData(ID_ROLE, attachment["id"])
        item.setData(MIME_ROLE, attachment["mime"])
        item.setToolTip(f"{attachment['name']}\n{label}，{_size_text(attachment['bytes'] or 0)}\n"
                        f"{attachment['added_at']} {attachment['created_by'] or ''} 添加")
        try:
            data = attachment_service.read_attachment(self.session, attachment["id"])
        except PjdeskError as e:
            image = _file_icon("已损坏", "#a1221b")
            item.setToolTip(str(e))
        else:
            if attachment["mime"] == attachment_service.PDF:
                image = _file_icon("PDF", "#c0392b")
            else:
                image = thumbnail_of(data)
                if image.isNull():
                    image = _file_icon("图片", "#777777")
        item.setData(IMAGE_ROLE, image)
        item.setIcon(QIcon(QPixmap.fromImage(image)))
        return item

    def _enable(self) -> None:
        chosen = self.list.currentItem() is not None and bool(self.list.selectedItems())
        for widget in (self.add_button, self.label_box):
            widget.setVisible(self.own or self.record_id is None)
            widget.setEnabled(self.own)
        self.remove_button.setVisible(self.own or self.record_id is None)
        self.remove_button.setEnabled(self.own and chosen)
        self.open_button.setEnabled(chosen)

    # --- adding -----------------------------------------------------------------------------------------
    def choose_files(self) -> None:
        paths = [str(p) for p in ask_open_paths(self, self.session, "选择要添加的照片或扫描件", FILE_FILTER, many=True)]
        if paths:
            self.add_files(paths)

    def add_files(self, paths) -> None:
        """Attach files with the label chosen. A photo over the limit is offered shrinking; a file that cannot
        be attached is named, and the others are attached."""
        ready, problems = [], []
        for path in paths:
            try:
                ready.append(attachment_service.check_file(path))
            except attachment_service.TooLarge as e:
                shrunk = self._offer_shrinking(Path(path), e) if e.shrinkable else None
                if shrunk is not None:
                    ready.append(shrunk)
                elif not e.shrinkable:
                    problems.append(str(e))
            except PjdeskError as e:
                problems.append(str(e))
        warnings: tuple[str, ...] = ()
        if ready:
            try:
                outcome = attachment_service.attach_files(self.session, self.kind, self.record_id, ready,
                                                          self.label_box.currentText())
            except PjdeskError as e:
                problems.append(str(e))
            else:
                warnings = outcome.warnings
                if outcome.changed:
                    self.changed.emit(dict(outcome.changed))
        self.refresh()
        shown = [*problems, *warnings]
        if shown:
            QMessageBox.warning(self, "附件", "\n\n".join(shown))

    def _offer_shrinking(self, path: Path, error) -> attachment_service.NewFile | None:
        answer = QMessageBox.question(
            self, "照片过大",
            f"“{error.name}”有 {error.size / (1 << 20):.1f} MB，超过附件 {attachment_service.MAX_BYTES >> 20} MB 的上限。\n\n"
            f"缩小后添加吗？（长边缩到 {SHRUNK_SIDE} 像素、存为 JPEG，原文件不变）",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        if answer != QMessageBox.Yes:
            return None
        try:
            shrunk = shrink_photo(path.read_bytes())
            return attachment_service.check_file(shrunk, f"{path.stem}.jpg")
        except (PjdeskError, OSError) as e:
            QMessageBox.warning(self, "照片过大", f"“{error.name}”：{e}")
            return None

    # --- removing and opening ---------------------------------------------------------------------------
    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        reason = ask_delete_reason(self, "附件")
        if reason is None:
            return
        try:
            outcome = attachment_service.remove_attachment(self.session, item.data(ID_ROLE), reason)
        except PjdeskError as e:
            QMessageBox.warning(self, "未删除", str(e))
            return
        self.changed.emit(dict(outcome.changed))
        self.refresh()

    def open_item(self, item: QListWidgetItem | None) -> None:
        """A photo in a window of its own (upright, fitted); a PDF in the preview."""
        if item is None:
            return
        try:
            data = attachment_service.read_attachment(self.session, item.data(ID_ROLE))
        except PjdeskError as e:
            QMessageBox.warning(self, "无法打开附件", str(e))
            return
        name = item.text().split("\n", 1)[-1]
        if item.data(MIME_ROLE) == attachment_service.PDF:
            self.viewer = PdfPreview(data, name, self)
        else:
            self.viewer = PhotoViewer(data, name, self)
        self.viewer.show()

    def thumbnail(self, row: int) -> QImage:
        """The image shown for the attachment in this row (a photo's thumbnail, or an icon)."""
        return self.list.item(row).data(IMAGE_ROLE)


class _Viewer(QDialog):
    """A window for one attachment, with 另存为… (a copy of the file, as it was attached)."""

    def __init__(self, data: bytes, name: str, parent=None):
        super().__init__(parent)
        self.data, self.name = data, name
        self.setWindowTitle(f"附件 — {name}")
        fit_dialog(self, 900, 700)
        self.body = QVBoxLayout(self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(make_button("另存为…", "save_attachment", self.save_as))
        buttons.addWidget(make_button("关闭", "close_attachment", self.close))
        self.buttons = buttons

    def save_as(self) -> None:
        path = ask_save_path(self, self.parent().session, "另存附件", self.name)
        if not path:
            return
        try:
            Path(path).write_bytes(self.data)
        except OSError as e:
            QMessageBox.warning(self, "未保存", f"无法写入 {path}：{os_reason(e)}")
            return
        say_saved(self, path, "附件")


class PhotoViewer(_Viewer):
    def __init__(self, data: bytes, name: str, parent=None):
        super().__init__(data, name, parent)
        self.setObjectName("attachment_photo")
        reader, _buffer = _reader(data)
        self.image = reader.read()
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignCenter)
        self.body.addWidget(scroll, 1)
        self.body.addLayout(self.buttons)
        if self.image.isNull():
            self.picture.setText(f"无法显示这张图片：{reader.errorString()}")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        room = self.picture.size() - QSize(4, 4)
        if not self.image.isNull() and not room.isEmpty():
            shown = self.image if self.image.width() <= room.width() and self.image.height() <= room.height() \
                else self.image.scaled(room, Qt.KeepAspectRatio, Qt.SmoothTransformation)
            self.picture.setPixmap(QPixmap.fromImage(shown))


class PdfPreview(_Viewer):
    def __init__(self, data: bytes, name: str, parent=None):
        # Qt's PDF module loads with the first PDF shown, not with every list page that has attachments.
        from PySide6.QtPdf import QPdfDocument

        from .pdf_preview import PdfPreview as PdfPages

        super().__init__(data, name, parent)
        self.setObjectName("attachment_pdf")
        # QPdfDocument reads from the device while it is shown: the buffer lives as long as the window.
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.preview = PdfPages(self.document)  # the program's one PDF preview: pages and zoom
        self.preview.setObjectName("attachment_pdf_view")
        self.body.addWidget(self.preview, 1)
        self.body.addLayout(self.buttons)
