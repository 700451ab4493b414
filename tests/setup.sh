#!/usr/bin/env bash
# Prepares a Debian 12 machine for sangja's tests, the README's quick start and the
# benchmark. Run as root; safe to run again (each step checks before it acts), and
# quick when everything is in place.
#
#   - installs the Debian packages the tests use;
#   - creates the test users: sangjatest (uid 1001, subuid/subgid 100000:65536),
#     sangjanosub (uid 1002, no subordinate range) and sangjasmall (uid 1003, a range
#     of 1000 at 300000), with /run/user/<uid>. On a machine whose users or ranges
#     already hold those numbers, the first free ones above them are taken instead
#     (tests/setup-ids.sh; or set SANGJATEST_UID, SANGJANOSUB_UID, SANGJASMALL_UID,
#     SANGJATEST_SUBUID, SANGJASMALL_SUBUID); the choice is written to
#     $SANGJA_TEST_IDS (default /etc/sangja-tests/ids), which the tests read;
#   - opens /dev/fuse and /dev/net/tun to everyone;
#   - starts a registry on 127.0.0.1:5000 (no systemd needed) and pushes the test
#     images built by tests/images/build_image.py.
#
# Environment: SANGJA_TEST_IDS (see above), SANGJA_REGISTRY_DIR (default /var/lib/sangja-test-registry),
# SANGJA_REBUILD_IMAGES=1 to build and push the images again.
set -euo pipefail

die() { echo "setup.sh: error: $*" >&2; exit 1; }
say() { echo "setup.sh: $*" >&2; }

[ "$(id -u)" = 0 ] || die "run me as root (sudo bash tests/setup.sh)"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REG_DIR=${SANGJA_REGISTRY_DIR:-/var/lib/sangja-test-registry}
REG_ADDR=127.0.0.1:5000
REG_URL=http://$REG_ADDR

