"""检查记录's own part of the list page and of its entry dialog (loaded by record_page.py).

In the dialog: choosing the unit fills the items table with its sector's checklist; items are marked 符合 /
不符合 a row at a time or together; “生成隐患” records the 不符合 items as hazards in one step (the inspection
is saved first, the dialog stays open, and each item then shows its hazard's number); “打印现场检查记录” and
“打印责令限期整改指令书” issue the document (or reopen the one issued) and show it to print or save.
On the page: “登记复查” records the review of the selected inspection's hazards and offers the 整改复查意见书;
“打印文书” prints any of the three documents of the selected inspection.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.inspection import FAILED, INSPECTION, PASSED
from pjdesk.core.records import errors
from pjdesk.services import documents as document_service
from pjdesk.services import drafts
from pjdesk.services import inspections as inspection_service
from pjdesk.services import records as record_service

from .dialog_room import fit_dialog
from .pdf_preview import PdfPreview
from .pdf_printing import print_dialog_for, print_from
from .record_form import VALUE, DateField
from .saving import ask_save_path, say_saved

SITE_RECORD, ORDER, REVIEW = document_service.DOCUMENT_TYPES
DOCUMENT_NAMES = {SITE_RECORD: "site_record", ORDER: "order", REVIEW: "review"}
SUGGESTED_DAYS = 15  # the 整改期限 first offered for hazards made from items: the inspection's date + 15 days
MAJOR_FG = QColor("#8c1d18")
FAILED_BG = QColor("#fdecea")


def extend_page(page) -> None:
    """The inspection page's own actions, and the checklist in every entry dialog it opens."""
    page.dialog_hooks.append(lambda dialog: InspectionDialogExtras(page, dialog))
    page.value_text["checklist"] = _checklist_title
    page.add_action("登记复查", "review_inspection", lambda row: review_from_page(page, row),
                    tooltip="复查这次检查发现的隐患的整改情况，并出具整改复查意见书")
    button = page.add_action("打印文书", "print_documents", lambda _row: None,
                             tooltip="打印（首次即签发）这次检查的执法文书")
    menu = QMenu(button)
    menu.setObjectName("document_menu")
    for doc_type in document_service.DOCUMENT_TYPES:
        action = menu.addAction(doc_type)
        action.setObjectName(f"print_{DOCUMENT_NAMES[doc_type]}")
        action.triggered.connect(lambda _checked=False, t=doc_type: _print_selected(page, t))
    button.setMenu(menu)
    page.document_menu = menu


def _checklist_title(key) -> str:
    """The detail panel names the checklist by its title; a list the county has since removed by its key."""
    if not key:
        return ""
    try:
        return inspection_service.checklist_title(key)
    except PjdeskError:
        return f"{key}（检查表已不存在）"


def _print_selected(page, doc_type: str) -> None:
    row = page.selected_row()
    if row is not None:
        show_document(page, page, doc_type, row["id"])


