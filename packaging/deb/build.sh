#!/bin/bash
# Builds the Debian package of sangja with dpkg-deb (no other packaging tool):
#
#     bash packaging/deb/build.sh [BINARY] [OUTDIR]
#
# BINARY defaults to target/release/sangja (build it first: cargo build --release),
# OUTDIR to target/deb. Prints the path of the .deb. The man pages and
# completions come from the checked-in man/ and completions/ (kept fresh by
# packaging/gen-docs.sh). Runs as any user: files are owned by root in the
# package through --root-owner-group.
#
# Layout (the same in packaging/rpm/sangja.spec):
#   /usr/bin/sangja
#   /usr/bin/sangja-monitor   (the small monitor of detached containers, taken
#                              from next to BINARY: sangja finds it next to itself)
#   /usr/lib/systemd/{user,system}-generators/sangja-{user,system}-generator -> ../../../bin/sangja
#   /usr/share/man/man1/sangja*.1.gz
#   /usr/share/bash-completion/completions/sangja
#   /usr/share/zsh/vendor-completions/_sangja
#   /usr/share/fish/vendor_completions.d/sangja.fish
#   /usr/share/doc/sangja/copyright
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(realpath "${1:-$top/target/release/sangja}")
out=${2:-$top/target/deb}
[ -x "$bin" ] || { echo "no binary at $bin: run cargo build --release first" >&2; exit 1; }
small=$(dirname "$bin")/sangja-monitor
[ -x "$small" ] || { echo "no sangja-monitor next to $bin: run cargo build --release first (it builds both)" >&2; exit 1; }
for d in man completions; do
  [ -n "$(ls "$top/$d" 2>/dev/null | grep -v README)" ] || { echo "$top/$d is empty: run bash packaging/gen-docs.sh" >&2; exit 1; }
done

version=$("$bin" version --format '{{.Client.Version}}')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
mkdir -p "$root/DEBIAN"

install -D -m 0755 "$bin" "$root/usr/bin/sangja"
install -D -m 0755 "$small" "$root/usr/bin/sangja-monitor"
# Debug symbols are not shipped (the release profile has none; this drops the symbol table).
strip --strip-unneeded "$root/usr/bin/sangja" "$root/usr/bin/sangja-monitor" 2>/dev/null || true
for kind in user system; do
  mkdir -p "$root/usr/lib/systemd/$kind-generators"
  # Relative (Debian policy within /usr); it resolves to /usr/bin/sangja.
  ln -s ../../../bin/sangja "$root/usr/lib/systemd/$kind-generators/sangja-$kind-generator"
done
install -d -m 0755 "$root/usr/share/man/man1"
for page in "$top"/man/*.1; do
  gzip -9n < "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"
done
chmod 0644 "$root"/usr/share/man/man1/*.gz
install -D -m 0644 "$top/completions/sangja.bash" "$root/usr/share/bash-completion/completions/sangja"
install -D -m 0644 "$top/completions/_sangja" "$root/usr/share/zsh/vendor-completions/_sangja"
install -D -m 0644 "$top/completions/sangja.fish" "$root/usr/share/fish/vendor_completions.d/sangja.fish"
install -D -m 0644 "$top/packaging/deb/copyright" "$root/usr/share/doc/sangja/copyright"

# Shared-library dependencies as dpkg-shlibdeps computes them (it wants a
# debian/control beside it); by hand when dpkg-dev is missing.
shlibs="libc6 (>= 2.34), libgcc-s1 (>= 4.2)"
if command -v dpkg-shlibdeps >/dev/null; then
  mkdir -p "$stage/debian"
  printf 'Source: sangja\n\nPackage: sangja\nArchitecture: any\n' > "$stage/debian/control"
  computed=$(cd "$stage" && dpkg-shlibdeps -O -e root/usr/bin/sangja 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  [ -n "$computed" ] && shlibs=$computed
fi

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: sangja
Version: $version
Architecture: $arch
Maintainer: sangja developers <sangja@localhost>
Installed-Size: $size
Depends: $shlibs, uidmap
Recommends: passt, fuse3, slirp4netns
Section: admin
Priority: optional
Description: daemonless, rootless containers in the style of podman
 sangja runs OCI containers without a daemon: pull images from registries,
 run containers in a user namespace on overlays of their layers, with
 podman's command names and flags. Rootless networking uses pasta or
 slirp4netns; the systemd generators turn Quadlet-style .container files
 into units.
CONTROL
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/sangja_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
