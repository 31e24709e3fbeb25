#!/usr/bin/env bash
# Set up (scripts/install.sh), lint, and run the tests. Extra arguments go to pytest:
#
#   bash scripts/test.sh                 every test
#   bash scripts/test.sh tests/cli -x    one folder, stop at the first failure
#
# The exit code is pytest's; a lint error fails before the tests run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install.sh

# The browser test (tests/browser) renders the HTML report in headless Chromium, from
# Debian's packages. Only root can install it; when apt fails the test skips locally
# and fails on CI (CI=true), where it must run.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium (Debian package) for the browser test ..."
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } \
        >/tmp/synthtab-chromium-install.log 2>&1; then
        echo "warning: could not install chromium (see /tmp/synthtab-chromium-install.log);" \
            "the browser test will skip (or fail on CI)." >&2
    fi
fi

export SYNTHTAB_TEST_POSTGRES_URL="${SYNTHTAB_TEST_POSTGRES_URL:-$(bash scripts/postgres.sh)}"
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy  # pyproject's [tool.mypy]: src/synthtab, checked untyped defs, no unused ignores
exec .venv/bin/python -m pytest -q "$@"
