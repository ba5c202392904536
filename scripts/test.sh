#!/usr/bin/env bash
# The one command that runs every test (README "Test" and .ci/run both call it). It first
# installs what the tests need when it is missing (scripts/test-deps.sh: as root it installs,
# otherwise it prints the one apt-get line to run). The binary's full-disk test needs root (it
# mounts a small tmpfs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-deps.sh
exec cargo test --workspace --no-fail-fast "$@"
