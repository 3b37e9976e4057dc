"""What this desk remembers between runs (the window's place and size, the folder a file was last saved in):
an INI file in the data folder, beside the station it belongs to. Never the registry or the user's own
settings: another data folder (a test's, the demo's) starts as a fresh desk."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

FILE_NAME = "desk.ini"


def desk_settings(session) -> QSettings:
    return QSettings(str(Path(session.data_dir) / FILE_NAME), QSettings.IniFormat)


def last_folder(session, fallback: Path | None = None) -> Path:
    """The folder a file was last saved in or opened from (if it is still there), else ``fallback`` or the
    user's documents (never the folder the program happened to be started in)."""
    saved = desk_settings(session).value("files/last_folder")
    if saved and Path(saved).is_dir():
        return Path(saved)
    if fallback is not None:
        return fallback
    from PySide6.QtCore import QStandardPaths

    documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_folder(session, path: str | Path) -> None:
    folder = Path(path).parent
    settings = desk_settings(session)
    settings.setValue("files/last_folder", str(folder))
    settings.sync()
