"""Check that every runtime dependency of pjdesk installs on 64-bit Windows from binary wheels alone.

    python installer/windows_wheels.py [--python 3.10 3.11 ...] [--dest DIR]

For each Python version, pip downloads the runtime dependencies of pyproject.toml as Windows wheels
(``pip download --only-binary=:all: --platform win_amd64``). pip evaluates environment markers for the machine
it runs on, not for the target, so the markers are evaluated here for Windows and that Python version: the
top-level ones (PySide6's exclusion of 6.12.0 below Python 3.12) before asking pip, and those of the wheels'
own dependencies afterwards (click needs colorama on Windows only); a dependency pip left out is added and
pip asked again, with everything, so that it resolves them together. Exits 1, naming the version and pip's
reason, when a dependency has no Windows wheel. Needs Python 3.11+ (tomllib) and ``packaging``.
"""

from __future__ import annotations

import argparse
import email.parser
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import tomllib
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def windows(python: str) -> dict[str, str]:
    """The marker environment of 64-bit CPython ``python`` on Windows."""
    env = default_environment()
    env.update(os_name="nt", sys_platform="win32", platform_system="Windows", platform_machine="AMD64",
               platform_release="10", implementation_name="cpython", platform_python_implementation="CPython",
               python_version=python, python_full_version=f"{python}.0", implementation_version=f"{python}.0")
    return env


def runtime_requirements() -> list[Requirement]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return [Requirement(r) for r in tomllib.load(fh)["project"]["dependencies"]]


def without_marker(req: Requirement) -> str:
    req = Requirement(str(req))
    req.marker = None
    return str(req)


def wheel_requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.BytesParser().parsebytes(zf.read(name), headersonly=True)
    return [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]


def download(python: str, wanted: list[str], dest: Path) -> None:
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
               "--only-binary=:all:", "--platform", "win_amd64", "--implementation", "cp",
               "--python-version", python, "--dest", str(dest), *wanted]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        reason = [line for line in done.stderr.splitlines() if line.startswith("ERROR")] or done.stderr.splitlines()
        raise SystemExit(f"Python {python}, Windows: no binary wheel for all of {' '.join(wanted)}\n"
                         + "\n".join(reason[-5:]))


def top_level(python: str) -> list[str]:
    """pyproject.toml's runtime dependencies that apply on Windows under ``python``, markers taken off."""
    env = windows(python)
    return [without_marker(r) for r in runtime_requirements() if r.marker is None or r.marker.evaluate(env)]


def check(python: str, dest: Path) -> list[str]:
    env = windows(python)
    wanted = top_level(python)
    for _ in range(5):
        download(python, wanted, dest)
        wheels = {canonicalize_name(parse_wheel_filename(w.name)[0]): w for w in dest.glob("*.whl")}
        missing = {without_marker(r) for wheel in wheels.values() for r in wheel_requirements(wheel)
                   if r.marker is not None and r.marker.evaluate({**env, "extra": ""})
                   and canonicalize_name(r.name) not in wheels}
        if not missing:
            return sorted(w.name for w in wheels.values())
        wanted += sorted(missing)
    raise SystemExit(f"Python {python}, Windows: the dependencies do not settle: {wanted}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", nargs="+", default=PYTHONS)
    parser.add_argument("--dest", type=Path, help="keep the wheels here (one folder per Python version)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.dest or Path(tmp)
        for python in args.python:
            dest = base / f"py{python}"
            dest.mkdir(parents=True, exist_ok=True)
            wheels = check(python, dest)
            print(f"Python {python}, Windows x64: {len(wheels)} wheels — " + ", ".join(wheels))
    return 0


if __name__ == "__main__":
    sys.exit(main())
