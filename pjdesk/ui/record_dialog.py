"""A record's entry dialog: the generated form, Ctrl+Enter saves (Enter too, in a one-line field), Esc
cancels, and a draft survives a crash.

Extensions of a kind (its own buttons, a checklist that fills a child table) get the dialog before it opens:
``dialog.form`` (its editors, ``form.child_table(name)``), ``dialog.record_id`` (None for a new record),
``add_button`` beside 保存, ``add_widget`` above the form, and ``saved`` with the service's outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pjdesk.core.errors import PjdeskError, ValidationError
from pjdesk.core.records import CHILDREN, ERROR, Problem, RecordKind
from pjdesk.services import drafts

from .dialog_room import fit_dialog
from .record_form import RecordForm
from .widgets import SAVE_TEXT, save_on_ctrl_enter


class RecordDialog(QDialog):
    """``check(values)`` lists problems as the user types; ``save(values)`` does the work and may refuse."""

    saved = Signal(object)  # what ``save`` returned (an Outcome), once the record is saved

    def __init__(self, session, kind: RecordKind, title: str, *, values: Mapping | None = None,
                 save: Callable[[dict], object], check: Callable[[dict], list[Problem]] | None = None,
                 fields: list[str] | None = None, overrides: Mapping | None = None,
                 ref_choices=None, draft_key: str | None = None, intro: str = "", record_id: str | None = None,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.session, self._save, self._check = session, save, check
        self.kind, self.record_id = kind, record_id
        self.draft_key = draft_key
        self.result_value = None
        self._tried = False
        self._answered = False
        self.form = RecordForm(kind, fields=fields, overrides=overrides, ref_choices=ref_choices)
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro, wordWrap=True)
        self.intro.setObjectName("intro")
        self.intro.setVisible(bool(intro))
        layout.addWidget(self.intro)
        tables = any(f.type == CHILDREN for f in self.form.fields)
        if len(self.form.fields) > 8 or tables:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.NoFrame)
            holder = QWidget()
            QVBoxLayout(holder).addWidget(self.form)
            scroll.setWidget(holder)
            layout.addWidget(scroll)
            # Child tables want width; a 1366×768 laptop screen is the size to fit.
            fit_dialog(self, 900 if tables else 760, 720)
        else:
            layout.addWidget(self.form)
            self.resize(520, 0)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Save).setText(SAVE_TEXT)
        self.buttons.button(QDialogButtonBox.Cancel).setText("取消（Esc）")
        self.buttons.button(QDialogButtonBox.Save).setDefault(True)
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        save_on_ctrl_enter(self, self.try_save)  # from any field, a multi-line box too (Enter adds a line there)
        layout.addWidget(self.buttons)

        draft = drafts.load_draft(session, draft_key) if draft_key else None
        if values:
            self.form.set_values(values)
        if draft and draft != (dict(values) if values else None):
            self.form.set_values(draft)
            self.form.general.setStyleSheet("color: #1a5fb4;")
            self.form.general.setText("已恢复上次未保存的内容。")
            self.form.general.show()
        self._draft_timer = QTimer(self, singleShot=True, interval=400, timeout=self._keep_draft)
        self.form.changed.connect(self._changed)
        first = self.form.editors[self.form.fields[0].name]
        first.setFocus(Qt.OtherFocusReason)

    # --- for extensions ---------------------------------------------------------------------------------
    def add_button(self, text: str, name: str, clicked: Callable[[], None]) -> QPushButton:
        """A button of the extension's beside 保存 (on the left of the row)."""
        button = self.buttons.addButton(text, QDialogButtonBox.ActionRole)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: clicked())
        return button

    def add_widget(self, widget: QWidget) -> None:
        """A widget of the extension's above the form (under the introduction)."""
        layout = self.layout()
        layout.insertWidget(layout.indexOf(self.intro) + 1, widget)

    def _changed(self) -> None:
        if self.draft_key:
            self._draft_timer.start()
        if self._tried and self._check:
            self.form.show_problems(self._check(self.form.values()))

    def _keep_draft(self) -> None:
        drafts.save_draft(self.session, self.draft_key, self.form.values())

    def try_save(self) -> bool:
        self.form.commit_editing()
        values = self.form.values()
        self._tried = True
        problems = [p for p in (self._check(values) if self._check else []) if p.level == ERROR]
        if problems:
            self._point_at(problems)
            return False
        try:
            self.result_value = self._save(values)
        except ValidationError as e:
            self._point_at(e.problems)
            return False
        except PjdeskError as e:
            QMessageBox.warning(self, "未保存", str(e))
            return False
        self._draft_timer.stop()
        if self.draft_key:
            drafts.discard_draft(self.session, self.draft_key)
        self.saved.emit(self.result_value)
        self.accept()
        return True

    def _point_at(self, problems) -> None:
        first = self.form.show_problems(problems)
        if first is not None:
            first.setFocus(Qt.OtherFocusReason)

    def reject(self) -> None:
        # Esc or 取消 is a decision: the draft goes. Closing the program keeps it (closeEvent is not reject).
        self._draft_timer.stop()
        if self.draft_key:
            drafts.discard_draft(self.session, self.draft_key)
        super().reject()

    def done(self, result: int) -> None:
        self._answered = True
        super().done(result)

    def keep_draft_now(self) -> None:
        # Not once answered: a dialog saved or cancelled earlier, and not yet deleted, has no draft to keep.
        if self.draft_key and not self._answered:
            self._keep_draft()
