"""Writing a rendered file so that a crash or an error never leaves half of one where the old one was."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def write_replacing(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Calls ``write`` with a temporary path beside ``path``, then moves the result into place."""
    target = Path(path)
    # Not mkstemp: its file is private (0600), and a return is meant to be opened by other programs.
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        write(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
