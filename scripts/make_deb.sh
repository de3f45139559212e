#!/bin/bash
# Builds the Debian package of traceaid with dpkg-deb from a staging folder filled here with
# install(1): scripts/make_deb.sh BINARY OUTDIR [MANPAGE] writes OUTDIR/traceaid_VERSION_ARCH.deb
# and prints its path. BINARY must be built with PREFIX=/usr (make deb does), so that it finds
# the themes where the package puts them. The version is the binary's own (--version), the
# architecture dpkg's, and Depends comes from the shared libraries the binary actually links:
# dpkg-shlibdeps when dpkg-dev is there, else each NEEDED library's package (dpkg -S) at the
# version installed. The maintainer is DEBFULLNAME <DEBEMAIL>, else git's user.
set -euo pipefail

bin=${1:?usage: make_deb.sh BINARY OUTDIR [MANPAGE]}
outdir=${2:?usage: make_deb.sh BINARY OUTDIR [MANPAGE]}
man=${3-}
src=$(cd "$(dirname "$0")/.." && pwd)

[[ -x $bin ]] || { echo "make_deb.sh: $bin: no such binary" >&2; exit 2; }

version=$("$bin" --version | awk '{ print $2 }')
arch=$(dpkg --print-architecture)
[[ $version =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || { echo "make_deb.sh: '$version' is not a version" >&2; exit 2; }

# Staged as debian/traceaid/ of a scratch folder, where dpkg-shlibdeps expects a package's files.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/debian/traceaid

install -D -m 0755 -s "$bin" "$stage/usr/bin/traceaid"
install -d -m 0755 "$stage/usr/share/traceaid/themes"
install -m 0644 "$src"/themes/*.theme "$stage/usr/share/traceaid/themes/"
install -d -m 0755 "$stage/usr/share/doc/traceaid/docs"
install -m 0644 "$src/README.md" "$stage/usr/share/doc/traceaid/"
install -m 0644 "$src"/docs/*.md "$stage/usr/share/doc/traceaid/docs/"
install -D -m 0644 "$src/completions/traceaid.bash" "$stage/usr/share/bash-completion/completions/traceaid"
install -D -m 0644 "$src/completions/_traceaid" "$stage/usr/share/zsh/vendor-completions/_traceaid"
if [[ -n $man && -f $man ]]; then
    install -d -m 0755 "$stage/usr/share/man/man1"
    gzip -9n <"$man" >"$stage/usr/share/man/man1/traceaid.1.gz"
    chmod 0644 "$stage/usr/share/man/man1/traceaid.1.gz"
fi

cat >"$stage/usr/share/doc/traceaid/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: traceaid
Comment: The binary links the Debian libraries named in the package's Depends, each under
 its own licence (see /usr/share/doc/PACKAGE/copyright); no other code is built into it.

Files: *
Copyright: the traceaid authors
License: none-stated
 The source tree states no licence; until it does, its authors keep every right
 the law gives them.
EOF
chmod 0644 "$stage/usr/share/doc/traceaid/copyright"

# Depends from the libraries linked.
depends=
if command -v dpkg-shlibdeps >/dev/null; then
    mkdir -p "$work/debian"
    printf 'Source: traceaid\n\nPackage: traceaid\nArchitecture: any\n' >"$work/debian/control"
    depends=$(cd "$work" && dpkg-shlibdeps -O debian/traceaid/usr/bin/traceaid 2>/dev/null |
        sed -n 's/^shlibs:Depends=//p')
fi
if [[ -z $depends ]]; then
    declare -A seen=()
    for lib in $(objdump -p "$bin" | awk '$1 == "NEEDED" { print $2 }'); do
        path=$(ldd "$bin" | awk -v lib="$lib" '$1 == lib { print $3 }')
        [[ -n $path ]] || { echo "make_deb.sh: $lib is not found" >&2; exit 2; }
        # merged /usr: a package may own the other spelling of the path, or the alternative's target
        pkg=
        for p in "$path" "${path#/usr}" "/usr$path" "$(readlink -f "$path")"; do
            pkg=$(dpkg -S "$p" 2>/dev/null | head -1 | cut -d: -f1) && [[ -n $pkg ]] && break
        done
        [[ -n $pkg ]] || { echo "make_deb.sh: no package owns $path" >&2; exit 2; }
        [[ -n ${seen[$pkg]-} ]] && continue
        seen[$pkg]=1
        depends+="${depends:+, }$pkg (>= $(dpkg-query -W -f='${Version}' "$pkg"))"
    done
fi
[[ -n $depends ]] || { echo "make_deb.sh: no Depends found for $bin" >&2; exit 2; }

maintainer="${DEBFULLNAME:-$(git -C "$src" config user.name 2>/dev/null || echo traceaid)}"
maintainer+=" <${DEBEMAIL:-$(git -C "$src" config user.email 2>/dev/null || echo traceaid@localhost)}>"

install -d -m 0755 "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<EOF
Package: traceaid
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Section: devel
Priority: optional
Description: terminal explorer for event traces, with neural anomaly detection
 traceaid reads kernel and system event traces (Linux perf, ftrace and
 trace-cmd, LTTng CTF, QNX traceprinter, CSV) and structured logs, counts
 their events, trains DeepLog or seq2seq sequence models on clean traces,
 scores new traces segment by segment against them, and explains what it
 flags, from the command line or in an ncurses explorer.
EOF

mkdir -p "$outdir"
deb=$outdir/traceaid_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