# --- the entry dialog -------------------------------------------------------------------------------------------
class InspectionDialogExtras(QObject):
    """Lives as long as its dialog (its child): the checklist, the 不符合 items made hazards, the documents."""

    def __init__(self, page, dialog):
        super().__init__(dialog)
        self.page, self.dialog, self.session = page, dialog, page.session
        dialog.extras = self
        self.form = dialog.form
        self.items = self.form.child_table("items")
        self.unit_box = self.form.editor("unit_id")
        self.checklist_edit = self.form.editor("checklist")
        self.checklist_edit.setReadOnly(True)  # chosen by the unit's sector
        self._info: dict[str, dict | None] = {}
        self.banner = QLabel(wordWrap=True)
        self.banner.setObjectName("checklist_banner")
        self.banner.setStyleSheet("color: #444;")
        dialog.add_widget(self.banner)
        self.items.add_button("标为不符合", "mark_failed", lambda: self.mark_selected(FAILED))
        self.items.add_button("标为符合", "mark_passed", lambda: self.mark_selected(PASSED))
        self.items.add_button("其余标为符合", "mark_rest_passed", self.mark_rest_passed)
        self.items.add_button("生成隐患", "make_hazards", self.make_hazards).setToolTip(
            "把所选（未选则全部）“不符合”项登记为隐患，单位、日期、发现人、描述自动填好")
        self._lay_out()
        dialog.add_button("打印现场检查记录", "print_site_record", lambda: self.print_document(SITE_RECORD))
        dialog.add_button("打印责令限期整改指令书", "print_order", lambda: self.print_document(ORDER))
        # The dialog saves the record it holds now: a new inspection saved here (to make its hazards or print)
        # is edited from then on, not added a second time.
        dialog._save = self._save_values
        dialog._check = lambda values: record_service.check_record(self.session, INSPECTION, values, self.record_id)
        self.unit_box.currentIndexChanged.connect(lambda _i: self.unit_chosen())
        self.items.changed.connect(self.decorate)
        if self.record_id:
            self.reload_children()
        elif self.unit_id() and not self.items.value():
            self.unit_chosen()
        self.decorate()
        self._say_checklist()

    def _lay_out(self) -> None:
        """Room for the checklist: its text wide and wrapped, the inspectors' table short, the checklist's
        key (the banner names the list) out of sight, and the dialog as large as a laptop screen allows."""
        table = self.items.table
        table.setWordWrap(True)
        table.setMinimumHeight(330)
        header = table.horizontalHeader()
        for name, width in (("code", 66), ("result", 74), ("note", 170), ("hazard_id", 170)):
            header.resizeSection(self.items.column(name), width)
        officers = self.form.child_table("officers").table
        officers.setMinimumHeight(96)
        officers.setMaximumHeight(132)
        for widget in self.form.rows["checklist"]:
            widget.hide()
        fit_dialog(self.dialog, 1180, 740)

    @property
    def record_id(self) -> str | None:
        return self.dialog.record_id

    def unit_id(self) -> str | None:
        box = self.unit_box
        if box.currentIndex() < 0 or box.currentText() != box.itemText(box.currentIndex()):
            return None
        return box.currentData()

    # --- the checklist ------------------------------------------------------------------------------------
    def unit_chosen(self) -> None:
        unit_id = self.unit_id()
        if unit_id is None:
            return
        try:
            listed = inspection_service.checklist_rows(self.session, unit_id)
        except PjdeskError as e:
            QMessageBox.warning(self.dialog, "检查表有误", str(e))
            return
        current = self.items.value()
        if current and self.checklist_edit.text() == listed["checklist"]:
            return
        decided = [r for r in current if r.get("result") or r.get("id")]
        if decided:
            answer = QMessageBox.question(
                self.dialog, "换用检查表",
                f"所选单位的行业使用“{listed['title']}”。要换用这张检查表吗？已填写的 {len(decided)} 项检查结果将清空。")
            if answer != QMessageBox.Yes:
                return
        for row in listed["items"]:
            self._info[row["code"]] = row
        self.items.set_value([{k: row[k] for k in ("code", "text", "result", "note")} for row in listed["items"]])
        self.checklist_edit.setText(listed["checklist"])
        self._say_checklist(listed["title"])

    def _say_checklist(self, title: str | None = None) -> None:
        rows = self.items.value()
        if not rows:
            self.banner.setText("选择被检查单位后，自动载入该单位行业的检查表。")
            return
        failed = sum(1 for r in rows if r.get("result") == FAILED)
        open_ = sum(1 for r in rows if not r.get("result"))
        made = sum(1 for r in rows if r.get("hazard_id"))
        title = title or self._checklist_title()
        parts = [f"检查表：{title}，共 {len(rows)} 项" if title else f"检查项目 {len(rows)} 项",
                 f"不符合 {failed} 项（已生成隐患 {made} 项）"]
        if open_:
            parts.append(f"未填结果 {open_} 项")
        self.banner.setText("；".join(parts) + "。红色编号的项不符合即构成重大事故隐患。")

    def _checklist_title(self) -> str:
        key = self.checklist_edit.text()
        if not key:
            return ""
        try:
            return inspection_service.checklist_title(key)
        except PjdeskError:
            return key

    def _item_info(self, code: str | None) -> dict | None:
        if code not in self._info:
            self._info[code] = inspection_service.checklist_item_row(code)
        return self._info[code]

    def decorate(self) -> None:
        """Each row as the officer needs to read it: the source in the tooltip, 重大 items' codes in red, a
        不符合 row tinted; the hazard column shows the hazard's number and is not typed in."""
        table = self.items.table
        columns = {f.name: i for i, f in enumerate(self.items.columns)}
        table.blockSignals(True)
        try:
            for row in range(table.rowCount()):
                code_item = table.item(row, columns["code"])
                info = self._item_info(code_item.data(VALUE)) if code_item else None
                text_item = table.item(row, columns["text"])
                if info and text_item is not None:
                    tip = f"{info['text']}\n依据：{info['source']}"
                    if info["major"]:
                        tip += f"\n不符合即为重大事故隐患，判定依据：{info['major_basis']}"
                    text_item.setToolTip(tip)
                    code_item.setForeground(QBrush(MAJOR_FG) if info["major"] else QBrush())
                    code_item.setToolTip("重大事故隐患判定项" if info["major"] else "")
                failed = table.item(row, columns["result"]).data(VALUE) == FAILED
                for column in range(table.columnCount()):
                    cell = table.item(row, column)
                    if cell is not None:
                        cell.setBackground(QBrush(FAILED_BG) if failed else QBrush())
                hazard = table.item(row, columns["hazard_id"])
                if hazard is not None:
                    hazard.setFlags(hazard.flags() & ~Qt.ItemIsEditable)
            table.resizeRowsToContents()
        finally:
            table.blockSignals(False)
        self._say_checklist()

    # --- marking items ------------------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.items.table.selectedIndexes()})

    def _set_result(self, row: int, result: str) -> None:
        cell = self.items.table.item(row, self.items.column("result"))
        cell.setData(VALUE, result)
        cell.setData(Qt.DisplayRole, result)  # emits changed (itemChanged): the table is decorated again

    def mark_selected(self, result: str) -> None:
        rows = self.selected_rows()
        if not rows:
            QMessageBox.information(self.dialog, "未选择", "请先在检查项目表中选择要标记的行（可按住 Ctrl 或 Shift 多选）。")
            return
        for row in rows:
            self._set_result(row, result)

    def mark_rest_passed(self) -> None:
        for row in range(self.items.table.rowCount()):
            if not self.items.table.item(row, self.items.column("result")).data(VALUE):
                self._set_result(row, PASSED)

    # --- hazards ------------------------------------------------------------------------------------------
    def make_hazards(self) -> None:
        # Rows as the service will number them: the table's rows with anything in them, in order.
        table, result, hazard = self.items.table, self.items.column("result"), self.items.column("hazard_id")
        filled = [r for r in range(table.rowCount())
                  if any(table.item(r, c).data(VALUE) not in (None, "", 0) for c in range(table.columnCount()))]
        failed_rows = {r: i for i, r in enumerate(filled)
                       if table.item(r, result).data(VALUE) == FAILED and not table.item(r, hazard).data(VALUE)}
        if not failed_rows:
            QMessageBox.information(self.dialog, "没有可生成隐患的项",
                                    "请先把发现问题的检查项标为“不符合”；已生成隐患的项不再生成。")
            return
        chosen = [failed_rows[r] for r in self.selected_rows() if r in failed_rows]
        positions = chosen or sorted(failed_rows.values())
        date = self.form.values().get("date") or self.session.today().isoformat()
        options = HazardOptions(len(positions), date, self.dialog)
        if options.exec() != QDialog.Accepted:
            return
        if not self.save_in_place():
            return
        items = record_service.get_record(self.session, INSPECTION, self.record_id)["items"]
        ids = [items[p]["id"] for p in positions]
        try:
            outcome = inspection_service.hazards_from_items(self.session, self.record_id, ids,
                                                            deadline=options.deadline(), measures=options.measures())
        except PjdeskError as e:
            QMessageBox.warning(self.dialog, "未生成隐患", str(e))
            return
        self.reload_children()
        self._changed(outcome.changed)
        said = f"已生成 {len(outcome.changed.get('hazard', ()))} 条隐患，已登记到隐患台账。"
        QMessageBox.information(self.dialog, "已生成隐患", "\n".join([said, *outcome.warnings]))

    # --- saving without closing -----------------------------------------------------------------------------
    def _save_values(self, values: dict):
        return record_service.save_record(self.session, INSPECTION, values, self.record_id)

    def save_in_place(self) -> bool:
        """Save what the dialog holds and keep it open (to make hazards or print); False when refused (the
        problems are shown at their fields)."""
        values = self.form.values()
        problems = errors(record_service.check_record(self.session, INSPECTION, values, self.record_id))
        if problems:
            self.form.show_problems(problems)
            return False
        try:
            outcome = self._save_values(values)
        except ValidationError as e:
            self.form.show_problems(e.problems)
            return False
        except PjdeskError as e:
            QMessageBox.warning(self.dialog, "未保存", str(e))
            return False
        self.form.show_problems([])
        if self.dialog.draft_key:
            drafts.discard_draft(self.session, self.dialog.draft_key)
        self.dialog.record_id = outcome.id
        self.dialog.draft_key = f"{INSPECTION.name}-{outcome.id}"
        self.dialog.result_value = outcome
        self.dialog.setWindowTitle(f"编辑{INSPECTION.label}")
        self.reload_children()
        self._changed(outcome.changed)
        return True

    def reload_children(self) -> None:
        """The saved child rows (with their ids), each item's hazard shown by its number."""
        record = record_service.get_record(self.session, INSPECTION, self.record_id)
        numbers = inspection_service.hazard_numbers(self.session, (i["hazard_id"] for i in record["items"]))
        items = [{**i, "hazard_id__title": numbers.get(i["hazard_id"])} for i in record["items"]]
        self.form.set_values({"items": items, "officers": record["officers"]})

    def _changed(self, changed) -> None:
        self.page.reload()
        self.page.changed.emit(dict(changed))

    # --- documents ----------------------------------------------------------------------------------------
    def print_document(self, doc_type: str) -> None:
        if self.save_in_place():
            show_document(self.dialog, self.page, doc_type, self.record_id)


