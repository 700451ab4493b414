#!/usr/bin/env bash
# save and load of the 75 MB test image (127.0.0.1:5000/large), sangja against
# podman in the same run, rootless as the test user sangjatest, each with its
# own store: median of $RUNS (5) runs of
#   - `save -o FILE IMAGE` (docker-archive, podman's default);
#   - `load -i FILE` into a store without the image (both load podman's archive).
# Prints the figures and the ratios (issue 17's goal: at most 1/3 of podman's time).
#
#   bash tests/bench/archive.sh        # as root; builds target/release/sangja if missing
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BENCH=/tmp/sangja-bench-archive
IMAGE=${IMAGE:-127.0.0.1:5000/large:latest}
RUNS=${RUNS:-5}

if [ "${1:-}" != --inner ]; then
  [ "$(id -u)" = 0 ] || { echo "archive.sh: run me as root (I switch to sangjatest myself)" >&2; exit 1; }
  SANGJA=${SANGJA:-$REPO/target/release/sangja}
  if [ ! -x "$SANGJA" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
    (cd "$REPO" && cargo build --release)
  fi
  rm -rf "$BENCH"
  install -d -m 0755 -o sangjatest -g sangjatest "$BENCH"
  install -m 0755 "$SANGJA" "$BENCH/sangja"
  uid=$(id -u sangjatest)
  cd "$BENCH"
  exec setpriv --reuid="$uid" --regid="$(id -g sangjatest)" --init-groups env -i \
    HOME="$BENCH" USER=sangjatest LOGNAME=sangjatest XDG_RUNTIME_DIR="/run/user/$uid" \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 IMAGE="$IMAGE" RUNS="$RUNS" \
    bash "$HERE/archive.sh" --inner
fi

# ---- as sangjatest ----------------------------------------------------------------------
cd "$BENCH"
S="$BENCH/sangja --root $BENCH/s-root --runroot $BENCH/s-run"
# podman refuses a runroot longer than 50 characters.
PRUN=/tmp/sab-$$
P="podman --root $BENCH/p-root --runroot $PRUN"
trap 'rm -rf "$PRUN"' EXIT

hf() { # name prepare cmd -> median ms
  local name=$1 prep=$2 cmd=$3 json=$BENCH/$1.json
  hyperfine --runs "$RUNS" --export-json "$json" --style none --prepare "$prep" "$cmd" >"$BENCH/$name.log" 2>&1 \
    || { echo "bench: $name failed: $(tail -3 "$BENCH/$name.log" | tr '\n' ' ')" >&2; echo n/a; return; }
  jq -r '.results[0].median * 1000 | round' "$json"
}

$S pull -q --tls-verify=false "$IMAGE" >/dev/null
$P pull -q --tls-verify=false "$IMAGE" >/dev/null
$P save -q -o "$BENCH/podman.tar" "$IMAGE"
size=$(du -m "$BENCH/podman.tar" | cut -f1)

s_save=$(hf s-save "rm -f $BENCH/s.tar" "$S save -q -o $BENCH/s.tar $IMAGE")
p_save=$(hf p-save "rm -f $BENCH/p.tar" "$P save -q -o $BENCH/p.tar $IMAGE")
# Both archives hold the same image: check sangja's loads in podman with the same id.
sid=$($S images -q --no-trunc "$IMAGE" | sed 's/sha256://')
s_load=$(hf s-load "$S rmi -a -f" "$S load -q -i $BENCH/podman.tar")
p_load=$(hf p-load "$P rmi -a -f" "$P load -q -i $BENCH/podman.tar")
$P rmi -a -f >/dev/null
$P load -q -i "$BENCH/s.tar" >/dev/null
pid=$($P image inspect --format '{{.Id}}' "$IMAGE")
[ "$sid" = "$pid" ] || echo "bench: WARNING: podman loaded sangja's archive as $pid, sangja has $sid" >&2

ratio() { if [ "$1" = n/a ] || [ "$2" = n/a ]; then echo n/a; else echo "scale=2; $1 / $2" | bc; fi; }
printf '%s (%s MB archive), median of %s runs, rootless\n' "$IMAGE" "$size" "$RUNS"
printf '%-28s %10s %10s %8s %8s\n' measure sangja podman ratio goal
printf '%-28s %8sms %8sms %8s %8s\n' "save -o FILE" "$s_save" "$p_save" "$(ratio "$s_save" "$p_save")" "<=0.33"
printf '%-28s %8sms %8sms %8s %8s\n' "load -i FILE" "$s_load" "$p_load" "$(ratio "$s_load" "$p_load")" "<=0.33"
