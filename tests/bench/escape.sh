#!/usr/bin/env bash
# What the escape fixes (issue 14) cost: `run --rm IMAGE true` with stdout a
# pipe and a pty (the stdio relay, the sealed self-exe re-exec, the devices
# cgroup, the keyring), and `exec CTR true`, rootless (as sangjatest) and as
# root, sangja beside podman, medians of $RUNS, as ratios. With BEFORE=path
# to an older sangja binary, that binary gets a column too (same run).
#
#   bash tests/bench/escape.sh                      # as root
#   BEFORE=/tmp/sangja-before RUNS=30 bash tests/bench/escape.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH=/tmp/sangja-bench-escape
IMAGE=127.0.0.1:5000/busybox:latest
RUNS=${RUNS:-20}
[ "$(id -u)" = 0 ] || { echo "escape.sh: run me as root (I switch to sangjatest myself)" >&2; exit 1; }
SANGJA=${SANGJA:-$REPO/target/release/sangja}
[ -x "$SANGJA" ] || (cd "$REPO" && cargo build --release)
rm -rf "$BENCH"; install -d -m 0755 "$BENCH"
install -m 0755 "$SANGJA" "$BENCH/sangja"
# The small monitor of detached containers: sangja finds it next to itself.
[ -x "$(dirname "$SANGJA")/sangja-monitor" ] && install -m 0755 "$(dirname "$SANGJA")/sangja-monitor" "$BENCH/sangja-monitor"
[ -n "${BEFORE:-}" ] && install -m 0755 "$BEFORE" "$BENCH/sangja-before"

median() { # name cmd (in a shell as the right user) -> ms
  local json=$BENCH/$1.json
  if hyperfine --runs "$RUNS" --warmup 2 -N --style none --export-json "$json" "$2" >/dev/null 2>&1; then
    jq -r '.results[0].median * 1000 | . * 10 | round / 10' "$json"
  else echo n/a; fi
}
ratio() { if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; else awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; fi; }

row() { # mode label sangja-cmd podman-cmd before-cmd
  local s p b=""
  s=$(median "s-$1-$2" "$3"); p=$(median "p-$1-$2" "$4")
  [ -n "${BEFORE:-}" ] && b=$(median "b-$1-$2" "$5")
  printf '%-9s %-22s %9s %9s %7s' "$1" "$2" "$s" "$p" "$(ratio "$s" "$p")"
  [ -n "${BEFORE:-}" ] && printf ' %9s %7s' "$b" "$(ratio "$s" "$b")"
  echo
}

as() { # mode: a command prefix that runs as that mode's user, with its stores
  if [ "$1" = rootless ]; then
    echo "setpriv --reuid=1001 --regid=1001 --init-groups env -i HOME=/home/sangjatest XDG_RUNTIME_DIR=/run/user/1001 PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
  else
    echo "env"
  fi
}

printf '%-9s %-22s %9s %9s %7s' mode case "sangja ms" "podman ms" ratio
[ -n "${BEFORE:-}" ] && printf ' %9s %7s' "before ms" "now/bef"
echo
for mode in rootless root; do
  d=$BENCH/$mode; install -d -m 0755 "$d"; [ "$mode" = rootless ] && chown 1001:1001 "$d"
  U=$(as $mode)
  S="$U $BENCH/sangja --root $d/s --runroot $d/sr"
  B="$U $BENCH/sangja-before --root $d/b --runroot $d/br"
  P="$U podman --root $d/p --runroot $d/pr"
  $S pull -q --tls-verify=false $IMAGE >/dev/null
  $P pull -q --tls-verify=false $IMAGE >/dev/null || true
  [ -n "${BEFORE:-}" ] && $B pull -q --tls-verify=false $IMAGE >/dev/null
  row $mode "run --rm true (pipe)" "$S run --rm --network none $IMAGE true" "$P run --rm --network none $IMAGE true" "$B run --rm --network none $IMAGE true"
  # stdout on a pty: what a user at a shell gets (the relay's case).
  row $mode "run --rm true (pty)" "script -qec '$S run --rm --network none $IMAGE true' /dev/null" \
    "script -qec '$P run --rm --network none $IMAGE true' /dev/null" "script -qec '$B run --rm --network none $IMAGE true' /dev/null"
  $S run -d --name e --network none $IMAGE sleep 600 >/dev/null
  $P run -d --name e --network none $IMAGE sleep 600 >/dev/null 2>&1 || echo "escape.sh: podman run -d failed as $mode (as root here, runc cannot set podman's default rlimits: root lacks CAP_SYS_RESOURCE; its columns read n/a)" >&2
  [ -n "${BEFORE:-}" ] && $B run -d --name e --network none $IMAGE sleep 600 >/dev/null
  row $mode "exec true" "$S exec e true" "$P exec e true" "$B exec e true"
  $S rm -f -t0 e >/dev/null 2>&1 || true; $P rm -f -t0 e >/dev/null 2>&1 || true
  [ -n "${BEFORE:-}" ] && { $B rm -f -t0 e >/dev/null 2>&1 || true; }
done
