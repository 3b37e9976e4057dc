#!/usr/bin/env bash
# The Windows checks that a Linux machine can make (CI runs this script):
#
#   1. every runtime dependency installs on 64-bit Windows from binary wheels, for Python 3.10 to 3.13, the
#      markers of pyproject.toml (PySide6's) evaluated for Windows and each version (windows_wheels.py;
#      needs the package index);
#   2. makensis -WX compiles installer/pjdesk.nsi, warnings counted as errors, against a stand-in of the
#      frozen folder (a Linux machine cannot freeze the Windows program). The installer it writes is thrown
#      away: it holds no program.
#
#   bash installer/check.sh [PYTHON]      PYTHON: an interpreter with pip and packaging (default .venv/bin/python)
#
# Needs makensis (apt install nsis). Neither check runs anything on Windows: the frozen program and the
# installer are tried only by the Windows workflow (.github/workflows/windows.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-.venv/bin/python}"

echo "--- Windows wheels of the runtime dependencies ---"
"$python" installer/windows_wheels.py

echo "--- makensis -WX installer/pjdesk.nsi ---"
if ! command -v makensis >/dev/null; then
    echo "makensis is missing: apt install nsis" >&2
    exit 1
fi
stand_in=$(mktemp -d)
trap 'rm -rf "$stand_in"' EXIT
mkdir -p "$stand_in/pjdesk/_internal"
printf 'stand-in\n' >"$stand_in/pjdesk/pjdesk.exe"
printf 'stand-in\n' >"$stand_in/pjdesk/_internal/python311.dll"
makensis -V2 -WX -DSOURCE="$stand_in/pjdesk" -DOUTFILE="$stand_in/pjdesk-setup.exe" installer/pjdesk.nsi
test -s "$stand_in/pjdesk-setup.exe"
echo "pjdesk.nsi compiles without warnings ($(stat -c %s "$stand_in/pjdesk-setup.exe") bytes with the stand-in)"
