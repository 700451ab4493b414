#!/bin/sh
# tests/bench/fuse.sh [SANGJA]: kernel overlay vs fuse-overlayfs vs sangja's
# FUSE overlay on the same lower layers; prints one table with the ratios.
#
# Lower layers: a Debian 12 minbase image (debootstrap, built once when run
# as root with debootstrap installed, or BENCH_ROOTFS=DIR to use a tree of
# your own) cut into four layers: /usr/lib, /usr/share, the rest of /usr, and
# everything else on top. Without either: four slices of this machine's /usr
# (docs, python, perl, zoneinfo). Copied once to $BENCH_DIR.
# Each driver gets a fresh upper layer and a fresh mount (so "cold" means the
# mount's own caches are empty; the layers' files are in the page cache).
# Run as root (fuse-overlayfs in a mount namespace) or as a user (each in a
# user+mount namespace). Needs fuse-overlayfs (Debian package) and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sangja=${1:-$here/../../target/release/sangja}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/sangja-bench-fuse-$(id -u)}
mb=${BENCH_MB:-500}

mkdir -p "$dir"
rootfs=${BENCH_ROOTFS:-}
if [ -z "$rootfs" ] && [ "$(id -u)" = 0 ] && command -v debootstrap >/dev/null; then
	rootfs=$dir/debian
	if [ ! -e "$dir/debian.done" ]; then
		echo "building a Debian 12 minbase tree with debootstrap (once; log: $dir/debootstrap.log)" >&2
		rm -rf "$rootfs"
		debootstrap --variant=minbase bookworm "$rootfs" "${BENCH_MIRROR:-http://deb.debian.org/debian}" >"$dir/debootstrap.log" 2>&1
		touch "$dir/debian.done"
	fi
fi
source=${rootfs:-host-usr}
if [ "$(cat "$dir/layers.done" 2>/dev/null)" != "$source" ]; then
	rm -rf "$dir/l1" "$dir/l2" "$dir/l3" "$dir/l4"
	mkdir -p "$dir/l1" "$dir/l2" "$dir/l3" "$dir/l4"
	if [ -n "$rootfs" ]; then
		# Top to bottom: the rest, usr without lib and share, usr/share, usr/lib.
		tar -C "$rootfs" --exclude=./usr --exclude=./dev --exclude=./proc --exclude=./sys -cf - . | tar -C "$dir/l1" -xf -
		tar -C "$rootfs" --exclude=./usr/lib --exclude=./usr/share -cf - ./usr | tar -C "$dir/l2" -xf -
		tar -C "$rootfs" -cf - ./usr/share | tar -C "$dir/l3" -xf -
		tar -C "$rootfs" -cf - ./usr/lib | tar -C "$dir/l4" -xf -
	else
		mkdir -p "$dir/l1/usr/share" "$dir/l2/usr/lib" "$dir/l3/usr/share" "$dir/l4/usr/share"
		cp -a /usr/share/doc "$dir/l1/usr/share/"
		cp -a /usr/lib/python3.11 "$dir/l2/usr/lib/" 2>/dev/null || true
		cp -a /usr/share/perl "$dir/l3/usr/share/" 2>/dev/null || true
		cp -a /usr/share/zoneinfo "$dir/l4/usr/share/"
	fi
	tar -C /usr/share -cf "$dir/src.tar" perl
	echo "$source" >"$dir/layers.done"
fi
lower="$dir/l1:$dir/l2:$dir/l3:$dir/l4"
# Every driver starts with the layers' files in the page cache.
find "$dir/l1" "$dir/l2" "$dir/l3" "$dir/l4" -type f -print0 | xargs -0 cat >/dev/null

# The measurements, run inside each mount: "name milliseconds" lines.
cat >"$dir/inner.sh" <<'INNER'
cd "$1"
t() { s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo "$name $(((e - s) / 1000000))"; }
readall() { find . -type f -print0 | xargs -0 cat; }
statwalk() { find . -printf '%s %m %u\n'; }
name=cold_read t readall
name=warm_read t readall
name=warm_read2 t readall
name=cold_stat t statwalk
name=warm_stat t statwalk
name=warm_stat2 t statwalk
name=write_5000 t /usr/bin/python3 -c '
import os
os.mkdir("w")
for i in range(5000):
    with open("w/f%d" % i, "w") as f:
        f.write("x" * 1024)'
name=untar t tar -xf "$2"
name=seq_write t dd if=/dev/zero of=big bs=1M count="$3"
# What most programs do (stdio buffers): 100 MB in 8 KiB writes.
name=write_8k t dd if=/dev/zero of=small-writes bs=8k count=12800
name=seq_read t dd if=big of=/dev/null bs=1M
INNER

