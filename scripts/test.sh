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
export SYNTHTAB_TEST_POSTGRES_URL="${SYNTHTAB_TEST_POSTGRES_URL:-$(bash scripts/postgres.sh)}"
.venv/bin/ruff check src tests benchmarks
exec .venv/bin/python -m pytest -q "$@"
