"""The command line's own words are Chinese: argparse's usage, headings, -h and its errors, and no English
operating-system error inside a message. Each command's --help ends with an example that works."""

from __future__ import annotations

import argparse
import re
import shlex

import pytest

from pjdesk.cli import build_parser
from tests.test_cli import pjdesk

# Names a Chinese user types or reads as they are: the program, file formats, the names of what pjdesk writes
# (its backups folder, a daily backup's file), and the parser's own command names, option names and choices
# (read from the parser below).
LATIN_KEPT = {"pjdesk", "PDF", "Excel", "JSON", "xlsx", "xls", "pjz", "JPEG", "PNG", "YYYY", "WPS", "jpg", "backups", "daily"}


def subcommands(parser: argparse.ArgumentParser):
    """(words typed to reach it, parser) for the parser and every command under it."""
    yield [], parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                for path, found in subcommands(sub):
                    yield [name, *path], found


def typed_values() -> set[str]:
    """Values a command takes that are not declared as choices: record kinds and document types."""
    from pjdesk.core.kinds import KINDS
    from pjdesk.services.documents import ALIASES

    return {k.command for k in KINDS.values() if k.command} | {w for alias in ALIASES for w in alias.split("-")}


def allowed_words() -> set[str]:
    words = LATIN_KEPT | typed_values()
    for path, parser in subcommands(build_parser()):
        words.update(path)
        for action in parser._actions:
            for option in action.option_strings:
                words.update(option.lstrip("-").split("-"))
            if action.choices and not isinstance(action, argparse._SubParsersAction):
                words.update(map(str, action.choices))
    return {w.lower() for w in words}


def english_words(text: str) -> list[str]:
    allowed = allowed_words()
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() not in allowed]


def test_top_level_help_is_chinese():
    done = pjdesk("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("用法：pjdesk")
    assert "显示本帮助并退出" in done.stdout and "选项：" in done.stdout
    assert english_words(done.stdout) == []


def test_a_command_help_is_chinese_and_has_an_example():
    done = pjdesk("sync", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("用法：pjdesk sync")
    assert "示例：" in done.stdout
    assert english_words(done.stdout) == []


def test_a_missing_argument_is_said_in_chinese(tmp_path):
    done = pjdesk("ledger", "import", data_dir=tmp_path)
    assert done.returncode == 2
    assert "缺少必需的参数：文件" in done.stderr and "错误：" in done.stderr
    assert english_words(done.stderr) == []


@pytest.mark.parametrize("args", [("ledger", "export", "台账.xlsx", "--status", "bogus"), ("bogus",),
                                  ("demo", "--seed", "many"), ("status", "--jsn"), ("init", "--township")])
def test_usage_errors_are_said_in_chinese(tmp_path, args):
    done = pjdesk(*args, data_dir=tmp_path)
    assert done.returncode == 2
    assert "错误：" in done.stderr
    assert english_words(done.stderr.replace("bogus", "").replace("many", "").replace("jsn", "")) == []


def test_a_missing_file_is_said_in_chinese(tmp_path):
    assert pjdesk("init", "--township", "430626101", "--operator", "张三", data_dir=tmp_path).returncode == 0
    done = pjdesk("sync", "import", str(tmp_path / "没有这个文件.pjz"), data_dir=tmp_path)
    assert done.returncode == 1
    assert "找不到文件" in done.stderr
    assert english_words(done.stderr) == []


def every_command():
    return [path for path, _ in subcommands(build_parser()) if path]


@pytest.mark.parametrize("path", every_command(), ids=" ".join)
def test_every_command_help_is_chinese_with_an_example_that_parses(path):
    parser = dict((tuple(p), found) for p, found in subcommands(build_parser()))[tuple(path)]
    shown = parser.format_help()
    assert english_words(shown) == []
    [example] = re.findall(r"示例：\n\s+(pjdesk .+)", shown)
    words = shlex.split(example, posix=False)[1:]  # posix=False: E:\\ stays a Windows folder
    assert words[:len(path)] == path
    build_parser().parse_args(words)  # the example is a command the parser takes


def test_the_chinese_words_stay_with_pjdesk_parsers():
    build_parser().format_help()
    other = argparse.ArgumentParser(prog="other")
    assert other.format_help().startswith("usage: other")  # argparse itself is left as it was


def test_a_parser_s_own_version_help_and_its_errors_are_chinese_on_every_python(capsys):
    from pjdesk.chinese_argparse import ChineseArgumentParser

    parser = ChineseArgumentParser(prog="pjdesk")
    parser.add_argument("--version", action="version", version="pjdesk 1")  # no help of its own
    parser.add_argument("--seed", type=int, metavar="整数")
    assert "显示版本号并退出" in parser.format_help()
    with pytest.raises(SystemExit):
        parser.parse_args(["--seed", "七"])
    assert capsys.readouterr().err.endswith("pjdesk：错误：参数 --seed：无效的值：'七'\n")


def test_the_program_s_own_options_are_chinese_too():
    done = pjdesk("--data-dir", env={"QT_QPA_PLATFORM": "offscreen"})  # no command: the window's options
    assert done.returncode == 2
    assert "错误：参数 --data-dir：需要一个值" in done.stderr
    assert english_words(done.stderr) == []