class HazardOptions(QDialog):
    """整改期限 and 整改要求 for the hazards about to be made (both may be filled in later in the ledger)."""

    def __init__(self, count: int, inspection_date: str, parent=None):
        super().__init__(parent)
        self.setObjectName("hazard_options")
        self.setWindowTitle("生成隐患")
        self.deadline_field = DateField()
        self.deadline_field.setObjectName("hazard_deadline")
        try:
            suggested = dt.date.fromisoformat(inspection_date) + dt.timedelta(days=SUGGESTED_DAYS)
            self.deadline_field.set_value(suggested.isoformat())
        except ValueError:
            pass
        self.measures_edit = QLineEdit(placeholderText="如：立即整改，整改完成后书面报告（可留空，之后在台账中填写）")
        self.measures_edit.setObjectName("hazard_measures")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"将 {count} 项“不符合”登记为隐患：单位、发现日期、来源、发现人和隐患描述按检查记录填好；"
                                "判定为重大的检查项登记为重大隐患并填好判定依据。", wordWrap=True))
        form = QFormLayout()
        form.addRow("整改期限", self.deadline_field)
        form.addRow("整改要求", self.measures_edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("生成")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 0)

    def deadline(self) -> str | None:
        return self.deadline_field.value()

    def measures(self) -> str | None:
        return self.measures_edit.text().strip() or None