# Kernel overlay leaves a mode-000 work/work folder: make it removable first.
clean() { chmod -R u+rwx "$@" 2>/dev/null || true; rm -rf "$@"; }
# Each run gets new folders and nothing is removed until the end: on ext4
# without a journal, creating files right after thousands were removed costs
# a scan of the recently deleted inodes per file (recently_deleted()), which
# would charge one driver for the clean-up of the one before it.
# sync: no driver's seq_write runs into the dirty-page limit left by the one
# before it (500 MB each; measured: dd alone 0.45 s, after two others 0.9 s).
fresh() { sync; mkdir -p "$dir/runs/$1$round/up" "$dir/runs/$1$round/work" "$dir/runs/$1$round/mnt"; }
[ -e "$dir/runs" ] && clean "$dir/runs" && touch "$dir/cleaned"
if [ -e "$dir/cleaned" ]; then
	wait=$((31 - $(date +%s) + $(stat -c %Y "$dir/cleaned")))
	if [ "$wait" -gt 0 ]; then
		echo "waiting ${wait} s for ext4 to stop counting the last run's removed files as recently deleted" >&2
		sleep "$wait"
	fi
fi
run_kernel() {
	fresh k
	r=$dir/runs/k$round
	"$sangja" __fuse-mount --kernel "$r/work" "$lower" "$r/up" "$r/mnt" -- sh "$dir/inner.sh" "$r/mnt" "$dir/src.tar" "$mb"
}
run_ours() {
	fresh s
	r=$dir/runs/s$round
	"$sangja" __fuse-mount "$lower" "$r/up" "$r/mnt" -- sh "$dir/inner.sh" "$r/mnt" "$dir/src.tar" "$mb"
}
run_fo() {
	fresh f
	r=$dir/runs/f$round
	if [ "$(id -u)" = 0 ]; then ns="unshare -m --propagation private"; else ns="unshare -rm"; fi
	$ns sh -c '
		fuse-overlayfs -o "lowerdir=$1,upperdir=$2/up,workdir=$2/work" "$2/mnt" || exit 1
		sh "$3" "$2/mnt" "$4" "$5"
		fusermount3 -u "$2/mnt" 2>/dev/null || umount "$2/mnt"' sh "$lower" "$r" "$dir/inner.sh" "$dir/src.tar" "$mb"
}

# Rounds in rotation, the best time of each kept: a shared machine's noise
# only ever adds time.
: >"$dir/kernel.out"; : >"$dir/fo.out"; : >"$dir/ours.out"
round=0
while [ $round -lt "${BENCH_ROUNDS:-3}" ]; do
	run_kernel >>"$dir/kernel.out"
	run_fo >>"$dir/fo.out"
	run_ours >>"$dir/ours.out"
	round=$((round + 1))
done

echo "lower layers ($source): $(find "$dir/l1" "$dir/l2" "$dir/l3" "$dir/l4" -type f | wc -l) files, $(du -sh "$dir/l1" "$dir/l2" "$dir/l3" "$dir/l4" | awk '{print $1}' | tr '\n' ' ')"
printf '%-12s %10s %10s %10s %12s %14s\n' test kernel_ms fuse-ovl_ms ours_ms ours/kernel ours/fuse-ovl
for n in cold_read warm_read warm_read2 cold_stat warm_stat warm_stat2 write_5000 untar seq_write write_8k seq_read; do
	k=$(awk -v n=$n '$1 == n && (m == "" || $2 < m) {m = $2} END {print m}' "$dir/kernel.out")
	f=$(awk -v n=$n '$1 == n && (m == "" || $2 < m) {m = $2} END {print m}' "$dir/fo.out")
	o=$(awk -v n=$n '$1 == n && (m == "" || $2 < m) {m = $2} END {print m}' "$dir/ours.out")
	awk -v n=$n -v k="${k:-0}" -v f="${f:-0}" -v o="${o:-0}" 'BEGIN {
		r1 = (k > 0) ? sprintf("%.2f", o / k) : "-"; r2 = (f > 0) ? sprintf("%.2f", o / f) : "-"
		printf "%-12s %10d %10d %10d %12s %14s\n", n, k, f, o, r1, r2 }'
done
echo "(best of ${BENCH_ROUNDS:-3} rounds; ratios: time ours / time other, below 1 means ours is faster; seq_* are $mb MB)"
clean "$dir/runs"
touch "$dir/cleaned"
