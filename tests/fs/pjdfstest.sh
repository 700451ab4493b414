#!/bin/sh
# tests/fs/pjdfstest.sh [SANGJA]: runs the POSIX suite pjdfstest (crates.io:
# `cargo install pjdfstest --root /opt/pjdfstest`) on a kernel overlay mount
# and on sangja's FUSE overlay over the same kind of layers, as root (the
# suite switches users), and prints both pass counts and the tests whose
# results differ. Exits 1 if any test fails on ours only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sangja=${1:-$here/../../target/release/sangja}
pjd=${PJDFSTEST:-$(command -v pjdfstest || echo /opt/pjdfstest/bin/pjdfstest)}
[ "$(id -u)" = 0 ] || { echo "pjdfstest.sh: run as root (the suite changes users)" >&2; exit 2; }
[ -x "$pjd" ] || { echo "pjdfstest.sh: no pjdfstest (cargo install pjdfstest --root /opt/pjdfstest)" >&2; exit 2; }
dir=$(mktemp -d)
chmod 755 "$dir" # the suite's users must reach the mount
trap 'chmod -R u+rwx "$dir" 2>/dev/null; rm -rf "$dir"' EXIT
# Two unprivileged users with their groups (the suite needs exactly two).
second=$(getent passwd sangjatest >/dev/null && echo sangjatest || echo daemon)
cat >"$dir/pjd.toml" <<CONF
[features]
posix_fallocate = {}
utimensat = {}
utime_now = {}
[settings]
naptime = 0.01
allow_remount = false
expected_failures = []
[dummy_auth]
entries = [["nobody", "$(id -gn nobody)"], ["$second", "$(id -gn "$second")"]]
CONF
for d in kernel fuse; do
	mkdir -p "$dir/$d/l1/pjd" "$dir/$d/up" "$dir/$d/work" "$dir/$d/mnt"
	chmod 777 "$dir/$d/l1/pjd"
	if [ $d = kernel ]; then k="--kernel $dir/$d/work"; else k=""; fi
	# shellcheck disable=SC2086
	"$sangja" __fuse-mount $k "$dir/$d/l1" "$dir/$d/up" "$dir/$d/mnt" -- \
		sh -c "cd '$dir/$d/mnt/pjd' && '$pjd' -c '$dir/pjd.toml' -p '$dir/$d/mnt/pjd'" >"$dir/$d.out" 2>&1 || true
	grep 'FAILED$' "$dir/$d.out" | awk '{print $1}' | sort >"$dir/$d.failed" || true
	printf '%-14s passed %4d  failed %4d  skipped %4d\n' "$d overlay" "$(grep -c ' ok$' "$dir/$d.out")" \
		"$(grep -c 'FAILED$' "$dir/$d.out")" "$(grep -c 'skipped$' "$dir/$d.out")"
done
only=$(comm -13 "$dir/kernel.failed" "$dir/fuse.failed")
echo "failing on the FUSE overlay only: ${only:-none}"
echo "failing on kernel overlay only: $(comm -23 "$dir/kernel.failed" "$dir/fuse.failed" | tr '\n' ' ')"
[ -z "$only" ]
