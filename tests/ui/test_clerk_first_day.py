"""Small things a new clerk meets on the first day: an error that goes once it is answered, buttons that say
by being greyed out that a row must be chosen first, and 另存 that says where the file went and starts where
the last one was saved."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from pjdesk.core.periods import Month
from pjdesk.services import returns as return_service
from pjdesk.ui.first_run import FirstRunDialog
from pjdesk.ui.form_view import FormView
from pjdesk.ui.units_page import UnitsPage


def test_the_first_run_error_goes_once_a_township_is_chosen(qtbot, tmp_path):
    dialog = FirstRunDialog(tmp_path / "fresh")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.finish()
    assert dialog.error.isVisible() and "请选择所属乡镇" in dialog.error.text()
    dialog.township_box.setCurrentIndex(3)
    assert not dialog.error.isVisible()


def test_the_units_buttons_wait_for_a_unit_to_be_chosen(qtbot, session, unit):
    page = UnitsPage(session)
    qtbot.addWidget(page)
    page.show()
    page.table.clearSelection()
    page.table.setCurrentIndex(page.table.model().index(-1, -1))
    qtbot.wait(50)
    needing = {name: a.button.isEnabled() for name, a in page.actions.items() if a.needs_selection}
    assert needing and not any(needing.values()), needing
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: all(a.button.isEnabled() for a in page.actions.values() if a.needs_selection))


def _save_through_the_dialog(answer_dialog, target, seen):
    def fill(dialog):
        assert isinstance(dialog, QFileDialog)
        seen.append(dialog.directory().absolutePath())
        dialog.selectFile(str(target))
        dialog.accept()
    answer_dialog(fill)


def test_save_as_says_where_and_starts_in_the_last_folder(qtbot, session, answer_dialog, tmp_path):
    view = FormView(session)
    qtbot.addWidget(view)
    view.show()
    month = Month(2026, 10)
    view.show_form(return_service.fill_form(session, "表2", month))
    folder = tmp_path / "报表存档"
    folder.mkdir()
    seen, said = [], []

    def read_and_close(box):
        assert isinstance(box, QMessageBox)
        said.append((box.text(), [b.text() for b in box.buttons()]))
        [close] = [b for b in box.buttons() if b.text() == "关闭"]
        close.click()

    _save_through_the_dialog(answer_dialog, folder / "十月表2.pdf", seen)
    answer_dialog(read_and_close)
    saved = view.save_as("pdf")
    assert saved == folder / "十月表2.pdf" and saved.exists()
    [(text, buttons)] = said
    assert str(saved) in text
    assert {"打开文件", "打开所在文件夹", "关闭"} <= set(buttons)

    # The next 另存 starts in that folder, in this program and the next time it runs.
    _save_through_the_dialog(answer_dialog, folder / "十月表2.xlsx", seen)
    answer_dialog(read_and_close)
    again = FormView(session)
    qtbot.addWidget(again)
    again.show_form(return_service.fill_form(session, "表2", month))
    assert again.save_as("xlsx").exists()
    assert seen[1] == str(folder)
