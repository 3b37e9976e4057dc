"""`pjdesk ledger export` shows how far it is on stderr when stderr is a terminal (a clerk waiting on 200,000
rows sees it move), and writes no progress into a log or a pipe."""

from __future__ import annotations

import os
import subprocess
import sys

import openpyxl
import pytest

from tests.test_cli import pjdesk

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX only")


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    station = tmp_path_factory.mktemp("cli-export") / "station"
    assert pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=station).returncode == 0
    assert pjdesk("demo", "--seed", "3", "--hazards", "300", data_dir=station).returncode == 0
    return station


def with_terminal(*args, data_dir) -> tuple[int, str]:
    """Run pjdesk with stderr on a pseudo-terminal; its exit status and what the terminal showed."""
    import pty

    master, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "pjdesk", "--data-dir", str(data_dir), *args],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    shown = b""
    try:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal is gone: the process closed it
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    return process.wait(timeout=120), shown.decode("utf-8", "replace")


def test_a_terminal_sees_the_rows_counted_up_to_the_total(station, tmp_path):
    path = tmp_path / "台账.xlsx"
    code, shown = with_terminal("ledger", "export", str(path), data_dir=station)
    assert code == 0, shown
    assert "导出… 300/300" in shown
    assert f"已导出 300 条隐患到 {path}" in shown
    assert openpyxl.load_workbook(path).active.max_row == 303  # the title, the subtitle, the header, 300 rows


def test_a_pipe_gets_only_the_closing_line(station, tmp_path):
    path = tmp_path / "台账.xlsx"
    done = pjdesk("ledger", "export", str(path), data_dir=station)
    assert done.returncode == 0
    assert done.stderr.strip() == f"已导出 300 条隐患到 {path}"
