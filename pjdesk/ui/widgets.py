"""Small widget makers the pages share."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton


def make_button(text: str, name: str, clicked: Callable) -> QPushButton:
    """A push button with its object name (which tests and style sheets find it by) and its action."""
    made = QPushButton(text)
    made.setObjectName(name)
    made.clicked.connect(clicked)
    return made
