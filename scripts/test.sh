#!/usr/bin/env bash
# Install the test dependencies, then lint, type-check and test. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's Chromium for the browser tests (never a downloaded browser build).
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
# Debian's PostgreSQL server for the PostgreSQL store tests (they start a throwaway server of their own).
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest
