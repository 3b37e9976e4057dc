"""Where the shipped resources (configuration, fonts, icons) live.

Installed from a wheel they sit inside the package (``pjdesk/resources``); in a source checkout they sit
at the top level beside the package; in a frozen build PyInstaller unpacks them next to the program.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    candidates = [Path(__file__).resolve().parents[1] / "resources", Path(__file__).resolve().parents[2] / "resources"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "resources")
    for candidate in candidates:
        if (candidate / "config").is_dir():
            return candidate
    raise FileNotFoundError("resources/ not found next to the pjdesk package")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@cache
def load_config(name: str) -> dict:
    """A JSON file of resources/config, parsed once per process."""
    with open(resource_path("config", f"{name}.json"), encoding="utf-8") as fh:
        return json.load(fh)
