"""The file system's refusals in Chinese: what a message says instead of Python's English strerror."""

from __future__ import annotations

import errno
import re
import sys

import pytest

from pjdesk.core.errors import OS_REASONS, os_reason


def refusal(action) -> OSError:
    try:
        action()
    except OSError as e:
        return e
    raise AssertionError("the file system did not refuse")


def read(path) -> None:
    with open(path, "rb"):
        pass


def test_real_refusals_are_said_in_chinese(tmp_path):
    (tmp_path / "台账.xlsx").write_bytes(b"")
    assert os_reason(refusal(lambda: read(tmp_path / "没有这个文件.xlsx"))) == "找不到文件或文件夹"
    assert os_reason(refusal(lambda: (tmp_path / "台账.xlsx" / "下级").mkdir())) == "路径中有一项不是文件夹"
    assert os_reason(refusal(lambda: tmp_path.mkdir())) == "已有同名的文件或文件夹"
    if sys.platform != "win32":  # Windows says EACCES for opening a folder
        assert os_reason(refusal(lambda: read(tmp_path))) == "这是一个文件夹，不是文件"


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EIO, 9999, None])
def test_every_reason_is_chinese_and_names_the_common_ones(number):
    reason = os_reason(OSError(number, "English words from the system"))
    assert not re.search(r"[A-Za-z]{3,}", reason)
    assert {errno.ENOSPC: "磁盘已满", errno.EACCES: "没有权限"}.get(number, "") in reason


def test_the_table_has_no_english():
    assert not [r for r in OS_REASONS.values() if re.search(r"[A-Za-z]{3,}", r)]


@pytest.mark.skipif(sys.platform != "win32", reason="Windows error codes exist on Windows only")
def test_a_file_held_open_by_another_program_on_windows():
    assert "其他程序" in os_reason(OSError(None, "The process cannot access the file", "台账.xlsx", 32))
