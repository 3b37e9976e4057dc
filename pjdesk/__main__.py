"""``pjdesk`` with no command starts the desktop program; with a command it runs the command line."""

from __future__ import annotations

import sys


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if _wants_gui(argv):
        from pjdesk.ui.app import run

        return run(argv)
    from pjdesk.cli import main as cli_main

    return cli_main(argv)


def _wants_gui(argv: list[str]) -> bool:
    """No command given: only the global --data-dir option (or none)."""
    rest = list(argv)
    while rest and rest[0].startswith("--data-dir"):
        rest = rest[2:] if rest[0] == "--data-dir" else rest[1:]
    return not rest


if __name__ == "__main__":
    sys.exit(main())
