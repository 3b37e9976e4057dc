#!/usr/bin/env bash
# Try the .deb as a station would, on the oldest system it is built for: a fresh Debian 11 (bullseye) root.
#
#   sudo bash installer/smoke-deb.sh [dist/pjdesk_<version>_<arch>.deb]
#
#   1. installs the package into a fresh minimal bullseye root with apt, which adds only the package's
#      declared dependencies (no recommends: not even a Chinese font, so the program's own font must do);
#   2. as a normal user there: pjdesk --version, init, demo, return build and sync export, each checked;
#   3. starts the program under Xvfb (run on this machine, its socket shared with the root), checks that its
#      window is open and saves a screenshot of the 工作台 as dist/smoke-工作台.png;
#   4. removes the package, and checks that /opt/pjdesk is gone and the user's data folder stayed.
# Then prints the sizes: the .deb (goal ≤ 60 MiB) and the installed program (goal ≤ 160 MiB).
#
# Needs root, debootstrap (the root is made from build/bullseye/base.tar, see bullseye-lib.sh), and on this
# machine Xvfb, xwd, xwininfo and ImageMagick's convert (apt install xvfb x11-apps x11-utils imagemagick).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=installer/bullseye-lib.sh
source installer/bullseye-lib.sh
need_root
for tool in Xvfb xwd xwininfo convert; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (apt install xvfb x11-apps x11-utils imagemagick)" >&2; exit 1; }
done

