"""How big a dialog may open: a 1366×768 screen under a Windows taskbar leaves about 1366×728, and the title
bar takes its share of that, so a dialog is at most 680 pixels tall (what does not fit scrolls), and never
larger than the screen it opens on."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

DIALOG_HEIGHT = 680


def fit_dialog(dialog, width: int, height: int) -> None:
    """Resize ``dialog`` to ``width``×``height``, or less where the screen or the 680-pixel rule says so."""
    room = (dialog.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    dialog.resize(min(width, room.width() - 40), min(height, DIALOG_HEIGHT, room.height() - 48))
