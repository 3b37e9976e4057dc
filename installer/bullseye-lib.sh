# Shared by build-deb-bullseye.sh and smoke-deb.sh (sourced, not run): Debian 11 (bullseye) roots made with
# debootstrap, kept under build/bullseye/ between runs.
#
# Settings (environment):
#   DEBIAN_MIRROR            Debian mirror for the roots (default http://deb.debian.org/debian)
#   DEBIAN_SECURITY_MIRROR   its security archive (default http://deb.debian.org/debian-security)
#   PJDESK_BUILD_CA          a CA certificate (PEM, .crt) to trust inside the roots, for a network that
#                            intercepts HTTPS; by default the local CAs of this machine
#                            (/usr/local/share/ca-certificates/*.crt) are copied in
#   PJDESK_BUILD_CACHE       where the roots are kept (default build/bullseye)

cache="${PJDESK_BUILD_CACHE:-build/bullseye}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
base_tar="$cache/base.tar"

say() { printf '== %s\n' "$*" >&2; }

need_root() {
    if [[ $(id -u) != 0 ]]; then
        echo "debootstrap and chroot need root: run this script with sudo" >&2
        exit 1
    fi
    for tool in debootstrap chroot tar; do
        command -v "$tool" >/dev/null || { echo "$tool is missing (apt install debootstrap)" >&2; exit 1; }
    done
}

# Run a command inside a root with a clean environment (nothing of the host's leaks in).
in_root() {
    local root=$1
    shift
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        PIP_CERT=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
        PIP_DISABLE_PIP_VERSION_CHECK=1 "$@"
}

# /proc is needed by apt, the compiler and Qt; /dev is not bind-mounted (debootstrap made its nodes), so
# removing a root can never touch the host's devices.
mount_root() {
    local root=$1
    mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
}

umount_root() {
    local root=$1
    local point
    # Innermost first; "|| true": a root that was never mounted is fine.
    for point in $(awk -v r="$(realpath -m "$root")" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/mounts | sort -r); do
        umount -l "$point" || true
    done
}

remove_root() {
    local root=$1
    [[ -e $root ]] || return 0
    umount_root "$root"
    if awk -v r="$(realpath -m "$root")" 'index($2, r "/") == 1 {found=1} END {exit !found}' /proc/mounts; then
        echo "$root still has something mounted: not removing it" >&2
        exit 1
    fi
    rm -rf --one-file-system "$root"
}

trust_build_ca() {
    local root=$1
    local certs=()
    if [[ -n "${PJDESK_BUILD_CA:-}" ]]; then
        certs=("$PJDESK_BUILD_CA")
    else
        shopt -s nullglob
        certs=(/usr/local/share/ca-certificates/*.crt)
        shopt -u nullglob
    fi
    ((${#certs[@]})) || return 0
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp "${certs[@]}" "$root/usr/local/share/ca-certificates/"
    in_root "$root" update-ca-certificates >/dev/null
}

# The pristine minimal root, made once and kept as a tar: each build or smoke root starts from a copy.
ensure_base() {
    [[ -s $base_tar ]] && return 0
    local tmp="$cache/base.tmp"
    remove_root "$tmp"
    mkdir -p "$cache"
    say "debootstrap bullseye (minbase) from $mirror"
    debootstrap --variant=minbase --include=ca-certificates bullseye "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        { tail -n 20 "$cache/debootstrap.log" >&2; exit 1; }
    cat >"$tmp/etc/apt/sources.list" <<EOF
deb $mirror bullseye main
deb $mirror bullseye-updates main
deb $security_mirror bullseye-security main
EOF
    # Keep the root small and the builds repeatable: no recommends unless asked, no docs.
    printf 'APT::Install-Recommends "false";\n' >"$tmp/etc/apt/apt.conf.d/90pjdesk"
    tar -C "$tmp" --one-file-system -cf "$base_tar.part" . && mv "$base_tar.part" "$base_tar"
    remove_root "$tmp"
}

new_root() {
    local root=$1
    remove_root "$root"
    mkdir -p "$root"
    tar -C "$root" -xf "$base_tar"
    mount_root "$root"
    trust_build_ca "$root"
}
