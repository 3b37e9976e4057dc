#!/usr/bin/env bash
# Build dist/pjdesk_<version>_<arch>.deb for UOS, Kylin and Debian from the PyInstaller one-folder build.
#
#   bash installer/build-deb.sh               freeze with PyInstaller, then package
#   bash installer/build-deb.sh --no-freeze   package the dist/pjdesk that is already there
#
# The program goes to /opt/pjdesk, with /usr/bin/pjdesk, a menu entry and the icon. Freeze on the oldest
# system you ship to: the bundle needs at least the glibc of the machine that froze it, and the package's
# Depends says which (libc6 >= that), so dpkg refuses a too-old system instead of the program crashing.
# Needs dpkg-deb and objdump (binutils, which PyInstaller needs too).
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' pjdesk/__init__.py)
arch=$(dpkg --print-architecture)
maintainer="${DEBFULLNAME:-平江县应急管理局} <${DEBEMAIL:-pjdesk@localhost}>"

if [[ "${1:-}" != --no-freeze ]]; then
    "${PYINSTALLER:-pyinstaller}" --noconfirm installer/pjdesk.spec
fi
if [[ ! -x dist/pjdesk/pjdesk ]]; then
    echo "dist/pjdesk/pjdesk is missing: run pyinstaller installer/pjdesk.spec first" >&2
    exit 1
fi

# Qt's X11 plugin needs these xcb libraries, which minimal systems lack; PyInstaller bundles them only if
# the machine that froze the program had them (apt install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0).
for lib in libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-cursor.so.0; do
    if [[ ! -e "dist/pjdesk/_internal/$lib" ]]; then
        echo "$lib is not in dist/pjdesk: install it on this machine and freeze again" >&2
        exit 1
    fi
done

root="build/deb/pjdesk_${version}_${arch}"
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
    "$root/usr/share/icons/hicolor/256x256/apps"
cp -a dist/pjdesk "$root/opt/pjdesk"
ln -s /opt/pjdesk/pjdesk "$root/usr/bin/pjdesk"
install -m 644 resources/icons/pjdesk.png "$root/usr/share/icons/hicolor/256x256/apps/pjdesk.png"

cat > "$root/usr/share/applications/pjdesk.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=平江安全台账
GenericName=安全生产台账
Comment=平江县安全生产台账桌面端（离线）
Keywords=台账;隐患;安全生产;pjdesk;
Exec=pjdesk
Icon=pjdesk
Terminal=false
Categories=Office;
StartupWMClass=pjdesk
EOF

# The newest glibc symbol version any bundled binary asks for.
glibc=$(find "$root/opt/pjdesk" -type f \( -name '*.so*' -o -perm -u+x \) \
    -exec sh -c 'objdump -T "$@" 2>/dev/null; true' sh {} + |
    grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -Vu | tail -n 1)
installed_size=$(du -sk --total "$root/opt" "$root/usr" | tail -n 1 | cut -f 1)

# Not bundled by PyInstaller, so taken from the system: glibc, OpenGL/EGL (glvnd), xcb and wayland clients;
# and left out by pjdesk.spec (SYSTEM_LIBRARIES) to be taken from the system: GLib, D-Bus and CUPS.
cat > "$root/DEBIAN/control" <<EOF
Package: pjdesk
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Section: misc
Priority: optional
Depends: libc6 (>= $glibc), libgl1, libegl1, libxcb1, libwayland-client0, libwayland-cursor0, libwayland-egl1,
 libglib2.0-0, libdbus-1-3, libcups2
Recommends: fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei
Description: 平江县安全生产台账桌面端
 Offline desktop program for the township safety stations and the county office
 of Pingjiang County: unit registry, inspections, the hazard ledger, training,
 drills, monthly returns (PDF and Excel) and signed data exchange files.
 .
 Uninstalling removes the program only; the ledger data in each user's data
 directory (~/.local/share/pjdesk) is kept.
EOF

chmod -R u+rwX,go+rX,go-w "$root"
mkdir -p dist
# xz, not zstd: the dpkg of UOS 20 and Kylin V10 cannot read zstd members.
dpkg-deb --root-owner-group -Zxz --build "$root" "dist/pjdesk_${version}_${arch}.deb"
