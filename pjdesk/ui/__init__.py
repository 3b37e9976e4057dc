"""The desktop program (PySide6). It talks to pjdesk.services only."""
