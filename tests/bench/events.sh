#!/usr/bin/env bash
# The event log's cost (engine events_log.rs): a `create` + `rm` cycle of one
# container (3 events: create, remove and the image's none) and `volume create` +
# `volume rm` (2 events), with sangja's log on (default) and off
# (events_logger = "none"), beside podman's with its file event log. As root, on
# a private store; median of $RUNS (hyperfine). Prints the figures and the ratios.
#
#   bash tests/bench/events.sh       # after cargo build --release and tests/setup.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SANGJA=${SANGJA:-$REPO/target/release/sangja}
RUNS=${RUNS:-20}
IMAGE=127.0.0.1:5000/busybox:latest
B=/tmp/sangja-bench-events
rm -rf "$B"; mkdir -p "$B"
printf '[engine]\nevents_logger = "none"\n' >"$B/off.conf"
printf '[engine]\nevents_logger = "file"\n' >"$B/on.conf"
S="$SANGJA --root $B/s-root --runroot $B/s-run"
P="podman --root $B/p-root --runroot $B/p-run --events-backend file"
$S pull -q --tls-verify=false $IMAGE >/dev/null
$P pull -q --tls-verify=false $IMAGE >/dev/null 2>&1 || true

med() { # name cmd
  hyperfine -N --warmup 2 --runs "$RUNS" --style none --export-json "$B/$1.json" "$2" >/dev/null 2>&1 \
    && jq -r '.results[0].median * 1000 | . * 10 | round / 10' "$B/$1.json" || echo n/a
}
cycle() { echo "bash -c '$1 create --name ev-b $IMAGE true >/dev/null && $1 rm ev-b >/dev/null'"; }
vcycle() { echo "bash -c '$1 volume create ev-v >/dev/null && $1 volume rm ev-v >/dev/null'"; }

on=$(CONTAINERS_CONF=$B/on.conf med s-on "$(cycle "$S")")
off=$(CONTAINERS_CONF=$B/off.conf med s-off "$(cycle "$S")")
pod=$(med p "$(cycle "$P")")
von=$(CONTAINERS_CONF=$B/on.conf med v-on "$(vcycle "$S")")
voff=$(CONTAINERS_CONF=$B/off.conf med v-off "$(vcycle "$S")")
vpod=$(med vp "$(vcycle "$P")")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
printf '%-28s %10s %10s %10s %14s %14s\n' "cycle (ms, median)" "log on" "log off" "podman" "on/off" "on/podman"
printf '%-28s %10s %10s %10s %14s %14s\n' "create + rm" "$on" "$off" "$pod" "$(ratio "$on" "$off")" "$(ratio "$on" "$pod")"
printf '%-28s %10s %10s %10s %14s %14s\n' "volume create + rm" "$von" "$voff" "$vpod" "$(ratio "$von" "$voff")" "$(ratio "$von" "$vpod")"
echo "event log: $(wc -c <"$B/s-run/events/events.log" 2>/dev/null || echo 0) bytes in $B/s-run/events/events.log"
