"""另存…: where to (the save dialog starts in the folder this desk last saved in, not wherever the program was
started), and what came of it (the file's place, with a button to open it or its folder)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from .desk_settings import last_folder, remember_folder


def ask_save_path(parent, session, title: str, name: str, filters: str = "") -> Path | None:
    """The path the person chose for a file proposed as ``name`` (None: cancelled); its folder is remembered."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(last_folder(session) / name), filters)
    if not path:
        return None
    remember_folder(session, path)
    return Path(path)


def ask_open_paths(parent, session, title: str, filters: str, *, many: bool = False) -> list[Path]:
    """The file(s) the person chose to open (empty: cancelled), looked for first in the folder this desk last
    used; that folder is remembered."""
    start = str(last_folder(session))
    if many:
        paths, _ = QFileDialog.getOpenFileNames(parent, title, start, filters)
    else:
        path, _ = QFileDialog.getOpenFileName(parent, title, start, filters)
        paths = [path] if path else []
    if paths:
        remember_folder(session, paths[0])
    return [Path(p) for p in paths]


def say_saved(parent, path: Path, what: str = "文件") -> None:
    """Where the file went, and the offer to open it or the folder it is in."""
    path = Path(path)
    box = QMessageBox(QMessageBox.Information, "已保存", f"{what}已保存到：\n{path}", parent=parent)
    box.setObjectName("saved_message")
    open_file = box.addButton("打开文件", QMessageBox.AcceptRole)
    open_folder = box.addButton("打开所在文件夹", QMessageBox.ActionRole)
    box.setDefaultButton(box.addButton("关闭", QMessageBox.RejectRole))
    box.exec()
    if box.clickedButton() is open_file:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    elif box.clickedButton() is open_folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
