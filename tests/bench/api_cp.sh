#!/bin/bash
# `docker cp` through sangja's API service against the same through `podman
# system service` (same docker CLI, same machine): a small file into and out
# of a running container, and into a stopped one (each copy is a HEAD and a
# PUT, or a GET; sangja runs each in a fresh worker that reaches the
# container's files). Prints seconds per copy and sangja/podman as a ratio.
# Both use stores of their own under a temp folder.
#
#     bash tests/bench/api_cp.sh [RUNS]      # as root
set -euo pipefail
RUNS=${1:-10}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
SANGJA=${SANGJA:-$HERE/target/release/sangja}
DOCKER=${DOCKER:-$(command -v docker)}
IMG=127.0.0.1:5000/busybox:latest
SPID= PPID_=
TMP=$(mktemp -d /tmp/api-cp-bench.XXXXXX)
S="$SANGJA --root $TMP/sroot --runroot $TMP/srun"
P="podman --root $TMP/proot --runroot $TMP/prun"
cleanup() {
    kill $SPID $PPID_ 2>/dev/null || true
    wait 2>/dev/null || true
    $S rm -f -a >/dev/null 2>&1 || true
    $P rm -f -a >/dev/null 2>&1 || true
    $P system reset -f >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT
$S pull -q --tls-verify=false $IMG >/dev/null
$S system service --time 0 unix://$TMP/sangja.sock 2>/dev/null & SPID=$!
$P pull -q --tls-verify=false $IMG >/dev/null
$P system service --time 0 unix://$TMP/podman.sock 2>/dev/null & PPID_=$!
for s in sangja podman; do while [ ! -S $TMP/$s.sock ]; do sleep 0.05; done; done
echo "a small file" > $TMP/in.txt

per_op() { # SOCKET ARGS... -> seconds per `docker ARGS`
    local sock=$1; shift
    DOCKER_HOST=unix://$sock $DOCKER "$@" >/dev/null 2>&1 # warm
    local t0=$(date +%s.%N)
    for _ in $(seq "$RUNS"); do DOCKER_HOST=unix://$sock $DOCKER "$@" >/dev/null 2>&1; done
    echo "scale=4; ($(date +%s.%N) - $t0) / $RUNS" | bc
}
for s in sangja podman; do
    # podman may fail to start one here (runc rlimits as root): its running rows then time an error.
    DOCKER_HOST=unix://$TMP/$s.sock $DOCKER run -d --name cp-run $IMG sleep 600 >/dev/null || echo "$s: no running container" >&2
    DOCKER_HOST=unix://$TMP/$s.sock $DOCKER create --name cp-stop $IMG true >/dev/null
done
row() { # LABEL ARGS...
    local label=$1; shift
    local s p
    s=$(per_op $TMP/sangja.sock "$@")
    p=$(per_op $TMP/podman.sock "$@")
    echo "$label: sangja ${s}s  podman ${p}s  ratio $(echo "scale=3; $s / $p" | bc)"
}
row "docker cp FILE running:/tmp/" cp $TMP/in.txt cp-run:/tmp/
row "docker cp running:/etc/passwd -" cp cp-run:/etc/passwd -
row "docker cp FILE stopped:/tmp/" cp $TMP/in.txt cp-stop:/tmp/
row "docker cp stopped:/etc/passwd -" cp cp-stop:/etc/passwd -
