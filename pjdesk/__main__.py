"""``pjdesk`` with no command starts the desktop program; with a command it runs the command line."""

from __future__ import annotations

import sys


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if _wants_gui(argv):
        missing = _no_display()
        if missing:
            print(missing, file=sys.stderr)
            return 1
        from pjdesk.ui.app import run

        return run(argv)
    from pjdesk.cli import main as cli_main

    return cli_main(argv)


def _no_display(environ=None) -> str | None:
    """On Linux without a screen (over ssh, a server) Qt would abort with its own English message: say it in
    one line instead, and what to do. Windows and macOS always have one; an explicit QT_QPA_PLATFORM is obeyed."""
    import os

    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return ("pjdesk: 没有可用的图形界面（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开程序窗口。"
            "请在电脑桌面上启动 pjdesk；在命令行中可使用 pjdesk status、pjdesk sync 等命令（pjdesk --help 查看）。")


def _wants_gui(argv: list[str]) -> bool:
    """No command given: only the global --data-dir option (or none)."""
    rest = list(argv)
    while rest and rest[0].startswith("--data-dir"):
        rest = rest[2:] if rest[0] == "--data-dir" else rest[1:]
    return not rest


if __name__ == "__main__":
    sys.exit(main())
