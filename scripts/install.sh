#!/usr/bin/env bash
# Set up .venv with synthtab and its dev tools. Safe to run again: it only does what is missing.
#
#   bash scripts/install.sh            (from the repository root, or from anywhere)
#
# torch is installed first, pinned, on its own: the CPU build of 2.13.0 lies on local disk
# (pip's find-links), while an unpinned torch would pull a multi-GB CUDA build.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.synthtab-installed"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: synthtab needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1 || echo missing)." >&2
    echo "       Set PYTHON=/path/to/python3.11 and run again." >&2
    exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating $VENV ..."
    "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip)

# Nothing changed since the last successful install: skip pip entirely (fast re-runs).
if [ -f "$STAMP" ] && [ "$STAMP" -nt pyproject.toml ] && [ -x "$VENV/bin/synthtab" ]; then
    exit 0
fi

"${PIP[@]}" install -qq --upgrade pip || echo "warning: could not upgrade pip; continuing." >&2
echo "Installing torch 2.13.0 (CPU) ..."
"${PIP[@]}" install -qq "torch==2.13.0"
echo "Installing synthtab (editable, with dev tools and Dask) ..."
"${PIP[@]}" install -qq -e ".[dev,privacy,dask]"
# anonymeter 1.1.0 declares numpy<1.27 but runs on numpy 2.4: install it without its pins.
echo "Installing anonymeter 1.1.0 (--no-deps; privacy attack metrics) ..."
"${PIP[@]}" install -qq --no-deps "anonymeter==1.1.0"
touch "$STAMP"
echo "Ready: $VENV/bin/synthtab --help"
