#!/usr/bin/env bash
# The one command that runs every test (README "Test" and .ci/run both call it).
# Needs the PostgreSQL server binaries (initdb, postgres) for the store's PostgreSQL runs and
# root for the binary's full-disk test (it mounts a small tmpfs); .ci/run installs the former.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --workspace --no-fail-fast "$@"
