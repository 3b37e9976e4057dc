"""The desktop program (PySide6). It talks to pjdesk.services only.

The services the window opens with are imported here, before anything imports PySide6: once PySide6 is loaded,
it reads the source of every module imported after it (to look for its ``__feature__`` switches), which cost
the start-up about 50 ms for the storage, the services and sqlite-utils, none of which uses PySide6.
"""

from pjdesk.services import hazards, reminders, session  # noqa: F401 - imported for the reason above