# --- printing ---------------------------------------------------------------------------------------------------
def show_document(parent: QWidget, page, doc_type: str, record_id: str):
    """Issue (or reopen) the document and show it to print or save; returns the preview (closed) or None."""
    try:
        issued = document_service.issue_document(page.session, doc_type, record_id)
    except PjdeskError as e:
        QMessageBox.warning(parent, f"未能打印{doc_type}", str(e))
        return None
    if issued.changed:
        page.reload()
        page.changed.emit(dict(issued.changed))
    for warning in issued.warnings:
        QMessageBox.information(parent, "请注意", warning)
    preview = DocumentPreview(issued, parent)
    preview.exec()
    return preview


class DocumentPreview(QDialog):
    """The document as it will be printed, with 打印… and 另存 PDF / Excel."""

    def __init__(self, issued, parent=None):
        super().__init__(parent)
        self.issued = issued
        self.setObjectName("document_preview")
        self.setWindowTitle(f"{issued.doc_type}　{issued.doc_no}")
        self.document = QPdfDocument(self)
        self.document.load(str(issued.pdf))
        self.printing = None  # the background print run, while there is one
        self.last_print = None  # what the last print run did (PrintResult), None if it failed
        self.view = PdfPreview(self.document)
        self.view.setObjectName("document_view")
        state = "已签发" if issued.new else "此前已签发，原样重印"
        self.caption = QLabel(f"{issued.doc_type}　{issued.doc_no}　共 {self.document.pageCount()} 页（{state}）")
        self.caption.setObjectName("document_caption")
        self.caption.setStyleSheet("font-weight: 600;")
        hint = QLabel((issued.note + " " if issued.note else "")
                      + "文书签发后文号和内容即固定，之后修改检查记录或隐患不会改变它；如需更正，请作废后重新签发。",
                      wordWrap=True)
        hint.setStyleSheet("color: #555;")
        self.print_button = QPushButton("打印…")
        self.print_button.setObjectName("print_document")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_dialog)
        save_pdf = QPushButton("另存 PDF…")
        save_pdf.setObjectName("save_document_pdf")
        save_pdf.clicked.connect(lambda: self.save_as("pdf"))
        save_xlsx = QPushButton("另存 Excel…")
        save_xlsx.setObjectName("save_document_xlsx")
        save_xlsx.clicked.connect(lambda: self.save_as("xlsx"))
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        for b in (self.print_button, save_pdf, save_xlsx):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        fit_dialog(self, 760, 900)

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.HighResolution)
        dialog = print_dialog_for(printer, self.document, f"打印{self.issued.doc_type}", self)
        if dialog.exec() == QDialog.Accepted:
            self.print_to(printer, configured=True)

    def print_to(self, printer: QPrinter, *, configured: bool = False):
        """Print the document on ``printer`` in the background (A4 portrait, as it is drawn; see pdf_printing);
        returns the thread, and ``last_print`` says what it did once it is done."""
        if self.printing is not None:
            return None
        return print_from(self, self.issued.pdf, printer, self.issued.doc_type, self.document,
                          configured=configured, current_page=self.view.current_page())

    def save_as(self, kind: str, path: str | None = None) -> str | None:
        source = self.issued.pdf if kind == "pdf" else self.issued.xlsx
        if path is None:
            filters = "PDF 文件 (*.pdf)" if kind == "pdf" else "Excel 表格 (*.xlsx)"
            chosen = ask_save_path(self, self.parent().session, "另存为", f"{self.issued.stem}.{kind}", filters)
            if not chosen:
                return None
            path, asked = str(chosen), True
        else:
            asked = False
        try:
            shutil.copyfile(source, path)
        except OSError as e:
            QMessageBox.warning(self, "未保存", f"不能写入 {path}：{e.strerror}。请换一个文件夹。")
            return None
        if asked:
            say_saved(self, Path(path), self.issued.doc_type)
        return path