deb=${1:-$(ls -t dist/pjdesk_*.deb 2>/dev/null | head -n 1 || true)}
[[ -f $deb ]] || { echo "no package: build one with installer/build-deb-bullseye.sh" >&2; exit 1; }
root="$cache/smoke-root"
display=:77
xvfb_pid=
app_pid=
cleanup() {
    [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null
    [[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null
    umount_root "$root"
}
trap cleanup EXIT

ok() { printf '  ok  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*" >&2; exit 1; }

# Run as the station's user, in a login-like environment of its own.
as_user() {
    chroot --userspec=station:station "$root" /usr/bin/env -i HOME=/home/station USER=station LOGNAME=station \
        LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin DISPLAY="$display" "$@"
}

say "fresh bullseye root, then apt install $(basename "$deb")"
ensure_base
new_root "$root"
cp "$deb" "$root/tmp/"
in_root "$root" apt-get update -q >/dev/null
in_root "$root" apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "/tmp/$(basename "$deb")" >"$cache/smoke-install.log" 2>&1 ||
    { tail -n 20 "$cache/smoke-install.log" >&2; fail "apt could not install the package"; }
ok "installed, with $(grep -c '^Setting up' "$cache/smoke-install.log") packages in all (the package's Depends and theirs)"
# Every library of the program resolves, from the bundle or from a declared dependency. Qt's GTK 3 theme
# plugin is the one exception: it is used where GTK is installed, and skipped where it is not.
missing=$(in_root "$root" sh -c 'find /opt/pjdesk -type f \( -name "*.so*" -o -name pjdesk \) | while read -r f; do
    LD_LIBRARY_PATH=/opt/pjdesk/_internal ldd "$f" 2>/dev/null | grep "not found" | sed "s|^|$f: |"; done' |
    grep -v '/platformthemes/libqgtk3.so:' || true)
[[ -z $missing ]] || { echo "$missing" >&2; fail "libraries the package neither bundles nor depends on"; }
ok "every bundled library resolves (Qt's GTK 3 theme aside: it needs GTK, where there is one)"
[[ -s $root/opt/pjdesk/licenses/Qt-and-PySide6/LGPL-3.txt ]] || fail "no licence texts in /opt/pjdesk/licenses"
ok "licences: $(find "$root/opt/pjdesk/licenses" -type f | wc -l) files in /opt/pjdesk/licenses"
in_root "$root" useradd --create-home --shell /bin/bash station

say "the command line, as the user"
version=$(as_user pjdesk --version)
[[ $version == "pjdesk $(sed -n 's/^__version__ = "\(.*\)"$/\1/p' pjdesk/__init__.py)" ]] || fail "pjdesk --version said: $version"
ok "$version"
as_user pjdesk init --township 430626101 --operator 张三 >/dev/null || fail "pjdesk init"
ok "init: 安定镇 (430626101)"
as_user pjdesk demo >/dev/null || fail "pjdesk demo"
ok "demo: $(as_user pjdesk status | tr '\n' ' ' | cut -c1-120)"
month=$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m)
as_user pjdesk return build --month "$month" --form all --out /home/station/returns >/dev/null || fail "pjdesk return build"
files=$(find "$root/home/station/returns" -name '*.pdf' -size +1k | wc -l)
((files >= 3)) || fail "return build wrote $files PDF files"
ok "return build --month $month: $files PDF and $(find "$root/home/station/returns" -name '*.xlsx' | wc -l) XLSX files"
as_user pjdesk ledger export /home/station/台账.xlsx --status all >/dev/null || fail "pjdesk ledger export"
as_user pjdesk --data-dir /home/station/另一站 init --township 430626102 --operator 李四 >/dev/null
as_user pjdesk --data-dir /home/station/另一站 ledger import /home/station/台账.xlsx --dry-run >/dev/null ||
    fail "pjdesk ledger import --dry-run"
ok "ledger export, and import --dry-run of it into another station"
as_user pjdesk sync export --out /home/station/exchange >/dev/null || fail "pjdesk sync export"
bundle=$(find "$root/home/station/exchange" -name '*.pjz' | head -n 1)
[[ -s $bundle ]] || fail "sync export wrote no exchange file"
ok "sync export: $(basename "$bundle") ($(du -k "$bundle" | cut -f 1) KiB)"

say "the window, under Xvfb"
Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >"$cache/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do [[ -S /tmp/.X11-unix/X${display#:} ]] && break; sleep 0.2; done
mkdir -p "$root/tmp/.X11-unix"
mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"
as_user pjdesk >"$cache/smoke-gui.log" 2>&1 &
app_pid=$!
shown=
for _ in $(seq 60); do
    if xwininfo -display "$display" -root -tree 2>/dev/null | grep -q 'pjdesk 安全生产台账'; then shown=1; break; fi
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 1
done
[[ -n $shown ]] || { cat "$cache/smoke-gui.log" >&2; fail "the main window did not open"; }
sleep 5  # the 工作台 computes its targets in the background; let it paint them
mkdir -p dist
xwd -display "$display" -root -silent | convert xwd:- dist/smoke-工作台.png
ok "window open: $(xwininfo -display "$display" -root -tree | grep -o '"pjdesk 安全生产台账[^"]*"' | head -n 1)"
ok "screenshot: dist/smoke-工作台.png"
kill "$app_pid" 2>/dev/null || true
wait "$app_pid" 2>/dev/null || true
app_pid=
umount "$root/tmp/.X11-unix"

say "remove the package"
in_root "$root" apt-get remove -y -q -o Dpkg::Use-Pty=0 pjdesk >/dev/null
[[ ! -e $root/opt/pjdesk && ! -e $root/usr/bin/pjdesk ]] || fail "the program is still there after removal"
[[ -s $root/home/station/.local/share/pjdesk/pjdesk.db ]] || fail "the user's data folder went with the package"
ok "program removed; ~/.local/share/pjdesk kept ($(ls "$root/home/station/.local/share/pjdesk" | tr '\n' ' '))"

deb_size=$(stat -c %s "$deb")
installed_kib=$(dpkg-deb -f "$deb" Installed-Size)
printf 'sizes: .deb %.1f MiB (goal 60), installed %.1f MiB (goal 160), %s\n' \
    "$(echo "$deb_size / 1048576" | bc -l)" "$(echo "$installed_kib / 1024" | bc -l)" "$(dpkg-deb -f "$deb" Depends)"
echo "smoke test passed"
