#!/usr/bin/env bash
# Keeps the domain pure: fails if cspr-domain depends, directly or through anything it pulls in
# for normal or build use, on a database, async runtime, web or HTTP crate.
set -euo pipefail
cd "$(dirname "$0")/.."

banned='sqlx|axum|tokio|hyper|reqwest'
tree="$(cargo tree -p cspr-domain -e normal,build --prefix none --format '{p}')"
found="$(printf '%s\n' "$tree" | awk '{print $1}' | grep -E "^(${banned})([-_].*)?$" | sort -u || true)"
if [[ -n "$found" ]]; then
    echo "check-domain-deps: FAILED: cspr-domain must stay pure, but its dependency tree holds:" >&2
    printf '  %s\n' $found >&2
    exit 1
fi
echo "check-domain-deps: ok: cspr-domain pulls in none of sqlx, axum, tokio, hyper, reqwest"