# ---- packages -----------------------------------------------------------------------
PACKAGES=(
  uidmap docker-registry busybox-static skopeo podman containers-storage runc
  fuse-overlayfs passt slirp4netns jq hyperfine zstd curl iproute2 python3 time
  util-linux procps ca-certificates gcc libc6-dev fish zsh nftables systemd
  rpm dpkg-dev man-db
  # building: ISA-L's igzip (push's gzip) is built from the isal-sys crate's source
  nasm autoconf automake libtool make
  dbus-user-session
  docker-compose
)
missing=()
for p in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Keep package scripts from starting services (docker-registry's own unit would
  # listen on every address): we start our registry ourselves, on loopback only.
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$policy_added" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

# ---- users --------------------------------------------------------------------------
# shellcheck source=tests/setup-ids.sh
. "$HERE/setup-ids.sh"
touch /etc/subuid /etc/subgid
eval "$(choose_ids /etc/passwd /etc/group /etc/subuid /etc/subgid)"
IDS_FILE=${SANGJA_TEST_IDS:-/etc/sangja-tests/ids}
mkdir -p "$(dirname "$IDS_FILE")"
{
  echo "# Written by tests/setup.sh: the test users' ids (read by tests/cli/util.rs)."
  echo "SANGJATEST_UID=$SANGJATEST_UID"
  echo "SANGJANOSUB_UID=$SANGJANOSUB_UID"
  echo "SANGJASMALL_UID=$SANGJASMALL_UID"
  echo "SANGJATEST_SUBUID=$SANGJATEST_SUBUID"
  echo "SANGJASMALL_SUBUID=$SANGJASMALL_SUBUID"
} > "$IDS_FILE.new"
chmod 0644 "$IDS_FILE.new"
mv "$IDS_FILE.new" "$IDS_FILE"
SUB_END=$((SANGJATEST_SUBUID + 65536))
ensure_user() { # name uid
  local name=$1 uid=$2 by_uid
  by_uid=$(getent passwd "$uid" | cut -d: -f1 || true)
  if [ -n "$by_uid" ] && [ "$by_uid" != "$name" ]; then
    die "uid $uid belongs to \"$by_uid\", not \"$name\": free uid $uid or remove that user (userdel $by_uid)"
  fi
  if ! getent passwd "$name" >/dev/null; then
    # -K SUB_*_COUNT=0: useradd must not pick ranges itself; we write exactly ours.
    getent group "$name" >/dev/null || groupadd -g "$uid" "$name"
    useradd -u "$uid" -g "$name" -m -d "/home/$name" -s /bin/bash \
      -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$name"
  fi
  [ "$(id -u "$name")" = "$uid" ] || die "user $name exists with uid $(id -u "$name"), the tests need $uid"
  [ -d "/home/$name" ] || { mkdir -p "/home/$name"; chown "$name:" "/home/$name"; }
  mkdir -p "/run/user/$uid"
  chown "$uid:$(id -g "$name")" "/run/user/$uid"
  chmod 0700 "/run/user/$uid"
}
ensure_user sangjatest "$SANGJATEST_UID"
ensure_user sangjanosub "$SANGJANOSUB_UID"
ensure_user sangjasmall "$SANGJASMALL_UID"

for f in /etc/subuid /etc/subgid; do
  want="sangjatest:$SANGJATEST_SUBUID:65536"
  grep -qx "$want" "$f" || { sed -i '/^sangjatest:/d' "$f"; echo "$want" >> "$f"; }
  if grep -q '^sangjanosub:' "$f"; then sed -i '/^sangjanosub:/d' "$f"; fi
  # sangjasmall: a range too small for images (the "range too small" error).
  want="sangjasmall:$SANGJASMALL_SUBUID:1000"
  grep -qx "$want" "$f" || { sed -i '/^sangjasmall:/d' "$f"; echo "$want" >> "$f"; }
  # Another user's range overlapping ours would let containers share ids.
  awk -F: -v s="$SANGJATEST_SUBUID" -v e="$SUB_END" \
    '$1 != "sangjatest" && $1 != "sangjasmall" && $2 < e && $2 + $3 > s { print; bad=1 } END { exit bad }' "$f" ||
    die "$f: the range(s) above overlap sangjatest's $SANGJATEST_SUBUID:65536"
done

# Rootless podman (for the benchmark's comparison) as sangjatest: the overlay driver
# and runc (Debian 12's crun refuses this machine's cgroup layout), no systemd.
install -d -o sangjatest -g sangjatest /home/sangjatest/.config /home/sangjatest/.config/containers
printf '[storage]\ndriver = "overlay"\n' > /home/sangjatest/.config/containers/storage.conf
printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
  > /home/sangjatest/.config/containers/containers.conf
chown sangjatest:sangjatest /home/sangjatest/.config/containers/*.conf

# ---- devices ------------------------------------------------------------------------
for d in /dev/fuse /dev/net/tun; do
  [ -e "$d" ] && chmod 0666 "$d"
done

# ---- a delegated cgroup v2 subtree for sangjatest ------------------------------------
# What systemd's Delegate=yes does for a user unit: a v2 folder the user owns. The
# rootless delegation tests (tests/cli/userns.rs) place the sangja they start in a child
# of it. On this hybrid host the v2 tree is /sys/fs/cgroup/unified (hugetlb only).
for v2 in /sys/fs/cgroup /sys/fs/cgroup/unified; do
  if [ -f "$v2/cgroup.controllers" ]; then
    mkdir -p "$v2/sangja-test"
    chown -R sangjatest:sangjatest "$v2/sangja-test"
    break
  fi
done

# ---- the registry -------------------------------------------------------------------
registry_up() { curl -fsS -o /dev/null --max-time 2 "$REG_URL/v2/" 2>/dev/null; }

mkdir -p "$REG_DIR/data"
cat > "$REG_DIR/config.yml.new" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $REG_ADDR
EOF
mv "$REG_DIR/config.yml.new" "$REG_DIR/config.yml"

if ! registry_up; then
  if ss -Hltn "sport = :5000" 2>/dev/null | grep -q .; then
    die "something listens on port 5000 but does not answer $REG_URL/v2/ (ss -ltnp sport = :5000)"
  fi
  say "starting the registry on $REG_ADDR (log: $REG_DIR/registry.log)"
  # setsid + every descriptor redirected: the registry must not hold a caller's pipe.
  setsid docker-registry serve "$REG_DIR/config.yml" </dev/null >>"$REG_DIR/registry.log" 2>&1 &
  echo $! > "$REG_DIR/registry.pid"
  for _ in $(seq 100); do registry_up && break; sleep 0.1; done
  registry_up || die "the registry did not answer on $REG_URL (see $REG_DIR/registry.log)"
fi

# ---- the test images ----------------------------------------------------------------
IMAGES=(busybox layered large bad tiny evil evil-abs evil-symlink evil-hardlink multi)
# The images are rebuilt when the recipe script or the busybox binary changes.
stamp=$(cat "$HERE/images/build_image.py" /bin/busybox | sha256sum | cut -c1-16)
have_all=1
if [ "${SANGJA_REBUILD_IMAGES:-0}" = 1 ] || [ "$(cat "$REG_DIR/images.stamp" 2>/dev/null)" != "$stamp" ]; then
  have_all=0
else
  for name in "${IMAGES[@]}"; do
    curl -fsS --max-time 5 "$REG_URL/v2/$name/tags/list" 2>/dev/null | grep -q '"latest"' || { have_all=0; break; }
  done
fi
if [ "$have_all" = 0 ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  for name in "${IMAGES[@]}"; do
    python3 "$HERE/images/build_image.py" "$name" "$work/$name" >/dev/null
    all=()
    [ "$name" = multi ] && all=(--all)
    skopeo copy -q --preserve-digests "${all[@]}" --dest-tls-verify=false \
      "oci:$work/$name:latest" "docker://$REG_ADDR/$name:latest" >/dev/null
    want=$(jq -r '.manifests[0].digest' "$work/$name/index.json")
    got=$(curl -fsS -o /dev/null -w '%header{docker-content-digest}' \
      -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' \
      "$REG_URL/v2/$name/manifests/latest" 2>/dev/null || true)
    if [ -n "$got" ] && [ "$got" != "$want" ]; then
      die "$name: the registry holds manifest $got, the layout has $want (skopeo changed it)"
    fi
    say "pushed $REG_ADDR/$name:latest ($want)"
  done
  echo "$stamp" > "$REG_DIR/images.stamp"
fi

# ---- docker-py for the API tests -----------------------------------------------------
# tests/cli/api_objects.rs drives the API service with docker-py (PyPI `docker`) as a real
# client; a venv every test user may run, outside any user's home. Without PyPI the test
# says it skipped.
PY_VENV=${SANGJA_TEST_VENV:-/opt/sangja-tests/venv}
if ! "$PY_VENV/bin/python3" -c 'import docker' 2>/dev/null; then
  if /usr/bin/python3 -m venv "$PY_VENV" >/dev/null && "$PY_VENV/bin/pip" install -q 'docker>=7,<8' >/dev/null 2>&1; then
    say "docker-py installed in $PY_VENV"
  else
    say "warning: could not install docker-py into $PY_VENV (no PyPI?): the docker-py test will skip"
  fi
fi
chmod -R a+rX "$(dirname "$PY_VENV")" 2>/dev/null || true

# ---- Debian's docker CLI 20.10 for the API tests -------------------------------------------
# The API's other named client (docker.io, API 1.41). Only its `docker` binary, taken out of
# the package without installing it: the package would bring dockerd and containerd.
DOCKER20=${SANGJA_TEST_DOCKER20:-/opt/sangja-tests/docker-20.10/docker}
if [ ! -x "$DOCKER20" ]; then
  d20_tmp=$(mktemp -d)
  if (cd "$d20_tmp" && apt-get download -qq docker.io >/dev/null 2>&1 && dpkg-deb -x docker.io_*.deb x) \
     && [ -x "$d20_tmp/x/usr/bin/docker" ]; then
    mkdir -p "$(dirname "$DOCKER20")"
    install -m 0755 "$d20_tmp/x/usr/bin/docker" "$DOCKER20"
    say "docker CLI $("$DOCKER20" --version | cut -d, -f1 | cut -d' ' -f3) in $DOCKER20"
  else
    say "warning: could not take the docker CLI out of Debian's docker.io: its API test will skip"
  fi
  rm -rf "$d20_tmp"
fi
chmod -R a+rX "$(dirname "$DOCKER20")" 2>/dev/null || true

# ---- reachability ----------------------------------------------------------------------
# The tests copy the binary they test to a world-readable place themselves; the
# repository must still be readable for `cargo install` and the quick start.
say "ready: registry $REG_URL, users sangjatest ($SANGJATEST_UID, subordinate ids $SANGJATEST_SUBUID:65536), sangjanosub ($SANGJANOSUB_UID), sangjasmall ($SANGJASMALL_UID); ids in $IDS_FILE"
