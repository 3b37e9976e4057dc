"""The device's letter in the hazard numbers from the command line: chosen at setup, shown by status."""

from __future__ import annotations

import json

from tests.test_cli import pjdesk


def test_a_laptop_is_set_up_with_its_own_letter(tmp_path):
    done = pjdesk("init", "--township", "430626101", "--operator", "李四", "--device-name", "外业笔记本",
                  "--letter", "b", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "编号字母 B" in done.stdout
    status = json.loads(pjdesk("status", "--json", data_dir=tmp_path).stdout)
    assert status["hazard_numbers"] == {"letter": "B", "clashes": []}
    shown = pjdesk("status", data_dir=tmp_path).stdout
    assert "本机隐患编号字母 B（430626101-年份-B0001 起）" in shown and "逾期未整改 0" in shown


def test_a_letter_that_cannot_be_one_is_refused_with_one_line(tmp_path):
    done = pjdesk("init", "--township", "430626101", "--operator", "李四", "--letter", "J", data_dir=tmp_path)
    assert done.returncode == 1
    assert "交办" in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
