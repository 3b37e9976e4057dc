"""Third-party licences of a frozen pjdesk, and the check that no GPL-only Qt part is in it.

    python installer/licenses.py dist/pjdesk          (pjdesk.spec runs this after every freeze)

1. Lists every Qt library and plugin in the bundle with its licence, and fails when one is GPL-only (the Virtual
   Keyboard, Qt Charts, …) or not known to be LGPL: pjdesk is handed to stations as a program, which Qt's LGPL
   allows and its GPL-only modules would not.
2. Writes the licence texts into ``licenses/`` of the bundle (``/opt/pjdesk/licenses`` once installed):
   those of the interpreter, of every Python distribution pjdesk needs (from their metadata), Qt's LGPL for
   PySide6 and Qt, the font's, and on Debian the copyright file of each system library PyInstaller bundled.

Run with the Python that froze the bundle: the distributions are read from its environment.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
LGPL = "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only"
GPL_ONLY = "GPL-3.0-only (or a commercial licence)"

# Qt modules known to be offered under the LGPL (Qt's own licensing page); anything else fails the check,
# known GPL-only or not, until someone has looked it up and added it here.
LGPL_MODULES = {
    "Core", "Gui", "Widgets", "Network", "DBus", "OpenGL", "OpenGLWidgets", "PrintSupport", "Svg", "SvgWidgets",
    "Pdf", "PdfWidgets", "XcbQpa", "WaylandClient", "WaylandEglClientHwIntegration", "WlShellIntegration",
    "Xml", "Concurrent", "Sql", "Test", "EglFSDeviceIntegration", "EglFsKmsSupport", "EglFsKmsGbmSupport",
}
GPL_ONLY_MODULES = {
    "VirtualKeyboard", "VirtualKeyboardSettings", "VirtualKeyboardQml", "Charts", "ChartsQml", "DataVisualization",
    "DataVisualizationQml", "Graphs", "GraphsWidgets", "Quick3D", "Quick3DPhysics", "Lottie", "NetworkAuth",
    "HttpServer", "WaylandCompositor", "Coap", "Mqtt", "OpcUa", "QuickTimeline", "ShaderTools",
}
# Plugin folders and the module whose licence they carry.
PLUGIN_MODULES = {
    "platforms": "Gui", "platformthemes": "Gui", "platforminputcontexts": "Gui", "imageformats": "Gui",
    "generic": "Gui", "iconengines": "Svg", "printsupport": "PrintSupport", "styles": "Widgets",
    "xcbglintegrations": "XcbQpa", "tls": "Network", "networkinformation": "Network", "sqldrivers": "Sql",
    "egldeviceintegrations": "EglFSDeviceIntegration", "wayland-shell-integration": "WaylandClient",
    "wayland-graphics-integration-client": "WaylandClient", "wayland-decoration-client": "WaylandClient",
    "wayland-inputdevice-integration": "WaylandClient", "wayland-graphics-integration-server": "WaylandCompositor",
    "virtualkeyboard": "VirtualKeyboard",
}
_QT_LIBRARY = re.compile(r"^(?:lib)?Qt6([A-Za-z0-9]+?)(?:\.so(?:\.\d+)*|d?\.dll)$")
_LICENCE_FILE = re.compile(r"(?i)^(licen[cs]e|copying|notice|authors)")


def licence_of(module: str) -> str | None:
    if module in LGPL_MODULES:
        return LGPL
    if module in GPL_ONLY_MODULES:
        return GPL_ONLY
    return None


def qt_parts(bundle: Path) -> list[tuple[str, str, str | None, Path]]:
    """(kind, module, licence or None when unknown, path) of every Qt library and plugin in the bundle."""
    parts = []
    for path in sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(bundle).as_posix()
        library = _QT_LIBRARY.match(path.name)
        if library:
            parts.append(("library", library.group(1), licence_of(library.group(1)), path))
        elif "/plugins/" in f"/{rel}" and path.suffix in (".so", ".dll"):
            folder = rel.split("/plugins/", 1)[1].split("/")[0]
            module = "VirtualKeyboard" if "virtualkeyboard" in path.name.lower() else PLUGIN_MODULES.get(folder, folder)
            parts.append(("plugin", module, licence_of(module), path))
    return parts


def check_qt(bundle: Path) -> list[str]:
    """Print the Qt parts with their licences; return the problems (empty: all LGPL)."""
    problems = []
    for kind, module, licence, path in qt_parts(bundle):
        print(f"  {licence or 'UNKNOWN':<45} {kind:<8} Qt{module:<28} {path.relative_to(bundle).as_posix()}")
        if licence != LGPL:
            why = "GPL-only" if licence else "licence not known (look it up, then add it to installer/licenses.py)"
            problems.append(f"{path.relative_to(bundle).as_posix()}: Qt {module}, {why}")
    return problems


def python_distributions(root: str = "pjdesk") -> dict[str, object]:
    """pjdesk's runtime distributions and theirs, as installed in this environment (markers evaluated here)."""
    found, todo = {}, [root]
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in found:
            continue
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        found[key] = dist
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    found.pop("pjdesk", None)
    # PyInstaller's bootloader is in the bundle too (GPL-2.0 with an exception that allows this use).
    with contextlib.suppress(PackageNotFoundError):
        found["pyinstaller"] = distribution("pyinstaller")
    return found


