"""argparse in Chinese: the usage line, the headings, -h, and the messages of a wrong command line.

argparse passes its words through gettext (its module-level ``_`` and ``ngettext``), which would find a
translation only through the locale variables of the environment (never set on a Windows PC) and in the
process-wide domain. So a parser of this module puts its own lookup in their place while it is built, parses or
formats, and puts argparse's back afterwards: any other parser in the process keeps argparse's English.
"""

from __future__ import annotations

import argparse
import contextlib
import re
from collections.abc import Iterator

# argparse's words (its gettext message ids, Python 3.10 to 3.14) and what a user reads instead. Left out:
# the errors of a wrongly declared parser, which only a developer sees.
WORDS = {
    "usage: ": "用法：",
    "%(heading)s:": "%(heading)s：",
    "positional arguments": "位置参数",
    "options": "选项",
    "subcommands": "子命令",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    " (default: %(default)s)": "（默认：%(default)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s：警告：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "须给出以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)":
        "无效的选择：%(value)r，是否想输入 %(closest)r？（可选：%(choices)s）",
    # The type's name (int, float) is Python's, not a word for the user: the value alone says enough.
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "ignored explicit argument %r": "此选项不带值：%r",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可选：%(choices)s）",
    "argument '%(argument_name)s' is deprecated": "参数“%(argument_name)s”已不再使用",
    "option '%(option)s' is deprecated": "选项“%(option)s”已不再使用",
    "command '%(parser_name)s' is deprecated": "命令“%(parser_name)s”已不再使用",
}
# Chinese has one form for any count.
COUNTED = {"expected %s argument": "需要 %s 个值"}


def _gettext(message: str) -> str:
    return WORDS.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return COUNTED.get(singular, singular if n == 1 else plural)


@contextlib.contextmanager
def _in_chinese() -> Iterator[None]:
    # Not for threads: the command line parses on one.
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help with Chinese headings and placeholders; the description and the example keep their lines."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._headings: set[str] = set()

    def start_section(self, heading) -> None:
        if heading:
            self._headings.add(heading)
        super().start_section(heading)

    def format_help(self) -> str:
        text = super().format_help()
        # Before Python 3.13 argparse writes a heading's colon itself, out of gettext's reach.
        for heading in self._headings:
            text = re.sub(rf"^( *){re.escape(heading)}:$", rf"\g<1>{heading}：", text, flags=re.MULTILINE)
        return text

    def _get_default_metavar_for_optional(self, action) -> str:
        return "值"  # argparse would show the option's name in capitals (--month MONTH)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are Chinese (its commands are parsers of this class too).

    ``example``: one command line shown at the end of --help, under 示例.
    """

    def __init__(self, *args, example: str | None = None, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        if example is not None:
            kwargs.setdefault("epilog", f"示例：\n  {example}")
        with _in_chinese():
            super().__init__(*args, **kwargs)

    def parse_args(self, *args, **kwargs):
        with _in_chinese():
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args, **kwargs):
        with _in_chinese():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with _in_chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _in_chinese():
            return super().format_help()

    def add_argument(self, *args, **kwargs):
        if kwargs.get("action") == "version":
            # Before Python 3.13 the version action's help is English outside gettext.
            kwargs.setdefault("help", WORDS["show program's version number and exit"])
        with _in_chinese():
            return super().add_argument(*args, **kwargs)

    def error(self, message: str):
        # Python 3.10 writes "argument --x: " before a message itself, out of gettext's reach.
        message = re.sub(r"^argument (.+?): ", r"参数 \1：", message)
        with _in_chinese():
            super().error(message)
