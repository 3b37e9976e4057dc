"""Entry forms generated from the record declarations (pjdesk.core.records).

One widget per declared field, chosen by its type; fields that apply only in some cases (the 重大 items)
show only then; problems appear in red under the field they concern. Keyboard-first: the tab order is the
declaration order, multi-line fields pass Tab on, and the dialog's default button saves on Enter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from pjdesk.core.dates import NotADate, parse_date
from pjdesk.core.records import (
    BOOL,
    CHOICE,
    DATE,
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
        self.calendar = QCalendarWidget()
        self.calendar.setLocale(QLocale(QLocale.Chinese, QLocale.China))
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.button.setMenu(menu)
        self.calendar.clicked.connect(self._picked)
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


class RecordForm(QWidget):
    """The editors of a record kind's fields. ``values()`` returns storage values; ``show_problems`` marks them."""

    changed = Signal()

    def __init__(self, kind: RecordKind, *, fields: list[str] | None = None,
                 overrides: Mapping[str, Mapping] | None = None,
                 ref_choices: Callable[[str], list[tuple[str, str]]] | None = None, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.overrides = overrides or {}
        self._ref_choices = ref_choices or (lambda _kind: [])
        names = fields or kind.field_names()
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
            label.setBuddy(editor)
            if f.help:
                label.setToolTip(f.help)
                editor.setToolTip(f.help)
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
        if f.type == DATE:
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
                editor.setEditable(True)
                editor.setInsertPolicy(QComboBox.NoInsert)
                editor.completer().setFilterMode(Qt.MatchContains)
                editor.completer().setCompletionMode(QCompleter.PopupCompletion)
                editor.lineEdit().setPlaceholderText("输入名称或代码查找")
                editor.setCurrentIndex(-1)
            editor.currentIndexChanged.connect(self.changed)
        elif f.type == TAGS:
            editor = TagsField(f.choices())
            editor.changed.connect(self.changed)
        else:
            editor = QLineEdit()
            if f.type == MONEY:
                validator = QDoubleValidator(0, 1e12, 2)
                validator.setNotation(QDoubleValidator.StandardNotation)
                editor.setValidator(validator)
                editor.setPlaceholderText("元")
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
    def values(self) -> dict:
        out = {}
        for f in self.fields:
            editor = self.editors[f.name]
            if isinstance(editor, (DateField, TagsField)):
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
                if f.type == MONEY:
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
            if isinstance(editor, (DateField, TagsField)):
                editor.set_value(value)
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value or "")
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(editor.findData(value) if value is not None else (0 if not self._required(f) else -1))
            elif f.type == MONEY:
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
        return first

    def editor(self, name: str) -> QWidget:
        return self.editors[name]
