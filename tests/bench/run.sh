#!/usr/bin/env bash
# sangja against podman, rootless, as the test user sangjatest, on the local registry:
#   - `run --rm IMAGE true` latency, median of 20 (podman with --network none);
#   - pulling the 3-layer image into an empty store, median of 5;
#   - peak RSS of `run --rm IMAGE true` (GNU time %M), median of 5;
#   - `run -d` + `stop -t0` + `rm` cycle, median of $CYCLES (10);
#   - `ps -a` with 0, 100 and $PS_MAX (1000) created containers, median of $RUNS.
# Prints one table with the ratios and the issue's targets.
#
#   bash tests/bench/run.sh            # as root; builds target/release/sangja if missing
#   SANGJA=/path/to/sangja bash tests/bench/run.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH=/tmp/sangja-bench
IMAGE=127.0.0.1:5000/busybox:latest
LAYERED=127.0.0.1:5000/layered:latest
RUNS=${RUNS:-20}
PULLS=${PULLS:-5}

if [ "${1:-}" != --inner ]; then
  [ "$(id -u)" = 0 ] || { echo "run.sh: run me as root (I switch to sangjatest myself)" >&2; exit 1; }
  bash "$REPO/tests/setup.sh"
  SANGJA=${SANGJA:-$REPO/target/release/sangja}
  if [ ! -x "$SANGJA" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
    (cd "$REPO" && cargo build --release)
  fi
  # A copy the test user can reach, and a clean work folder it owns.
  rm -rf "$BENCH"
  install -d -m 0755 -o sangjatest -g sangjatest "$BENCH"
  install -m 0755 "$SANGJA" "$BENCH/sangja"
  # The small monitor of detached containers: sangja finds it next to itself.
  small="$(dirname "$SANGJA")/sangja-monitor"
  [ -x "$small" ] && install -m 0755 "$small" "$BENCH/sangja-monitor"
  cd "$BENCH"
  exec setpriv --reuid=1001 --regid=1001 --init-groups env -i \
    HOME=/home/sangjatest USER=sangjatest LOGNAME=sangjatest XDG_RUNTIME_DIR=/run/user/1001 \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 \
    bash "$HERE/run.sh" --inner
fi

# ---- as sangjatest ----------------------------------------------------------------------
cd "$BENCH"
S="$BENCH/sangja --root $BENCH/s-root --runroot $BENCH/s-run"
P="podman --root $BENCH/p-root --runroot $BENCH/p-run"
note() { echo "bench: $*" >&2; }

# median (ms) of a hyperfine run, or "n/a" when a command failed.
hf() { # name runs prepare cmd
  local name=$1 runs=$2 prep=$3 cmd=$4 json=$BENCH/$1.json
  local args=(--runs "$runs" --export-json "$json" --style none)
  if [ -n "$prep" ]; then args+=(--prepare "$prep"); else args+=(-N --warmup 2); fi
  if hyperfine "${args[@]}" "$cmd" >"$BENCH/$name.log" 2>&1; then
    jq -r '.results[0].median * 1000 | . * 10 | round / 10' "$json"
  else
    # Say why, from one run of the command itself.
    note "$name failed: $($cmd 2>&1 >/dev/null | tail -2 | tr '\n' ' ')"
    echo n/a
  fi
}

# median peak RSS (KiB) of 5 runs.
rss() { # cmd...
  local vals=() v
  for _ in 1 2 3 4 5; do
    { /usr/bin/time -o "$BENCH/rss.txt" -f '%M' "$@" >/dev/null 2>&1 && v=$(tail -1 "$BENCH/rss.txt"); } || v=
    [ -n "$v" ] && vals+=("$v")
  done
  if [ ${#vals[@]} -eq 0 ]; then echo n/a; return; fi
  printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

ratio() { # a b -> a/b
  if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; fi
}

note "$($BENCH/sangja --version 2>&1 | head -1) vs $(podman --version)"
note "pulling $IMAGE into both stores"
$S pull -q --tls-verify=false "$IMAGE" >/dev/null || note "sangja pull failed"
$P pull -q --tls-verify=false "$IMAGE" >/dev/null || note "podman pull failed"

note "run latency, $RUNS runs each"
s_run=$(hf sangja-run "$RUNS" "" "$S run --rm --network none $IMAGE true")
p_run=$(hf podman-run "$RUNS" "" "$P run --rm --network none $IMAGE true")

# ---- security and user mapping (issue 6) ----
# What the default confinement (capabilities, seccomp, masked paths) costs:
# the same run with seccomp off and every capability; and --userns=keep-id
# (its per-mapping layer copy is made by the warm-up runs).
note "run latency with security off and with keep-id, $RUNS runs each"
s_run_nosec=$(hf sangja-run-nosec "$RUNS" "" "$S run --rm --network none --security-opt seccomp=unconfined --cap-add all $IMAGE true")
s_keepid=$(hf sangja-keepid "$RUNS" "" "$S run --rm --network none --userns=keep-id $IMAGE true")
p_keepid=$(hf podman-keepid "$RUNS" "" "$P run --rm --network none --userns=keep-id $IMAGE true")
# ---- end of security ----

note "pull of $LAYERED into an empty store, $PULLS runs each"
s_pull=$(hf sangja-pull "$PULLS" "podman unshare rm -rf $BENCH/s-pull $BENCH/s-pull-run" \
  "$BENCH/sangja --root $BENCH/s-pull --runroot $BENCH/s-pull-run pull -q --tls-verify=false $LAYERED")
p_pull=$(hf podman-pull "$PULLS" "podman unshare rm -rf $BENCH/p-pull $BENCH/p-pull-run" \
  "podman --root $BENCH/p-pull --runroot $BENCH/p-pull-run pull -q --tls-verify=false $LAYERED")

LARGE=127.0.0.1:5000/large:latest
note "pull of $LARGE (4 layers, ~75 MB unpacked, 6000 files) into an empty store, $PULLS runs each"
s_large=$(hf sangja-pull-large "$PULLS" "podman unshare rm -rf $BENCH/s-pull $BENCH/s-pull-run" \
  "$BENCH/sangja --root $BENCH/s-pull --runroot $BENCH/s-pull-run pull -q --tls-verify=false $LARGE")
p_large=$(hf podman-pull-large "$PULLS" "podman unshare rm -rf $BENCH/p-pull $BENCH/p-pull-run" \
  "podman --root $BENCH/p-pull --runroot $BENCH/p-pull-run pull -q --tls-verify=false $LARGE")

note "peak RSS of run"
s_rss=$(rss $S run --rm --network none "$IMAGE" true)
p_rss=$(rss $P run --rm --network none "$IMAGE" true)

# ---- network (issue 7) ----
# run --rm latency by network; podman's default rootless network is
# slirp4netns in 4.x and pasta from 5.0 (the row says which ran).
note "run latency by network, $RUNS runs each"
s_run_pasta=$(hf sangja-run-pasta "$RUNS" "" "$S run --rm --network pasta $IMAGE true")
s_run_slirp=$(hf sangja-run-slirp "$RUNS" "" "$S run --rm --network slirp4netns $IMAGE true")
p_run_default=$(hf podman-run-default "$RUNS" "" "$P run --rm $IMAGE true")
p_run_slirp=$(hf podman-run-slirp "$RUNS" "" "$P run --rm --network slirp4netns $IMAGE true")
# Throughput host -> container through a published port on each tool's
# default network: busybox nc in the container reads $TP_MIB MiB into
# /dev/null; a python sender on the host times first byte to the
# container's close. Median of 3 (MiB/s).
TP_MIB=${TP_MIB:-512}
TP_PY='
import socket, sys, time
port, mib = int(sys.argv[1]), int(sys.argv[2])
buf = b"\0" * (1 << 20)
deadline = time.time() + 20
while True:
    try:
        s = socket.create_connection(("127.0.0.1", port))
        t = time.time()
        for _ in range(mib):
            s.sendall(buf)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(60)
        while s.recv(65536):
            pass
        print("%.1f" % (mib / (time.time() - t)))
        break
    except OSError:
        # The port answers before nc listens: try again.
        if time.time() > deadline:
            print("n/a")
            break
        time.sleep(0.05)
'
tp() { # "tool cmd" port -> median MiB/s of 3
  local vals=() v id
  for _ in 1 2 3; do
    id=$($1 run -d -p "127.0.0.1:$2:8080" "$IMAGE" sh -c 'nc -l -p 8080 >/dev/null' 2>/dev/null) || { echo n/a; return; }
    v=$(python3 -c "$TP_PY" "$2" "$TP_MIB")
    $1 rm -f "$id" >/dev/null 2>&1 || true
    [ "$v" != n/a ] && vals+=("$v")
  done
  if [ ${#vals[@]} -eq 0 ]; then echo n/a; return; fi
  printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
note "throughput host -> container through -p, $TP_MIB MiB, 3 runs each"
s_tp=$(tp "$S" 18390)
p_tp=$(tp "$P" 18391)
# ---- end of network ----

# ---- detached lifecycle and ps (issue 3) ----
CYCLES=${CYCLES:-10}
note "run -d + stop -t0 + rm cycle, $CYCLES runs each"
s_cycle=$(hf sangja-cycle "$CYCLES" "" "sh -c 'id=\$($S run -d $IMAGE sleep 100) && $S stop -t0 \$id >/dev/null && $S rm \$id >/dev/null'")
p_cycle=$(hf podman-cycle "$CYCLES" "" "sh -c 'id=\$($P run -d --network none $IMAGE sleep 100) && $P stop -t0 \$id >/dev/null && $P rm \$id >/dev/null'")

# ---- exec latency (issue 3, part B) ----
# A running container in each store (sleep as pid 1), then `exec CTR true`.
note "exec true latency, $RUNS runs each"
$S run -d --name bench-exec $IMAGE sleep 600 >/dev/null || note "sangja run -d for exec failed"
$P run -d --name bench-exec --network none $IMAGE sleep 600 >/dev/null || note "podman run -d for exec failed"
s_exec=$(hf sangja-exec "$RUNS" "" "$S exec bench-exec true")
p_exec=$(hf podman-exec "$RUNS" "" "$P exec bench-exec true")
$S rm -f -t0 bench-exec >/dev/null 2>&1 || $S rm -f bench-exec >/dev/null 2>&1 || true
$P rm -f -t0 bench-exec >/dev/null 2>&1 || true
# ---- end of exec latency ----

# ---- storage drivers (issue 4) ----
# run --rm latency on each non-kernel driver, each in a store of its own:
# our FUSE overlay vs podman's overlay through fuse-overlayfs, vfs vs vfs.
SF="$BENCH/sangja --root $BENCH/sf-root --runroot $BENCH/sf-run --storage-driver fuse-overlay"
SV="$BENCH/sangja --root $BENCH/sv-root --runroot $BENCH/sv-run --storage-driver vfs"
PF="podman --root $BENCH/pf-root --runroot $BENCH/pf-run --storage-driver overlay --storage-opt overlay.mount_program=/usr/bin/fuse-overlayfs"
PV="podman --root $BENCH/pv-root --runroot $BENCH/pv-run --storage-driver vfs"
note "run --rm latency with fuse-overlay and vfs, $RUNS runs each"
for t in "$SF" "$SV" "$PF" "$PV"; do $t pull -q --tls-verify=false "$IMAGE" >/dev/null || note "pull failed: $t"; done
s_run_fuse=$(hf sangja-run-fuse "$RUNS" "" "$SF run --rm --network none $IMAGE true")
p_run_fuse=$(hf podman-run-fuse "$RUNS" "" "$PF run --rm --network none $IMAGE true")
s_run_vfs=$(hf sangja-run-vfs "$RUNS" "" "$SV run --rm --network none $IMAGE true")
p_run_vfs=$(hf podman-run-vfs "$RUNS" "" "$PV run --rm --network none $IMAGE true")
# ---- end of storage drivers ----

# ps -a over 0, 100 and 1000 containers (created, never started), both
# tools with the same count; creation runs 2 at a time (podman's ~70 ms per
# create makes 1000 a minute or so).
PS_MAX=${PS_MAX:-1000}
$S rm -a -f >/dev/null 2>&1 || true
$P rm -a -f >/dev/null 2>&1 || true
declare -A s_ps p_ps
have=0
for n in 0 100 $PS_MAX; do
  if [ "$n" -gt "$have" ]; then
    note "creating $((n - have)) containers in each store"
    seq $((n - have)) | xargs -P 2 -I{} $S create $IMAGE true >/dev/null
    seq $((n - have)) | xargs -P 2 -I{} $P create --network none $IMAGE true >/dev/null
    have=$n
  fi
  note "ps -a with $n containers"
  s_ps[$n]=$(hf sangja-ps-$n "$RUNS" "" "$S ps -a")
  p_ps[$n]=$(hf podman-ps-$n "$RUNS" "" "$P ps -a")
done
$S rm -a -f >/dev/null 2>&1 || true
$P rm -a -f >/dev/null 2>&1 || true

printf '\n%-44s %12s %12s %8s %8s\n' "what (rootless, local registry)" sangja podman ratio target
printf '%-44s %12s %12s %8s %8s\n' "run --rm busybox true, median of $RUNS (ms)" "$s_run" "$p_run" "$(ratio "$s_run" "$p_run")" "<=0.125"
printf '%-44s %12s %12s %8s %8s\n' "sangja default security / security off (ms)" "$s_run" "$s_run_nosec" "$(ratio "$s_run" "$s_run_nosec")" "<=1.10"
printf '%-44s %12s %12s %8s %8s\n' "run --rm --userns=keep-id (ms)" "$s_keepid" "$p_keepid" "$(ratio "$s_keepid" "$p_keepid")" "-"
printf '%-44s %12s %12s %8s %8s\n' "pull layered (3 layers), median of $PULLS (ms)" "$s_pull" "$p_pull" "$(ratio "$s_pull" "$p_pull")" "<=0.333"
printf '%-44s %12s %12s %8s %8s\n' "pull large (4 layers, 75 MB), median of $PULLS (ms)" "$s_large" "$p_large" "$(ratio "$s_large" "$p_large")" "<=0.333"
printf '%-44s %12s %12s %8s %8s\n' "peak RSS of run --rm, median of 5 (KiB)" "$s_rss" "$p_rss" "$(ratio "$s_rss" "$p_rss")" "<=0.2"
printf '%-44s %12s %12s %8s %8s\n' "run -d + stop -t0 + rm, median of $CYCLES (ms)" "$s_cycle" "$p_cycle" "$(ratio "$s_cycle" "$p_cycle")" "-"
# network rows (issue 7)
printf '%-44s %12s %12s %8s %8s\n' "run --rm, pasta vs podman default, (ms)" "$s_run_pasta" "$p_run_default" "$(ratio "$s_run_pasta" "$p_run_default")" "-"
printf '%-44s %12s %12s %8s %8s\n' "run --rm, slirp4netns both, (ms)" "$s_run_slirp" "$p_run_slirp" "$(ratio "$s_run_slirp" "$p_run_slirp")" "-"
printf '%-44s %12s %12s %8s %8s\n' "sangja pasta / sangja none (added latency)" "$s_run_pasta" "$s_run" "$(ratio "$s_run_pasta" "$s_run")" "-"
printf '%-44s %12s %12s %8s %8s\n' "host->container via -p, $TP_MIB MiB (MiB/s)" "$s_tp" "$p_tp" "$(ratio "$s_tp" "$p_tp")" ">=1"
# end of network rows
# exec row (issue 3, part B)
printf '%-44s %12s %12s %8s %8s\n' "exec CTR true, median of $RUNS (ms)" "$s_exec" "$p_exec" "$(ratio "$s_exec" "$p_exec")" "<=0.2"
# storage driver rows (issue 4)
printf '%-44s %12s %12s %8s %8s\n' "run --rm, fuse-overlay vs fuse-overlayfs (ms)" "$s_run_fuse" "$p_run_fuse" "$(ratio "$s_run_fuse" "$p_run_fuse")" "-"
printf '%-44s %12s %12s %8s %8s\n' "run --rm, vfs both (ms)" "$s_run_vfs" "$p_run_vfs" "$(ratio "$s_run_vfs" "$p_run_vfs")" "-"
for n in 0 100 $PS_MAX; do
  target=-; [ "$n" = 1000 ] && target="<50ms"
  printf '%-44s %12s %12s %8s %8s\n' "ps -a, $n containers, median of $RUNS (ms)" "${s_ps[$n]}" "${p_ps[$n]}" "$(ratio "${s_ps[$n]}" "${p_ps[$n]}")" "$target"
done

# Leave the stores for a look; the next run starts afresh.
podman unshare rm -rf "$BENCH/s-pull" "$BENCH/s-pull-run" "$BENCH/p-pull" "$BENCH/p-pull-run" 2>/dev/null || true
