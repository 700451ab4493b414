#!/bin/bash
# Prints the podman parity table (issue 19): per command, podman's flags and
# how many sangja implements, accepts as podman's no-op, refuses on purpose
# (src/cli/compat.txt) or misses; then the totals. Fails if any is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(cargo test --release --test parity -- --nocapture --test-threads 1 parity_table 2>&1) || status=$?
printf '%s\n' "$out" | sed -n 's/^.*\(COMMAND  *PODMAN\)/\1/; /^COMMAND  *PODMAN/,/^TOTAL/p'
exit "${status:-0}"
