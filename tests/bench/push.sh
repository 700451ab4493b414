#!/usr/bin/env bash
# push of the 75 MB test image (`large` on the local registry), sangja against
# podman, as root, same machine, same run:
#   - "fresh": into an empty registry of our own (a new docker-registry for each
#     push, so nothing can be skipped or mounted: every layer is rebuilt,
#     compressed and uploaded), median of $RUNS;
#   - "mount": into an empty repository of the registry the image came from
#     (both tools may mount the blobs across repositories), median of $RUNS.
# Prints each figure and the ratio (goal: sangja at most 1/3 of podman's time).
#
#   bash tests/bench/push.sh          # as root; builds target/release/sangja if missing
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "push.sh: run me as root" >&2; exit 1; }
SANGJA=${SANGJA:-$REPO/target/release/sangja}
[ -x "$SANGJA" ] || (cd "$REPO" && cargo build --release)
RUNS=${RUNS:-3}
IMAGE=127.0.0.1:5000/large:latest
W=$(mktemp -d /tmp/share-push-bench.XXXXXX)
S="$SANGJA --root $W/s-root --runroot $W/s-run"
P="podman --root $W/p-root --runroot $W/p-run --storage-driver overlay"
REG_PID=
cleanup() {
  [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null || true
  $S rmi -a >/dev/null 2>&1 || true
  $P rmi -a >/dev/null 2>&1 || true
  rm -rf "$W" 2>/dev/null || true
}
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

start_registry() { # -> sets PORT, REG_PID
  local d=$W/reg-$RANDOM$RANDOM
  mkdir -p "$d/data"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$d/data" "$PORT" >"$d/config.yml"
  docker-registry serve "$d/config.yml" >"$d/log" 2>&1 &
  REG_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v2/" >/dev/null && return 0; sleep 0.05; done
  echo "push.sh: docker-registry did not start" >&2; exit 1
}
stop_registry() { kill "$REG_PID"; wait "$REG_PID" 2>/dev/null || true; REG_PID=; }

$S pull -q --tls-verify=false "$IMAGE" >/dev/null
$P pull -q --tls-verify=false "$IMAGE" >/dev/null

timed() { # cmd... -> ms
  local t0; t0=$(now_ms)
  "$@" >/dev/null 2>"$W/err" || { echo "push.sh: failed: $* : $(tail -3 "$W/err")" >&2; exit 1; }
  echo $(( $(now_ms) - t0 ))
}

s_fresh=(); p_fresh=(); s_mount=(); p_mount=()
for i in $(seq "$RUNS"); do
  start_registry; s_fresh+=("$(timed $S push --tls-verify=false "$IMAGE" "127.0.0.1:$PORT/large:bench")"); stop_registry
  start_registry; p_fresh+=("$(timed $P push --tls-verify=false "$IMAGE" "127.0.0.1:$PORT/large:bench")"); stop_registry
  tag=share-push-bench-$$-$i
  s_mount+=("$(timed $S push --tls-verify=false "$IMAGE" "127.0.0.1:5000/$tag-s:latest")")
  p_mount+=("$(timed $P push --tls-verify=false "$IMAGE" "127.0.0.1:5000/$tag-p:latest")")
done

row() { # name sangja-ms... podman-ms...
  local name=$1 s=$2 p=$3
  awk -v n="$name" -v s="$s" -v p="$p" 'BEGIN { printf "%-34s %9d %9d %8.2f  %s\n", n, s, p, s/p, (s*3 <= p ? "ok (<= 1/3)" : "above 1/3") }'
}
printf '%-34s %9s %9s %8s\n' "push of $IMAGE (median of $RUNS)" "sangja ms" "podman ms" "ratio"
row "to an empty registry (upload all)" "$(printf '%s\n' "${s_fresh[@]}" | median)" "$(printf '%s\n' "${p_fresh[@]}" | median)"
row "to an empty repository (mount)" "$(printf '%s\n' "${s_mount[@]}" | median)" "$(printf '%s\n' "${p_mount[@]}" | median)"
