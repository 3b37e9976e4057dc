"""One version number per release, in pjdesk/__init__.py: the package, the 更新说明 and the installers read it."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from pjdesk import __version__

ROOT = Path(__file__).parents[1]


def test_the_version_is_a_release_number():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_the_installed_package_has_the_programs_version():
    # pyproject.toml reads it from pjdesk/__init__.py; after changing it, install again (pip install -e .).
    assert version("pjdesk") == __version__


def test_the_changelog_says_what_this_version_changed():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    [section] = re.findall(rf"^## {re.escape(__version__)}\b.*?(?=^## |\Z)", text, re.M | re.S)
    assert "### 中文" in section and "### English" in section


def test_the_installers_read_the_version_from_the_package():
    for script, pattern in (("installer/build-deb.sh", "pjdesk/__init__.py"),
                            ("installer/pjdesk.nsi", r"..\pjdesk\__init__.py")):
        assert pattern in (ROOT / script).read_text(encoding="utf-8-sig"), script
