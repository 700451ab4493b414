#!/usr/bin/env bash
# The memory of the long-lived process of each detached container: sangja's
# monitor against podman's conmon, rootless, as the test user sangjatest, on
# the local registry. Starts 1, then $MANY (40) detached `sleep` containers
# with each tool and prints the PSS (from /proc/PID/smaps_rollup) of the
# monitors: the sum and per container, and sangja's over podman's as a ratio.
#
#   bash tests/bench/monitor.sh        # as root; builds target/release/sangja if missing
#   SANGJA=/path/to/sangja bash tests/bench/monitor.sh
#
# The small monitor (sangja-monitor) is taken from next to $SANGJA, as sangja
# itself finds it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH=${BENCH:-/tmp/sangja-bench-monitor}
IMAGE=127.0.0.1:5000/busybox:latest
MANY=${MANY:-40}

if [ "${1:-}" != --inner ]; then
  [ "$(id -u)" = 0 ] || { echo "monitor.sh: run me as root (I switch to sangjatest myself)" >&2; exit 1; }
  bash "$REPO/tests/setup.sh" >/dev/null
  SANGJA=${SANGJA:-$REPO/target/release/sangja}
  if [ ! -x "$SANGJA" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
    (cd "$REPO" && cargo build --release)
  fi
  rm -rf "$BENCH"
  install -d -m 0755 -o sangjatest -g sangjatest "$BENCH"
  install -m 0755 "$SANGJA" "$BENCH/sangja"
  small="$(dirname "$SANGJA")/sangja-monitor"
  [ -x "$small" ] && install -m 0755 "$small" "$BENCH/sangja-monitor"
  cd "$BENCH"
  exec setpriv --reuid=1001 --regid=1001 --init-groups env -i \
    HOME=/home/sangjatest USER=sangjatest LOGNAME=sangjatest XDG_RUNTIME_DIR=/run/user/1001 \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 MANY="$MANY" BENCH="$BENCH" \
    bash "$HERE/monitor.sh" --inner
fi

# ---- as sangjatest ----------------------------------------------------------------------
cd "$BENCH"
S="$BENCH/sangja --root $BENCH/s-root --runroot $BENCH/s-run"
P="podman --root $BENCH/p-root --runroot $BENCH/p-run --runtime runc"
note() { echo "bench: $*" >&2; }

note "$($BENCH/sangja --version 2>&1 | head -1) vs $(podman --version)"
$S pull -q --tls-verify=false "$IMAGE" >/dev/null || note "sangja pull failed"
$P pull -q --tls-verify=false "$IMAGE" >/dev/null || note "podman pull failed"

# The PSS (KiB) of the processes whose pids are on stdin, summed.
pss_sum() {
  local sum=0 pid v
  while read -r pid; do
    [ -n "$pid" ] || continue
    v=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}

# Monitor pids: sangja's from the state (monitor.pid of each container),
# podman's conmon from `ps` (conmon's pid file is in the run root).
s_monitors() { for f in "$BENCH"/s-root/containers/*/monitor.pid; do [ -f "$f" ] && cat "$f"; done; }
p_monitors() { pgrep -u "$(id -u)" -x conmon || true; }

# Starts $1 containers with each tool, prints "sangja_sum podman_sum" (KiB).
measure() {
  local n=$1 i
  for i in $(seq 1 "$n"); do
    $S run -d --network none "$IMAGE" sleep 1000 >/dev/null || note "sangja run -d failed"
    $P run -d --network none "$IMAGE" sleep 1000 >/dev/null || note "podman run -d failed"
  done
  sleep 1
  local sp pp sc pc
  sp=$(s_monitors | pss_sum)
  pp=$(p_monitors | pss_sum)
  sc=$(s_monitors | grep -c . || true)
  pc=$(p_monitors | grep -c . || true)
  [ "$sc" = "$n" ] || note "expected $n sangja monitors, found $sc"
  [ "$pc" = "$n" ] || note "expected $n conmon, found $pc"
  # What one sangja monitor is: its binary, and its smaps_rollup.
  local one
  one=$(s_monitors | sed -n 1p)
  [ -n "$one" ] && note "sangja monitor $one runs $(readlink /proc/"$one"/exe): $(grep -E '^(Rss|Pss|Pss_Anon|Pss_File|Pss_Shmem):' /proc/"$one"/smaps_rollup | tr -s ' ' | tr '\n' ' ')"
  echo "$sp $pp"
}

cleanup() {
  $S rm -af -t0 >/dev/null 2>&1 || $S rm -af >/dev/null 2>&1 || true
  $P rm -af -t0 >/dev/null 2>&1 || true
}
trap cleanup EXIT

cleanup
read -r s1 p1 < <(measure 1)
cleanup
sleep 1
read -r sn pn < <(measure "$MANY")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
per() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.0f", a / n }'; }

printf '%-34s %12s %12s %8s\n' "monitor PSS (KiB)" sangja podman ratio
printf '%-34s %12s %12s %8s\n' "1 container" "$s1" "$p1" "$(ratio "$s1" "$p1")"
printf '%-34s %12s %12s %8s\n' "$MANY containers, sum" "$sn" "$pn" "$(ratio "$sn" "$pn")"
printf '%-34s %12s %12s %8s\n' "$MANY containers, per container" "$(per "$sn" "$MANY")" "$(per "$pn" "$MANY")" "$(ratio "$sn" "$pn")"
