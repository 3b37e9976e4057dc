"""Started with no screen (over ssh, on a server), the program says so in one Chinese line instead of Qt's abort."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a missing display is a Linux matter")
def test_no_display_is_one_chinese_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "pjdesk", "--data-dir", str(tmp_path / "d")], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("pjdesk: 没有可用的图形界面") and "pjdesk status" in line
