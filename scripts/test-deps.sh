#!/usr/bin/env bash
# What the tests need, installed when missing (scripts/test.sh and .ci/run call it first):
# Debian packages (the PostgreSQL server binaries for the store's PostgreSQL runs, Chromium and
# chromedriver for the browser tests, poppler-utils and Liberation fonts for the PDF tests,
# LibreOffice Writer for the tests that open every DOCX export, Node.js and npm), aiosmtpd from
# PyPI for the email tests, schemathesis from PyPI for the API's test, and the web front end's npm packages. As root it installs what is
# missing; otherwise it prints the one command to run and fails. apt-get update runs at most
# once, and only if something has to be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

missing=()
have_pg_initdb() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
have_pg_initdb || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[[ -f /usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf ]] ||
    missing+=(fonts-liberation2)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)

if ((${#missing[@]} > 0)); then
    if ((EUID != 0)); then
        echo "The tests need: ${missing[*]}. Install them with:" >&2
        echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    echo "==> installing: ${missing[*]}"
    apt_log="$(mktemp)"
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"; } </dev/null >"$apt_log" 2>&1; then
        tail -n 40 "$apt_log" >&2
        echo "installing ${missing[*]} failed" >&2
        exit 1
    fi
fi
have_pg_initdb || { echo "PostgreSQL server binaries are still missing after install" >&2; exit 1; }

# The email tests send to a real SMTP server on loopback (aiosmtpd).
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    if ((EUID != 0)) && ! python3 -m pip install --quiet --user aiosmtpd </dev/null; then
        echo "The email tests need aiosmtpd: python3 -m pip install aiosmtpd" >&2
        exit 1
    elif ((EUID == 0)); then
        echo "==> installing aiosmtpd (PyPI) for the SMTP tests"
        python3 -m pip install --quiet aiosmtpd </dev/null ||
            apt-get install -y -qq --no-install-recommends python3-aiosmtpd </dev/null >/dev/null
    fi
fi

# The API's test runs schemathesis (PyPI) against a live server, generating requests from the
# API's own OpenAPI description (crates/cspr/tests/cli/api_cli.rs).
if ! command -v schemathesis >/dev/null 2>&1; then
    if ((EUID != 0)) && ! python3 -m pip install --quiet --user 'schemathesis>=4.32,<5' </dev/null; then
        echo "The API tests need schemathesis: python3 -m pip install 'schemathesis>=4.32,<5'" >&2
        exit 1
    elif ((EUID == 0)); then
        echo "==> installing schemathesis (PyPI) for the API tests"
        python3 -m pip install --quiet 'schemathesis>=4.32,<5' </dev/null
    fi
fi
command -v schemathesis >/dev/null 2>&1 || { echo "schemathesis is still missing after install" >&2; exit 1; }

# The web front end's npm packages (the cspr-web build script also installs them when missing).
if [[ -f web/package.json && ! -d web/node_modules ]]; then
    echo "==> npm packages for web/"
    if [[ -f web/package-lock.json ]]; then
        (cd web && npm ci --no-audit --no-fund)
    else
        (cd web && npm install --no-audit --no-fund)
    fi
fi
