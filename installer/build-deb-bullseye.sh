#!/usr/bin/env bash
# Build the .deb inside a Debian 11 (bullseye) root, so that it runs on glibc 2.31 and later: Kylin V10,
# Ubuntu 20.04, Debian 11 and newer. Needs root (debootstrap, chroot) and the Debian mirror; the first run
# takes long (the root, then Python built from source), later runs reuse both.
#
#   sudo bash installer/build-deb-bullseye.sh      writes dist/pjdesk_<version>_<arch>.deb
#
# What it does, each step cached under build/bullseye/ (delete a stamp or the folder to redo it):
#   1. a minimal bullseye root by debootstrap (base.tar), copied to build-root/;
#   2. the compiler, the -dev packages Python needs, and the X, OpenGL and xcb libraries that Qt's plugins
#      load, so that PyInstaller finds and bundles them;
#   3. Python 3.11 built in the root from Debian's own source package of bookworm (Debian 12), with its
#      security patches: bullseye's own Python is 3.9, past its end of life and below pjdesk's floor;
#   4. a fresh venv with the committed HEAD of this checkout and PyInstaller; pip picks the newest PySide6
#      built for that glibc (6.9.x);
#   5. PyInstaller and build-deb.sh --no-freeze, inside the root; the package is copied to dist/.
# Settings: see bullseye-lib.sh (mirror, HTTPS certificate, cache folder).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=installer/bullseye-lib.sh
source installer/bullseye-lib.sh
need_root

py=3.11  # bookworm's Python: a series Debian's security team patches
root="$cache/build-root"
trap 'umount_root "$root"' EXIT

build_packages=(
    build-essential dpkg-dev binutils file git
    libssl-dev zlib1g-dev libbz2-dev liblzma-dev libffi-dev libsqlite3-dev uuid-dev libexpat1-dev
    libncursesw5-dev libreadline-dev libgdbm-dev
)
# What the Qt libraries and plugins of the PySide6 wheel link to. PyInstaller bundles those it finds, except
# the ones that must come from the system (glibc, OpenGL/EGL, libxcb, wayland: build-deb.sh's Depends).
qt_packages=(
    libglib2.0-0 libgl1 libegl1 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
    libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xinerama0
    libxcb-xkb1 libxcb-util1 libwayland-client0 libwayland-cursor0 libwayland-egl1 libxrender1 libsm6 libice6
    libgssapi-krb5-2 libcups2
)

ensure_base
if [[ -e $root/.stamp-packages ]]; then
    mount_root "$root"
else
    say "build root: packages"
    new_root "$root"
    cat >"$root/etc/apt/sources.list.d/bookworm-src.list" <<EOF
deb-src $mirror bookworm main
deb-src $security_mirror bookworm-security main
EOF
    in_root "$root" apt-get update -q >/dev/null
    in_root "$root" apt-get install -y -q "${build_packages[@]}" "${qt_packages[@]}" >"$cache/packages.log" 2>&1 ||
        { tail -n 20 "$cache/packages.log" >&2; exit 1; }
    touch "$root/.stamp-packages"
fi

if [[ ! -e $root/.stamp-python ]]; then
    say "Python $py from Debian's source package (about 15 minutes on two cores)"
    in_root "$root" apt-get update -q >/dev/null
    # The newest version that can be fetched: a mirror may list the security archive's source and still not
    # serve it, and then the latest point release's (bookworm main) is taken; the log says which.
    in_root "$root" sh -ec "rm -rf /usr/src/python && mkdir -p /usr/src/python && cd /usr/src/python &&
        for v in \$(apt-cache showsrc python$py | sed -n 's/^Version: //p' | sort -Vr); do
            if apt-get source -q python$py=\$v; then echo \"python$py \$v\"; exit 0; fi
            rm -rf ./*
        done; exit 1" >"$cache/python-source.log" 2>&1 ||
        { tail -n 20 "$cache/python-source.log" >&2; exit 1; }
    say "$(tail -n 1 "$cache/python-source.log") from Debian's source"
    # Debian's patches are applied by dpkg-source; the build is upstream's own (configure, make) into
    # /opt/python3.11, without the Debian packaging around it. No PGO: it would run the test suite for an hour.
    # pyexpat and _elementtree are built into libpython against the system's expat, as Debian builds them: a
    # security patch of Debian's makes pyexpat.c need the interpreter's internal headers.
    in_root "$root" sh -ec "cd /usr/src/python/python$py-*/ &&
        printf '*static*\npyexpat pyexpat.c -lexpat\n_elementtree _elementtree.c\n' >Modules/Setup.local &&
        ./configure -q --prefix=/opt/python$py --enable-shared --with-system-ffi --with-system-expat \
            --with-ensurepip=no \
            LDFLAGS=-Wl,-rpath,/opt/python$py/lib OPT='-DNDEBUG -g0 -O2 -fwrapv' &&
        make -j\$(nproc) -s && rm -rf /opt/python$py && make -s install" >"$cache/python-build.log" 2>&1 ||
        { tail -n 30 "$cache/python-build.log" >&2; exit 1; }
    in_root "$root" "/opt/python$py/bin/python$py" -c "import ssl, sqlite3, lzma, bz2, ctypes, zlib, uuid, pyexpat, \
decimal, xml.etree.ElementTree; print(ssl.OPENSSL_VERSION, '- SQLite', sqlite3.sqlite_version)"
    touch "$root/.stamp-python"
fi

say "pjdesk $(git rev-parse --short HEAD) and PyInstaller in a fresh venv"
rm -rf "$root/build/src" "$root/build/venv"
mkdir -p "$root/build/src"
git archive --format=tar HEAD | tar -C "$root/build/src" -x
# Debian's ensurepip refuses the system Python but serves a venv: its pip is then brought up to date.
in_root "$root" "/opt/python$py/bin/python$py" -m venv /build/venv
in_root "$root" /build/venv/bin/pip install -q --upgrade pip
in_root "$root" /build/venv/bin/pip install -q "/build/src[build]" >"$cache/pip.log" 2>&1 ||
    { tail -n 20 "$cache/pip.log" >&2; exit 1; }
in_root "$root" /build/venv/bin/python -c 'import PySide6; print("PySide6", PySide6.__version__)'

say "freeze and package"
in_root "$root" sh -ec 'cd /build/src && /build/venv/bin/pyinstaller --noconfirm --log-level WARN installer/pjdesk.spec' \
    >"$cache/pyinstaller.log" 2>&1 || { tail -n 30 "$cache/pyinstaller.log" >&2; exit 1; }
in_root "$root" sh -ec 'cd /build/src && bash installer/build-deb.sh --no-freeze'
mkdir -p dist
cp "$root"/build/src/dist/pjdesk_*.deb dist/
ls -l "$root"/build/src/dist/pjdesk_*.deb
