"""Entry forms generated from the record declarations (pjdesk.core.records).

One widget per declared field, chosen by its type; fields that apply only in some cases (the 重大 items)
show only then; problems appear in red under the field they concern. Keyboard-first: the tab order is the
declaration order, multi-line fields pass Tab on, and the dialog's default button saves on Enter.

A CHILDREN field (an inspection's checklist items, its inspectors) is a small table of the child kind's rows,
one column per field, edited in place; a problem of a row is said under the table and its row is marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from PySide6.QtCore import QDate, QEvent, QLocale, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from pjdesk.core.dates import NotADate, parse_date
from pjdesk.core.kinds import KINDS
from pjdesk.core.records import (
    BOOL,
    CHILDREN,
    CHOICE,
    DATE,
    DECIMAL,
    INT,
    LONGTEXT,
    MONEY,
    REF,
    TAGS,
    Field,
    Problem,
    RecordKind,
    join_tags,
    split_tags,
)

ERROR_STYLE = "color: #b3261e;"


class DateField(QWidget):
    """A date typed as officers write it (2026-3-5, 2026年3月5日 …) or picked from a calendar; may be empty."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edit = QLineEdit(placeholderText="年-月-日，如 2026-03-05")
        self.edit.setMaximumWidth(180)
        self.button = QToolButton(text="日历", toolTip="从日历选择")
        self.button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self.button.setFocusPolicy(Qt.NoFocus)
        self.button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(self.button)
        # The calendar is made when first opened: a form or a filter bar has many date fields, and a calendar
        # costs each one some 4 ms.
        self.calendar: QCalendarWidget | None = None
        self.button.setMenu(menu)
        menu.aboutToShow.connect(self._sync_calendar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self.changed)
        self.edit.editingFinished.connect(self._tidy)

    def _sync_calendar(self) -> None:
        if self.calendar is None:
            self.calendar = QCalendarWidget()
            self.calendar.setLocale(QLocale(QLocale.Chinese, QLocale.China))
            self.calendar.clicked.connect(self._picked)
            action = QWidgetAction(self.button.menu())
            action.setDefaultWidget(self.calendar)
            self.button.menu().addAction(action)
        day = self._parsed()
        if day:
            self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, date: QDate) -> None:
        self.edit.setText(date.toString("yyyy-MM-dd"))
        self.button.menu().hide()

    def _parsed(self):
        try:
            return parse_date(self.edit.text())
        except NotADate:
            return None

    def _tidy(self) -> None:
        day = self._parsed()
        if day:
            self.edit.setText(day.isoformat())

    def value(self) -> str | None:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            day = parse_date(text)
        except NotADate:
            return text  # kept as typed: validation names the problem at the field
        return day.isoformat() if day else None

    def set_value(self, value: str | None) -> None:
        self.edit.setText(value or "")


class TagsField(QListWidget):
    changed = Signal()

    def __init__(self, choices: list[str], parent=None):
        super().__init__(parent)
        for choice in choices:
            item = QListWidgetItem(choice)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.addItem(item)
        self.setFlow(QListWidget.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.Adjust)
        self.setSpacing(2)
        self.setMaximumHeight(76)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def value(self) -> str | None:
        tags = [self.item(i).text() for i in range(self.count()) if self.item(i).checkState() == Qt.Checked]
        return join_tags(tags) or None

    def set_value(self, value: str | None) -> None:
        chosen = set(split_tags(value))
        for i in range(self.count()):
            self.item(i).setCheckState(Qt.Checked if self.item(i).text() in chosen else Qt.Unchecked)


