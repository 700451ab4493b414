#!/bin/bash
# Regenerates the checked-in completions/ and man/ from the clap tree of the
# current source: builds the release binary, then runs its hidden
# `sangja __generate-docs DIR`. Run after adding or changing a command or flag:
#
#     bash packaging/gen-docs.sh
#
# tests/cli/docs.rs fails (naming this command) when the files are stale.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cargo build --release --quiet
target/release/sangja __generate-docs "$top"