def copy_python_licences(out: Path) -> list[str]:
    notes = []
    for key, dist in sorted(python_distributions().items()):
        target = out / "python" / f"{key}-{dist.version}"
        target.mkdir(parents=True, exist_ok=True)
        files = [f for f in dist.files or [] if ".dist-info/" in f.as_posix() and _LICENCE_FILE.match(f.name)]
        for f in files:
            shutil.copyfile(f.locate(), target / f.name)
        meta = dist.metadata
        declared = meta.get("License-Expression") or meta.get("License") or ", ".join(
            c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::"))
        (target / "METADATA-license.txt").write_text(f"{meta['Name']} {dist.version}\nLicense: {declared}\n",
                                                     encoding="utf-8")
        if not files:
            notes.append(f"{key}: no licence file in its metadata (declared: {declared})")
    return notes


def copy_common_licences(out: Path) -> list[str]:
    """Python's own licence, Qt's (LGPL-3 and the GPL-3 it builds on) and the font's."""
    notes = []
    python = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    for candidate in (python, Path(sys.base_prefix) / "LICENSE.txt"):
        if candidate.is_file():
            shutil.copyfile(candidate, out / "Python-LICENSE.txt")
            break
    else:
        notes.append("Python: LICENSE.txt not found beside the standard library")
    common = Path("/usr/share/common-licenses")
    qt = out / "Qt-and-PySide6"
    qt.mkdir(exist_ok=True)
    (qt / "README.txt").write_text(
        "Qt 6 and PySide6 (Qt for Python) are used under the GNU Lesser General Public License version 3\n"
        f"({LGPL}). The Qt libraries are shared libraries in this folder's program and may be replaced.\n"
        "Source: https://download.qt.io/official_releases/ and https://code.qt.io/\n", encoding="utf-8")
    for name in ("LGPL-3", "GPL-3"):
        if (common / name).is_file():
            shutil.copyfile(common / name, qt / f"{name}.txt")
        else:
            notes.append(f"Qt: the {name} text was not found on this machine (/usr/share/common-licenses)")
    fonts = out / "fonts"
    fonts.mkdir(exist_ok=True)
    for text in (ROOT / "resources" / "fonts").glob("LICENSE*"):
        shutil.copyfile(text, fonts / f"wqy-microhei-{text.name}")
    return notes


def copy_debian_copyrights(bundle: Path, out: Path) -> list[str]:
    """The copyright file of the Debian package of each system library PyInstaller took from this machine."""
    if not shutil.which("dpkg-query") or not Path("/usr/share/doc").is_dir():
        return []
    notes, packages = [], set()
    for path in sorted(bundle.rglob("*.so*")):
        if not path.is_file() or path.is_symlink() or _QT_LIBRARY.match(path.name):
            continue
        found = subprocess.run(["dpkg-query", "-S", f"*/{path.name}"], capture_output=True, text=True)
        for line in found.stdout.splitlines():
            package = line.split(":", 1)[0].split(",")[0].strip()
            packages.add(package)
    target = out / "debian"
    target.mkdir(exist_ok=True)
    for package in sorted(packages):
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if copyright_file.is_file():
            shutil.copyfile(copyright_file, target / f"{package}.copyright")
        else:
            notes.append(f"{package}: no /usr/share/doc/{package}/copyright")
    return notes


def finish_bundle(bundle: Path) -> int:
    bundle = Path(bundle)
    print(f"Qt libraries and plugins in {bundle}:")
    problems = check_qt(bundle)
    internal = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    out = internal.parent / "licenses"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    notes = copy_common_licences(out) + copy_python_licences(out) + copy_debian_copyrights(internal, out)
    count = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"licences: {count} files in {out}")
    for note in notes:
        print(f"  note: {note}")
    if problems:
        print("GPL-only or unknown Qt parts in the bundle (take them out in pjdesk.spec):", *problems, sep="\n  ",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(finish_bundle(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist" / "pjdesk")))
