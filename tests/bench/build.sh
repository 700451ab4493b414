#!/usr/bin/env bash
# `sangja build` against `podman build --layers`, rootless as the test user
# sangjatest, each with a store of its own, on the local registry's busybox:
# a multi-stage Containerfile (RUN steps writing 2000 files, COPY of a
# 300-file source tree, COPY --from), built
#   - cold (empty stores: the base is pulled, every step runs),
#   - again, fully cached,
#   - after changing one copied file.
# Median of $RUNS (3) for each; prints the figures and the ratios.
#
#   bash tests/bench/build.sh          # as root; builds target/release/sangja if missing
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH=/tmp/sangja-bench-build
RUNS=${RUNS:-3}

if [ "${1:-}" != --inner ]; then
  [ "$(id -u)" = 0 ] || { echo "build.sh: run me as root (I switch to sangjatest myself)" >&2; exit 1; }
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
  uid=$(id -u sangjatest)
  exec setpriv --reuid="$uid" --regid="$(id -g sangjatest)" --init-groups env -i \
    HOME=/home/sangjatest USER=sangjatest LOGNAME=sangjatest XDG_RUNTIME_DIR=/run/user/$uid \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 RUNS="$RUNS" \
    bash "$HERE/build.sh" --inner
fi

# ---- as sangjatest ----------------------------------------------------------------------
cd "$BENCH"
# A fresh pair of stores for each run: cold means cold.
S() { "$BENCH/sangja" --root "$BENCH/s-root-$n" --runroot "$BENCH/s-run-$n" "$@"; }
P() { podman --root "$BENCH/p-root-$n" --runroot "$BENCH/p-run-$n" "$@"; }

mkdir -p ctx/src
for i in $(seq 1 300); do echo "source file $i" > "ctx/src/f$i.txt"; done
cat > ctx/Containerfile <<'CF'
FROM 127.0.0.1:5000/busybox AS gen
RUN mkdir -p /gen && for i in $(seq 1 2000); do echo "generated $i" > /gen/g$i; done
RUN tar -cf /gen.tar /gen

FROM 127.0.0.1:5000/busybox
ENV APP=/app
WORKDIR /app
COPY --from=gen /gen.tar /app/gen.tar
COPY src/ /app/src/
RUN ls /app/src | wc -l > /app/count
CMD ["cat", "/app/count"]
CF

ms() { # command...: milliseconds it took
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; "$@" 2>&1 | tail -3 >&2; exit 1; }
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A R
for tool in sangja podman; do
  if [ $tool = sangja ]; then B="S build --tls-verify=false -t bench-build ctx"; else B="P build --layers --tls-verify=false -t bench-build ctx"; fi
  cold=(); cached=(); change=()
  for n in $(seq 1 "$RUNS"); do
    echo "source file 1" > ctx/src/f1.txt
    cold+=("$(ms $B)")
    cached+=("$(ms $B)")
    echo "changed $n $RANDOM" > ctx/src/f1.txt
    change+=("$(ms $B)")
  done
  R[$tool.cold]=$(printf '%s\n' "${cold[@]}" | median)
  R[$tool.cached]=$(printf '%s\n' "${cached[@]}" | median)
  R[$tool.change]=$(printf '%s\n' "${change[@]}" | median)
  if [ $tool = sangja ]; then out=$(S run --rm bench-build); else out=$(P run --rm bench-build); fi
  [ "$out" = 300 ] || { echo "bench: $tool's image printed $out, not 300" >&2; exit 1; }
done

for n in $(seq 1 "$RUNS"); do
  S unshare rm -rf "$BENCH/s-root-$n" >/dev/null 2>&1 || true
  P unshare rm -rf "$BENCH/p-root-$n" >/dev/null 2>&1 || true
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
printf '%-28s %10s %10s %8s %8s\n' "build (ms, median of $RUNS)" sangja podman ratio goal
printf '%-28s %10s %10s %8s %8s\n' "cold" "${R[sangja.cold]}" "${R[podman.cold]}" "$(ratio "${R[sangja.cold]}" "${R[podman.cold]}")" "<=0.50"
printf '%-28s %10s %10s %8s %8s\n' "fully cached" "${R[sangja.cached]}" "${R[podman.cached]}" "$(ratio "${R[sangja.cached]}" "${R[podman.cached]}")" "<=0.20"
printf '%-28s %10s %10s %8s %8s\n' "one copied file changed" "${R[sangja.change]}" "${R[podman.change]}" "$(ratio "${R[sangja.change]}" "${R[podman.change]}")" "<=0.50"
