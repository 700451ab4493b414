#!/bin/bash
# `docker run --rm busybox true` through sangja's API service against the
# same through `podman system service` (same docker CLI, same machine, runs
# interleaved so load hits both alike), and the first request's latency of
# a socket-activated service (systemd-socket-activate holds the socket; the
# service starts on the first connection: the cost of "no daemon"). Prints
# medians in ms and sangja/podman as a ratio.
#
#     bash tests/bench/api.sh [RUNS]      # or RUNS=N; as root it switches
#                                         # to sangjatest (rootless) itself
#     ROOT=1 bash tests/bench/api.sh      # as root, root's stores
set -euo pipefail
RUNS=${1:-${RUNS:-10}}
COLD=${COLD:-7}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
SANGJA=${SANGJA:-$HERE/target/release/sangja}
DOCKER=${DOCKER:-$(command -v docker)}
IMG=127.0.0.1:5000/busybox:latest

if [ "$(id -u)" = 0 ] && [ -z "${ROOT:-}" ] && [ "${INNER:-}" != 1 ]; then
    # Rootless, as the test user: a copy of the binaries it can reach.
    BENCH=/tmp/api-bench-rootless
    rm -rf "$BENCH"
    install -d -m 0755 -o sangjatest -g sangjatest "$BENCH"
    install -m 0755 "$SANGJA" "$BENCH/sangja"
    install -m 0755 "$(dirname "$SANGJA")/sangja-monitor" "$BENCH/sangja-monitor"
    install -m 0755 "$0" "$BENCH/api.sh"
    uid=$(id -u sangjatest)
    cd "$BENCH"
    setpriv --reuid="$uid" --regid="$(id -g sangjatest)" --init-groups env -i \
        HOME="$BENCH" USER=sangjatest LOGNAME=sangjatest XDG_RUNTIME_DIR="/run/user/$uid" \
        PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 INNER=1 \
        SANGJA="$BENCH/sangja" DOCKER="$DOCKER" RUNS="$RUNS" COLD="$COLD" bash "$BENCH/api.sh"
    rc=$?
    rm -rf "$BENCH"
    exit $rc
fi

SPID='' PPID_=''
TMP=$(mktemp -d /tmp/api-bench.XXXXXX)
cleanup() {
    # shellcheck disable=SC2086
    kill $SPID $PPID_ 2>/dev/null || true
    wait 2>/dev/null || true
    # The stores hold files of the subordinate ids when rootless.
    if [ "$(id -u)" != 0 ]; then podman unshare rm -rf "$TMP" 2>/dev/null || true; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
S="$SANGJA --root $TMP/sroot --runroot $TMP/srun"
# podman refuses a runroot longer than 50 characters; as root it needs its
# own configured store (its network fails on a fresh one).
if [ "$(id -u)" = 0 ]; then P=podman; else P="podman --root $TMP/proot --runroot $TMP/prun"; fi
$S pull -q --tls-verify=false $IMG >/dev/null
$P pull -q --tls-verify=false $IMG >/dev/null
$S system service --time 0 unix://$TMP/sangja.sock 2>/dev/null & SPID=$!
$P system service --time 0 unix://$TMP/podman.sock 2>/dev/null & PPID_=$!
for s in sangja podman; do while [ ! -S $TMP/$s.sock ]; do sleep 0.05; done; done

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m}'; }
ratio() { echo "scale=3; $1 / $2" | bc; }

one() { # SOCKET -> ms of one `docker run --rm`
    local t0 t1
    t0=$(date +%s%N)
    DOCKER_HOST=unix://$1 $DOCKER run --rm $IMG true >/dev/null
    t1=$(date +%s%N)
    echo "scale=1; ($t1 - $t0) / 1000000" | bc
}
one $TMP/sangja.sock >/dev/null # warm
one $TMP/podman.sock >/dev/null
for _ in $(seq "$RUNS"); do
    one $TMP/sangja.sock >>$TMP/s.run
    one $TMP/podman.sock >>$TMP/p.run
done
s=$(median <$TMP/s.run) p=$(median <$TMP/p.run)
echo "docker run --rm busybox true (median of $RUNS): sangja ${s} ms  podman ${p} ms  ratio $(ratio "$s" "$p")  (goal <= 0.25)"
kill $SPID $PPID_ 2>/dev/null || true
wait 2>/dev/null || true
SPID='' PPID_=''

# Cold start: systemd-socket-activate binds the socket and execs the
# service when the first client connects; the figure is that client's
# connect -> answer of GET /_ping.
cat >$TMP/ping.py <<'EOF'
import socket, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX)
t0 = time.perf_counter()
s.connect(path)
s.sendall(b"GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
data = b""
while b"\r\n\r\n" not in data:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
t1 = time.perf_counter()
assert data.startswith(b"HTTP/1.1 200"), data
print("%.2f" % ((t1 - t0) * 1000))
EOF
cold() { # COMMAND... -> ms
    local sock=$TMP/cold.sock pid
    rm -f $sock
    systemd-socket-activate -l $sock "$@" >/dev/null 2>&1 &
    pid=$!
    while [ ! -S $sock ]; do sleep 0.01; done
    sleep 0.2 # let the machine settle
    /usr/bin/python3 $TMP/ping.py $sock
    kill $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
}
for _ in $(seq "$COLD"); do
    cold $S system service --time 0 >>$TMP/s.cold
    cold $P system service --time 0 >>$TMP/p.cold
done
cs=$(median <$TMP/s.cold) cp=$(median <$TMP/p.cold)
echo "socket-activated first /_ping (median of $COLD): sangja ${cs} ms  podman ${cp} ms  ratio $(ratio "$cs" "$cp")  (goal < 20 ms)"