def _typed_date(text: str) -> str | None:
    """A date as typed, made YYYY-MM-DD when it reads as one; otherwise kept for validation to name."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = parse_date(text)
    except NotADate:
        return text
    return day.isoformat() if day else None


VALUE = Qt.UserRole  # a child table cell's storage value (its text is what the officer reads)
ROW_MARK = QColor("#fdecea")


class ChildTable(QWidget):
    """A CHILDREN field: the child kind's rows as a small table (a handful of rows, so a QTableWidget).

    Each column is a field of the child kind (its link to the parent is not shown): a choice is a list in the
    cell, a reference a searchable list, a date is typed as officers write it, a flag a tick box. ``value()``
    gives the rows as storage values; a row read from the record keeps its ``id`` (the service edits that row),
    a new row has none, a row taken out is removed, and a row left wholly empty is not a row.

    For extensions (a checklist that fills the items): ``add_row(values)``, ``set_value(rows)``,
    ``add_button(text, name, clicked)`` beside 添加一行 / 删除所选行, ``hide_column(name)``, ``column(name)``,
    ``table`` (the QTableWidget) and ``changed``.
    """

    changed = Signal()

    def __init__(self, field: Field, ref_choices: Callable[[str], list[tuple[str, str]]], parent=None):
        super().__init__(parent)
        self.field = field
        self.child = KINDS[field.ref]
        link = self.child.parent[0] if self.child.parent else None
        self.columns = [f for f in self.child.fields if f.name != link and f.type != CHILDREN]
        self._ref_choices = ref_choices
        self._meta: list[dict] = []  # per table row: its id and the values of fields not edited here
        self._value_rows: list[int] = []  # table row of each row value() gave, for marking problems
        self.table = QTableWidget(0, len(self.columns))
        self.table.setObjectName(f"{field.name}_table")
        self.table.setHorizontalHeaderLabels([f.label + ("＊" if f.required else "") for f in self.columns])
        self.table.setItemDelegate(_CellDelegate(self))
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed | QAbstractItemView.SelectedClicked)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setMinimumHeight(150)
        header = self.table.horizontalHeader()
        wide = next((i for i, f in enumerate(self.columns) if f.type == LONGTEXT), None)
        for i, f in enumerate(self.columns):
            header.resizeSection(i, _cell_width(f))
        if wide is not None:
            header.setSectionResizeMode(wide, QHeaderView.Stretch)
        else:
            header.setStretchLastSection(True)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        self.add_row_button = QPushButton("添加一行")
        self.add_row_button.setObjectName(f"{field.name}_add")
        self.add_row_button.clicked.connect(lambda: self._add_and_edit())
        self.remove_button = QPushButton("删除所选行")
        self.remove_button.setObjectName(f"{field.name}_remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.bar = QHBoxLayout()
        self.bar.setContentsMargins(0, 0, 0, 0)
        self.bar.addWidget(self.add_row_button)
        self.bar.addWidget(self.remove_button)
        self.bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.table)
        layout.addLayout(self.bar)
        self.setFocusProxy(self.table)

    # --- for extensions -------------------------------------------------------------------------------
    def add_button(self, text: str, name: str, clicked: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda: clicked())
        self.bar.insertWidget(self.bar.count() - 1, button)
        return button

    def column(self, name: str) -> int:
        return next(i for i, f in enumerate(self.columns) if f.name == name)

    def hide_column(self, name: str) -> None:
        self.table.setColumnHidden(self.column(name), True)

    # --- rows -------------------------------------------------------------------------------------------
    def add_row(self, values: Mapping | None = None) -> int:
        values = {**self.child.defaults, **(values or {})}
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        self._meta.append({k: values[k] for k in ("id", *self.child.field_names()) if k in values})
        for column, f in enumerate(self.columns):
            self._put(row, column, values.get(f.name), values.get(f"{f.name}__title"))
        self.table.blockSignals(False)
        self.changed.emit()
        return row

    def _add_and_edit(self) -> None:
        row = self.add_row()
        first = next(i for i in range(len(self.columns)) if not self.table.isColumnHidden(i))
        # Typing now fills the cell, as in a spreadsheet; Tab moves along the row.
        self.table.setCurrentCell(row, first)
        self.table.setFocus(Qt.OtherFocusReason)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()} or (
            {self.table.currentRow()} if self.table.currentRow() >= 0 else set()), reverse=True)
        for row in rows:
            self.table.removeRow(row)
            del self._meta[row]
        if rows:
            self.changed.emit()

    def set_value(self, rows) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self._meta = []
        self.table.blockSignals(False)
        for row in rows or ():
            self.add_row(row)
        self.changed.emit()

    def value(self) -> list[dict]:
        out, self._value_rows = [], []
        for row in range(self.table.rowCount()):
            cells = {f.name: self._cell_value(row, i) for i, f in enumerate(self.columns)}
            meta = self._meta[row]
            blank = all(v in (None, "", 0) for v in cells.values())
            if blank and not meta.get("id"):
                continue
            out.append({**meta, **cells})
            self._value_rows.append(row)
        return out

    def commit_editing(self) -> None:
        """Take in the cell being typed, if any (a save must not lose it)."""
        if self.table.state() != QAbstractItemView.EditingState:
            return
        editor = QApplication.focusWidget()
        while editor is not None and editor.parentWidget() is not self.table.viewport():
            editor = editor.parentWidget()
        if editor is not None:
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.NoHint)

    def _cell_value(self, row: int, column: int):
        item = self.table.item(row, column)
        if self.columns[column].type == BOOL:  # ticked in the cell itself, without an editor
            return 1 if item.checkState() == Qt.Checked else 0
        return item.data(VALUE)

    def mark_rows(self, messages: list[str]) -> None:
        """Tint the rows the problems name (check_record says 检查项目第 2 行：…, counting the rows given)."""
        marked: dict[int, list[str]] = {}
        for message in messages:
            found = re.match(rf"{re.escape(self.field.label)}第 (\d+) 行：", message)
            if found and 0 < int(found.group(1)) <= len(self._value_rows):
                marked.setdefault(self._value_rows[int(found.group(1)) - 1], []).append(message)
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            for column in range(len(self.columns)):
                item = self.table.item(row, column)
                item.setBackground(QBrush(ROW_MARK) if row in marked else QBrush())
                if column == 0:
                    item.setToolTip("\n".join(marked.get(row, [])) or item.data(Qt.DisplayRole))
        self.table.blockSignals(False)

    # --- cells ------------------------------------------------------------------------------------------
    def _put(self, row: int, column: int, value, title: str | None = None) -> None:
        f = self.columns[column]
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        if f.type == BOOL:
            item.setFlags((item.flags() | Qt.ItemIsUserCheckable) & ~Qt.ItemIsEditable)
            item.setCheckState(Qt.Checked if value else Qt.Unchecked)
            value = 1 if value else 0
        text = self._text(f, value, title)
        item.setData(VALUE, value)
        item.setData(Qt.DisplayRole, text)
        item.setToolTip(text if len(text) > 8 else "")
        if f.type in (INT, MONEY, DECIMAL):
            item.setTextAlignment(int(Qt.AlignRight | Qt.AlignVCenter))

    def _text(self, f: Field, value, title: str | None = None) -> str:
        if value is None or value == "" or f.type == BOOL:
            return ""
        if f.type in (MONEY, DECIMAL):
            return f"{value / 100:.2f}" if isinstance(value, int) else str(value)
        if f.type == REF:
            return title or next((t for t, data in self._ref_choices(f.ref) if data == value), "（已删除的记录）")
        if f.type == TAGS:
            return "、".join(split_tags(value))
        return str(value).replace("\n", " ")

    def _cell_changed(self, row: int, column: int, value) -> None:
        self.table.blockSignals(True)
        self._put(row, column, value)
        self.table.blockSignals(False)
        self.changed.emit()


def _cell_width(f: Field) -> int:
    if f.type == DATE:
        return 110
    if f.type in (CHOICE, BOOL, INT, MONEY, DECIMAL):
        return 84
    if f.type == REF:
        return 200
    return 110 if f.max_length <= 50 else 220


class _CellDelegate(QStyledItemDelegate):
    """The editor of a child table's cell, by its field's type; what it gives back is a storage value."""

    def __init__(self, owner: ChildTable):
        super().__init__(owner)
        self.owner = owner

    def eventFilter(self, editor, event) -> bool:
        # Enter ends the cell's editing and nothing more. Qt's own handling commits later and lets the key on
        # to the dialog, whose default button would save the record without the cell just typed.
        if event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.NoHint)
            return True
        return super().eventFilter(editor, event)

    def createEditor(self, parent, option, index: QModelIndex):
        f = self.owner.columns[index.column()]
        if f.type in (CHOICE, REF):
            editor = QComboBox(parent)
            if not f.required:
                editor.addItem("", None)
            options = [(c, c) for c in f.choices()] if f.type == CHOICE else self.owner._ref_choices(f.ref)
            for text, data in options:
                editor.addItem(text, data)
            if f.type == REF:
                searchable(editor, "输入名称查找")
            return editor
        editor = QLineEdit(parent)
        if f.type == DATE:
            editor.setPlaceholderText("如 2026-03-05")
        elif f.type == INT:
            editor.setValidator(QIntValidator(0, 10**9, editor))
        elif f.type in (MONEY, DECIMAL):
            editor.setValidator(QDoubleValidator(0, 1e12, 2, editor))
            editor.setPlaceholderText("元" if f.type == MONEY else "")
        else:
            editor.setMaxLength(f.max_length)
        return editor

    def setEditorData(self, editor, index: QModelIndex) -> None:
        f = self.owner.columns[index.column()]
        value = index.data(VALUE)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(value) if value is not None else (-1 if f.required else 0))
        elif f.type in (MONEY, DECIMAL):
            editor.setText("" if value is None else f"{value / 100:.2f}")
        else:
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor, model, index: QModelIndex) -> None:
        f = self.owner.columns[index.column()]
        if isinstance(editor, QComboBox):
            value = editor.currentData() if editor.currentIndex() >= 0 else None
            if f.type == REF and editor.currentText() != editor.itemText(editor.currentIndex()):
                value = None  # typed text that names no record
        else:
            text = editor.text().strip()
            if f.type == DATE:
                value = _typed_date(text)
            elif f.type == INT:
                value = int(text) if text else None
            elif f.type in (MONEY, DECIMAL):
                value = round(float(text) * 100) if text else None
            else:
                value = text or None
        self.owner._cell_changed(index.row(), index.column(), value)


class RecordForm(QWidget):
    """The editors of a record kind's fields. ``values()`` returns storage values; ``show_problems`` marks them."""

    changed = Signal()

    def __init__(self, kind: RecordKind, *, fields: list[str] | None = None,
                 overrides: Mapping[str, Mapping] | None = None,
                 ref_choices: Callable[[str], list[tuple[str, str]]] | None = None, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.overrides = overrides or {}
        given = ref_choices or (lambda _kind: [])
        cache: dict[str, list] = {}
        # Asked once per kind referred to: the form's reference fields and every row of its tables share it.
        self._ref_choices = lambda name: cache[name] if name in cache else cache.setdefault(name, list(given(name)))
        names = fields or [f.name for f in kind.fields]
        self.fields = [kind.field(n) for n in names]
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.rows: dict[str, tuple[QLabel, QWidget]] = {}
        self.groups: dict[str, QGroupBox] = {}
        self.general = QLabel(wordWrap=True, styleSheet=ERROR_STYLE)
        self.general.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Never squeeze the rows below their height: a long form scrolls instead (the 重大 items).
        layout.setSizeConstraint(QLayout.SetMinimumSize)
        layout.addWidget(self.general)
        forms: dict[str, QFormLayout] = {}
        for f in self.fields:
            group = f.group
            if group not in forms:
                box = QGroupBox(group) if len({x.group for x in self.fields}) > 1 else QWidget()
                forms[group] = QFormLayout(box)
                forms[group].setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
                forms[group].setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
                self.groups[group] = box
                layout.addWidget(box)
            editor = self._editor(f)
            self.editors[f.name] = editor
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            column.addWidget(editor)
            error = QLabel(wordWrap=True, styleSheet=ERROR_STYLE)
            error.hide()
            column.addWidget(error)
            self.errors[f.name] = error
            label = QLabel(self._label(f) + ("＊" if self._required(f) else ""))
            # A table alone in a group of its own name (检查人员) needs no second heading.
            label.setVisible(not (f.type == CHILDREN and f.label == group
                                  and sum(1 for x in self.fields if x.group == group) == 1))
            label.setBuddy(editor)
            if f.help:
                label.setToolTip(f.help)
                editor.setToolTip(f.help)
            if f.type == CHILDREN:  # a table takes the form's whole width, its label above it
                forms[group].addRow(label)
                forms[group].addRow(holder)
            else:
                forms[group].addRow(label, holder)
            self.rows[f.name] = (label, holder)
        layout.addStretch(1)
        self.changed.connect(self._apply_conditions)
        self._apply_conditions()

    # --- building ---------------------------------------------------------------------------------------
    def _label(self, f: Field) -> str:
        return self.overrides.get(f.name, {}).get("label", f.label)

    def _required(self, f: Field) -> bool:
        return self.overrides.get(f.name, {}).get("required", f.required)

    def _editor(self, f: Field) -> QWidget:
        choices = self.overrides.get(f.name, {}).get("choices")
        if f.type == CHILDREN:
            editor = ChildTable(f, self._ref_choices)
            editor.changed.connect(self.changed)
        elif f.type == DATE:
            editor = DateField()
            editor.changed.connect(self.changed)
        elif f.type == LONGTEXT:
            editor = QPlainTextEdit()
            editor.setTabChangesFocus(True)
            editor.setFixedHeight(64)
            editor.textChanged.connect(self.changed)
        elif f.type == BOOL:
            editor = QCheckBox()
            editor.toggled.connect(self.changed)
        elif f.type in (CHOICE, REF) or choices is not None:
            editor = QComboBox()
            options = choices if choices is not None else (
                [(c, c) for c in f.choices()] if f.type == CHOICE else self._ref_choices(f.ref))
            options = [o if isinstance(o, tuple) else (o, o) for o in options]
            if not self._required(f):
                editor.addItem("", None)
            for text, data in options:
                editor.addItem(text, data)
            if f.type == REF:
                searchable(editor, "输入名称或代码查找")
                editor.setCurrentIndex(-1)
            editor.currentIndexChanged.connect(self.changed)
        elif f.type == TAGS:
            editor = TagsField(f.choices())
            editor.changed.connect(self.changed)
        else:
            editor = QLineEdit()
            if f.type in (MONEY, DECIMAL):
                validator = QDoubleValidator(0, 1e12, 2)
                validator.setNotation(QDoubleValidator.StandardNotation)
                editor.setValidator(validator)
                editor.setPlaceholderText("元" if f.type == MONEY else "")
                editor.setMaximumWidth(180)
            elif f.type == INT:
                editor.setValidator(QIntValidator(0, 10**9))
                editor.setMaximumWidth(180)
            else:
                editor.setMaxLength(f.max_length)
            editor.textChanged.connect(self.changed)
        editor.setObjectName(f.name)
        return editor

    # --- values -------------------------------------------------------------------------------------------
    def commit_editing(self) -> None:
        """Take in what is being typed in a table's cell (before a save)."""
        for editor in self.editors.values():
            if isinstance(editor, ChildTable):
                editor.commit_editing()

    def values(self) -> dict:
        out = {}
        for f in self.fields:
            editor = self.editors[f.name]
            if isinstance(editor, (DateField, TagsField, ChildTable)):
                value = editor.value()
            elif isinstance(editor, QPlainTextEdit):
                value = editor.toPlainText().strip() or None
            elif isinstance(editor, QCheckBox):
                value = 1 if editor.isChecked() else 0
            elif isinstance(editor, QComboBox):
                value = editor.currentData() if editor.currentIndex() >= 0 else None
                if f.type == REF and editor.currentText() != editor.itemText(editor.currentIndex()):
                    value = None  # typed text that matches no unit
            else:
                text = editor.text().strip()
                if f.type in (MONEY, DECIMAL):
                    value = round(float(text) * 100) if text else None
                elif f.type == INT:
                    value = int(text) if text else None
                else:
                    value = text or None
            out[f.name] = value
        return out

    def set_values(self, values: Mapping) -> None:
        for f in self.fields:
            if f.name not in values:
                continue
            value = values[f.name]
            editor = self.editors[f.name]
            if isinstance(editor, (DateField, TagsField, ChildTable)):
                editor.set_value(value)
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value or "")
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(editor.findData(value) if value is not None else (0 if not self._required(f) else -1))
            elif f.type in (MONEY, DECIMAL):
                editor.setText("" if value is None else f"{value / 100:.2f}")
            else:
                editor.setText("" if value is None else str(value))
        self._apply_conditions()

    def _apply_conditions(self) -> None:
        current = None
        for f in self.fields:
            if f.only_when is None:
                continue
            current = current or self.values()
            visible = f.applies(current)
            for widget in self.rows[f.name]:
                widget.setVisible(visible)
        for name, box in self.groups.items():
            fields = [f for f in self.fields if f.group == name]
            box.setVisible(any(f.only_when is None or f.applies(current or self.values()) for f in fields))

    # --- problems ------------------------------------------------------------------------------------------
    def show_problems(self, problems: list[Problem]) -> QWidget | None:
        """Mark each problem at its field (or above the form); returns the first editor to fix."""
        for label in self.errors.values():
            label.hide()
        general = []
        first = None
        for p in problems:
            if p.field in self.errors:
                label = self.errors[p.field]
                label.setText(p.message if label.isHidden() else label.text() + "；" + p.message)
                label.show()
                if first is None:
                    first = self.editors[p.field]
            else:
                general.append(p.message)
        self.general.setText("\n".join(general))
        self.general.setVisible(bool(general))
        for name, editor in self.editors.items():
            if isinstance(editor, ChildTable):
                editor.mark_rows([p.message for p in problems if p.field == name])
        return first

    def editor(self, name: str) -> QWidget:
        return self.editors[name]

    def child_table(self, name: str) -> ChildTable:
        """The table of a CHILDREN field (for extensions: a checklist that fills the items)."""
        return self.editors[name]


def searchable(box: QComboBox, hint: str) -> None:
    """A list of records to pick from by typing any part of a name (a unit among hundreds)."""
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.NoInsert)
    box.completer().setFilterMode(Qt.MatchContains)
    box.completer().setCompletionMode(QCompleter.PopupCompletion)
    box.lineEdit().setPlaceholderText(hint)