# --- the review -------------------------------------------------------------------------------------------------
def review_from_page(page, row) -> None:
    if row is None:
        return
    try:
        candidates = inspection_service.reviewable_hazards(page.session, row["id"])
        original = record_service.get_record(page.session, INSPECTION, row["id"])
    except PjdeskError as e:
        QMessageBox.warning(page, "不能复查", str(e))
        return
    if not candidates:
        QMessageBox.information(page, "无需复查", "这次检查没有待复查的隐患（未发现隐患，或都已复查合格、销号）。")
        return
    dialog = ReviewDialog(page.session, original, candidates, page)
    if dialog.exec() != QDialog.Accepted:
        return
    page.reload()
    page.changed.emit(dict(dialog.outcome.changed))
    answer = QMessageBox.question(page, "复查已登记", "复查已登记，隐患台账已更新。现在打印整改复查意见书吗？")
    if answer == QMessageBox.Yes:
        show_document(page, page, REVIEW, dialog.outcome.id)


class ReviewDialog(QDialog):
    """整改复查: the date, who reviewed, and for each hazard of the inspection whether it was put right."""

    RESULTS = ("合格", "不合格")

    def __init__(self, session, inspection: dict, hazards: list[dict], parent=None):
        super().__init__(parent)
        self.session, self.inspection, self.hazards = session, inspection, hazards
        self.outcome = None
        self.setObjectName("review_dialog")
        self.setWindowTitle("登记整改复查")
        self.date = DateField()
        self.date.setObjectName("review_date")
        self.date.set_value(session.today().isoformat())
        self.officers = QTableWidget(0, 2)
        self.officers.setObjectName("review_officers")
        self.officers.setHorizontalHeaderLabels(["复查人员＊", "执法证号"])
        self.officers.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.officers.setMaximumHeight(96)
        for officer in inspection.get("officers") or [{}, {}]:
            self._add_officer(officer.get("name"), officer.get("cert_no"))
        add_officer = QPushButton("添加复查人员")
        add_officer.clicked.connect(lambda: self._add_officer())
        self.signer = QLineEdit(inspection.get("unit_signer") or "")
        self.signer.setObjectName("review_signer")

        self.table = QTableWidget(len(hazards), 5)
        self.table.setObjectName("review_hazards")
        self.table.setHorizontalHeaderLabels(["隐患编号", "隐患描述", "整改期限", "复查结果", "说明"])
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        for column, width in ((0, 196), (2, 90), (3, 96), (4, 180)):
            header.resizeSection(column, width)
        for row, hazard in enumerate(hazards):
            number = QTableWidgetItem(hazard["hazard_no"])
            number.setFlags((number.flags() | Qt.ItemIsUserCheckable) & ~Qt.ItemIsEditable)
            number.setCheckState(Qt.Checked)
            number.setToolTip("取消勾选则本次不复查这项隐患")
            self.table.setItem(row, 0, number)
            for column, text in ((1, hazard["description"]), (2, hazard.get("due_date") or hazard.get("deadline"))):
                item = QTableWidgetItem(text or "")
                item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                item.setToolTip(text or "")
                self.table.setItem(row, column, item)
            result = QComboBox()
            result.addItems(self.RESULTS)
            result.setObjectName(f"review_result_{row}")
            self.table.setCellWidget(row, 3, result)
            self.table.setItem(row, 4, QTableWidgetItem(""))

        self.message = QLabel(wordWrap=True, styleSheet="color: #b3261e;")
        self.message.hide()
        form = QFormLayout()
        form.addRow("复查日期＊", self.date)
        form.addRow("被检查单位负责人", self.signer)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"复查 {inspection['date']} 检查发现的隐患。合格的隐患记为整改完成并复查合格；"
                                "不合格的退回整改中。复查另存为一条“整改复查”检查记录。", wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(self.officers)
        layout.addWidget(add_officer, 0, Qt.AlignLeft)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText("登记复查")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        room = self.screen().availableGeometry()
        self.resize(min(860, room.width() - 40), min(560, room.height() - 60))

    def _add_officer(self, name: str | None = None, cert_no: str | None = None) -> None:
        row = self.officers.rowCount()
        self.officers.insertRow(row)
        self.officers.setItem(row, 0, QTableWidgetItem(name or ""))
        self.officers.setItem(row, 1, QTableWidgetItem(cert_no or ""))

    def set_result(self, row: int, passed: bool, note: str = "") -> None:
        self.table.cellWidget(row, 3).setCurrentText(self.RESULTS[0] if passed else self.RESULTS[1])
        self.table.item(row, 4).setText(note)

    def results(self) -> list[dict]:
        out = []
        for row, hazard in enumerate(self.hazards):
            if self.table.item(row, 0).checkState() != Qt.Checked:
                continue
            out.append({"hazard_id": hazard["id"], "passed": self.table.cellWidget(row, 3).currentIndex() == 0,
                        "note": self.table.item(row, 4).text().strip() or None})
        return out

    def officer_rows(self) -> list[dict]:
        rows = []
        for row in range(self.officers.rowCount()):
            name, cert = (self.officers.item(row, c).text().strip() if self.officers.item(row, c) else ""
                          for c in (0, 1))
            if name:
                rows.append({"name": name, "cert_no": cert or None})
        return rows

    def try_save(self) -> bool:
        try:
            self.outcome = inspection_service.record_review(
                self.session, self.inspection["id"], date=self.date.value(), results=self.results(),
                officers=self.officer_rows(), unit_signer=self.signer.text().strip() or None)
        except PjdeskError as e:
            self.message.setText(str(e))
            self.message.show()
            return False
        self.accept()
        return True
