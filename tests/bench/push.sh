#!/usr/bin/env bash
# push of the 75 MB test image (`large` on the local registry), sangja against
# podman, as root, same machine, same run:
#   - "fresh": into an empty registry of our own (a new docker-registry for each
#     push, so nothing can be skipped or mounted: every layer is rebuilt,
#     compressed and uploaded), median of $RUNS;
#   - "mount": into an empty repository of the registry the image was pulled
#     from (both tools may mount the blobs across repositories), median of
#     $RUNS. That registry is one of our own too (seeded once with the image,
#     which both tools then pull from it), so its requests can be counted and
#     nothing is left in the shared one.
# Prints each figure and the ratio (goal: sangja at most 1/3 of podman's time),
# then the steadier figures of a loaded machine: CPU time (user+sys) of the
# tool and of the registry, the requests the registry served and the bytes it
# stored (fresh).
#
#   bash tests/bench/push.sh          # as root; builds target/release/sangja if missing
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "push.sh: run me as root" >&2; exit 1; }
SANGJA=${SANGJA:-$REPO/target/release/sangja}
[ -x "$SANGJA" ] || (cd "$REPO" && cargo build --release)
RUNS=${RUNS:-3}
SOURCE=127.0.0.1:5000/large:latest
W=$(mktemp -d /tmp/share-push-bench.XXXXXX)
S="$SANGJA --root $W/s-root --runroot $W/s-run"
P="podman --root $W/p-root --runroot $W/p-run --storage-driver overlay"
REG_PIDS=()
cleanup() {
  for p in "${REG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  $S rmi -a >/dev/null 2>&1 || true
  $P rmi -a >/dev/null 2>&1 || true
  rm -rf "$W" 2>/dev/null || true
}
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cpu_ms() { awk '{print ($14 + $15) * 10}' "/proc/$1/stat"; } # utime+stime, in ms (USER_HZ 100)

start_registry() { # -> sets PORT, REG_PID, REG_LOG
  local d=$W/reg-$RANDOM$RANDOM
  mkdir -p "$d/data"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$d/data" "$PORT" >"$d/config.yml"
  # The access log goes to stdout: one line per request.
  docker-registry serve "$d/config.yml" >"$d/access.log" 2>"$d/log" &
  REG_PID=$!
  REG_PIDS+=("$REG_PID")
  REG_LOG=$d/access.log
  REG_DATA=$d/data
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v2/" >/dev/null && return 0; sleep 0.05; done
  echo "push.sh: docker-registry did not start" >&2; exit 1
}
stop_registry() { kill "$REG_PID"; wait "$REG_PID" 2>/dev/null || true; }
requests() { grep -c '"[A-Z]* /v2/' "$1" || true; }

# The source registry: the image, pulled by both tools from there.
$S pull -q --tls-verify=false "$SOURCE" >/dev/null
start_registry
SRC_PORT=$PORT SRC_PID=$REG_PID SRC_LOG=$REG_LOG
IMAGE=127.0.0.1:$SRC_PORT/large:latest
$S push -q --tls-verify=false "$SOURCE" "$IMAGE" >/dev/null
$S rmi -a >/dev/null
rm -rf "$W/s-root/blob-info"
$S pull -q --tls-verify=false "$IMAGE" >/dev/null
$P pull -q --tls-verify=false "$IMAGE" >/dev/null

timed() { # reg-pid cmd... -> "wall-ms tool-cpu-ms registry-cpu-ms"
  local reg=$1; shift
  # The registries' writes of the step before (a fresh push stores ~20 MB)
  # go to disk first, not during the next tool's push.
  sync
  local t0 r0; t0=$(now_ms); r0=$(cpu_ms "$reg")
  /usr/bin/time -f '%U %S' -o "$W/cpu" "$@" >/dev/null 2>"$W/err" || { echo "push.sh: failed: $* : $(tail -3 "$W/err")" >&2; exit 1; }
  local t1; t1=$(now_ms)
  echo "$(( t1 - t0 )) $(awk '{printf "%d", ($1 + $2) * 1000}' "$W/cpu") $(( $(cpu_ms "$reg") - r0 ))"
}

declare -A F  # F[tool-case]="wall cpu regcpu requests bytes" per run, one per line
for i in $(seq "$RUNS"); do
  for tool in s p; do
    [ $tool = s ] && T=$S || T=$P
    start_registry
    n0=$(requests "$REG_LOG")
    m=$(timed "$REG_PID" $T push --tls-verify=false "$IMAGE" "127.0.0.1:$PORT/large:bench")
    F[$tool-fresh]+="$m $(( $(requests "$REG_LOG") - n0 )) $(du -sb "$REG_DATA" | cut -f1)"$'\n'
    stop_registry
  done
  # Each tool goes first in every other run: the one right after the fresh
  # pushes would otherwise always meet their after-effects.
  order="s p"; [ $((i % 2)) = 0 ] && order="p s"
  for tool in $order; do
    [ $tool = s ] && T=$S || T=$P
    n0=$(requests "$SRC_LOG")
    m=$(timed "$SRC_PID" $T push --tls-verify=false "$IMAGE" "127.0.0.1:$SRC_PORT/bench-$i-$tool:latest")
    F[$tool-mount]+="$m $(( $(requests "$SRC_LOG") - n0 )) 0"$'\n'
  done
done

col() { printf '%s' "${F[$1]}" | awk -v c="$2" 'NF {print $c}' | median; }
row() { # name sangja-ms podman-ms
  awk -v n="$1" -v s="$2" -v p="$3" 'BEGIN { printf "%-34s %9d %9d %8.2f  %s\n", n, s, p, s/p, (s*3 <= p ? "ok (<= 1/3)" : "above 1/3") }'
}
printf '%-34s %9s %9s %8s\n' "push of large (median of $RUNS)" "sangja ms" "podman ms" "ratio"
row "to an empty registry (upload all)" "$(col s-fresh 1)" "$(col p-fresh 1)"
row "to an empty repository (mount)" "$(col s-mount 1)" "$(col p-mount 1)"
echo
printf '%-34s %13s %13s %13s %13s\n' "medians" "tool CPU ms" "registry CPU" "requests" "bytes stored"
for c in fresh mount; do
  for tool in s p; do
    [ $tool = s ] && name="sangja, $c" || name="podman, $c"
    printf '%-34s %13s %13s %13s %13s\n' "$name" "$(col $tool-$c 2)" "$(col $tool-$c 3)" "$(col $tool-$c 4)" "$(col $tool-$c 5)"
  done
done
