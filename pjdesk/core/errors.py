"""The one exception a user may see: its message is plain Chinese and says what to do next."""


class PjdeskError(Exception):
    """Work refused or failed for a reason the user can act on.

    ``str(error)`` is the message shown to the user (dialog, status bar, stderr), never a traceback.
    """


class ValidationError(PjdeskError):
    """A record failed its rules; ``problems`` holds one entry per field."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("；".join(p.message for p in self.problems))
