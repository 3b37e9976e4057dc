"""The desktop program (PySide6). It talks to pjdesk.services only.

Once PySide6 is loaded, it asks of every module imported after it whether the module uses PySide6 (to know
where its ``__feature__`` switches, such as snake_case, may apply), by reading the module's source through
``inspect.getsource``: tokenised line by line, that cost the start-up about 50 ms for the storage, the
services and sqlite-utils, none of which uses PySide6, and the ledger page's first opening some 10 ms more.
So the services the window opens with are imported here before PySide6, and for every module imported after
it with a source file, the same question is answered by reading the file's bytes (``_answer_plainly``):
the same answer, for a fraction of the cost. pjdesk uses no feature switch.
"""

import sys

from pjdesk.services import hazards, reminders, session  # noqa: F401 - imported for the reason above


def _answer_plainly() -> None:
    """PySide6's question "does this module use PySide6" answered from the source file's bytes.

    PySide6 (6.8 to 6.11 at least) asks it through ``_mod_uses_pyside`` of its feature module, answering from
    the text ``inspect.getsource`` gives; a module without a ``.py`` file, or one that cannot be read, is left
    to it. Where a PySide6 has no such function, nothing is changed."""
    import PySide6.QtCore  # noqa: F401 - loads the feature module

    feature = sys.modules.get("shibokensupport.feature")
    asked = getattr(feature, "_mod_uses_pyside", None)
    if asked is None or getattr(asked, "answers_plainly", False):
        return

    def uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return asked(module)

    uses_pyside.answers_plainly = True
    feature._mod_uses_pyside = uses_pyside


_answer_plainly()
