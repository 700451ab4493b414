#!/bin/bash
# `docker run --rm busybox true` through sangja's API service against the
# same through `podman system service` (same docker CLI, same machine), and
# the first request's latency of a freshly started service (the cost of
# "no daemon"). Prints each figure and sangja/podman as a ratio.
#
#     bash tests/bench/api.sh [RUNS]
set -euo pipefail
RUNS=${1:-10}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
SANGJA=${SANGJA:-$HERE/target/release/sangja}
DOCKER=${DOCKER:-$(command -v docker)}
IMG=127.0.0.1:5000/busybox:latest
SPID= PPID_=
TMP=$(mktemp -d /tmp/api-bench.XXXXXX)
trap 'kill $SPID $PPID_ 2>/dev/null || true; rm -rf "$TMP"' EXIT
S="$SANGJA --root $TMP/sroot --runroot $TMP/srun"
$S pull -q --tls-verify=false $IMG >/dev/null
$S system service --time 0 unix://$TMP/sangja.sock 2>/dev/null & SPID=$!
podman pull -q --tls-verify=false $IMG >/dev/null
podman system service --time 0 unix://$TMP/podman.sock 2>/dev/null & PPID_=$!
for s in sangja podman; do while [ ! -S $TMP/$s.sock ]; do sleep 0.05; done; done

bench() { # SOCKET -> seconds per run
    DOCKER_HOST=unix://$1 $DOCKER run --rm $IMG true >/dev/null # warm
    local t0=$(date +%s.%N)
    for _ in $(seq "$RUNS"); do DOCKER_HOST=unix://$1 $DOCKER run --rm $IMG true >/dev/null; done
    echo "scale=4; ($(date +%s.%N) - $t0) / $RUNS" | bc
}
s=$(bench $TMP/sangja.sock)
p=$(bench $TMP/podman.sock)
echo "docker run --rm busybox true: sangja ${s}s  podman ${p}s  ratio $(echo "scale=3; $s / $p" | bc)"

# Cold start: from exec of the service to the answer of its first /_ping.
cold() { # COMMAND... -> seconds
    local sock=$TMP/cold.sock; rm -f $sock
    local t0=$(date +%s.%N)
    "$@" unix://$sock 2>/dev/null & local pid=$!
    until curl -sf --unix-socket $sock http://d/_ping >/dev/null 2>&1; do sleep 0.001; done
    local t1=$(date +%s.%N)
    kill $pid; wait $pid 2>/dev/null || true
    echo "scale=4; $t1 - $t0" | bc
}
cs=$(cold $S system service --time 0)
cp=$(cold podman system service --time 0)
echo "cold start to first /_ping: sangja ${cs}s  podman ${cp}s  ratio $(echo "scale=3; $cs / $cp" | bc)"
