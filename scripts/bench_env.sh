#!/usr/bin/env bash
# Build .bench-venv: the anchors (SDV, MOSTLY AI's SDK) beside synthtab, for benchmarks/ only.
# The anchors are never dependencies of the package; they live in this environment alone.
#
#   bash scripts/bench_env.sh                     (from the repository root, or from anywhere)
#   .bench-venv/bin/python benchmarks/bench_anchors.py
#
# torch is installed first, pinned to the CPU build of 2.13.0 on local disk, and every later
# pip call runs under a constraints file that pins it, so no anchor can swap it for a
# multi-GB CUDA build. mostlyai[local] is optional: when it cannot be installed within the
# constraints, the script says why, rolls nothing back, and the benchmarks skip it.
# Safe to run again: a stamp newer than pyproject.toml and this script skips the work.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
VENV=.bench-venv
STAMP="$VENV/.bench-installed"
CONSTRAINTS="$VENV/constraints.txt"
LOG="$VENV/install.log"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: the benchmarks need Python 3.11 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1 || echo missing)." >&2
    exit 1
fi
if [ -f "$STAMP" ] && [ "$STAMP" -nt pyproject.toml ] && [ "$STAMP" -nt scripts/bench_env.sh ]; then
    echo "Ready (already built): $VENV/bin/python benchmarks/bench_anchors.py"
    exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating $VENV ..."
    "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip)
printf 'torch==2.13.0\n' > "$CONSTRAINTS"
: > "$LOG"

torch_ok() {
    [ "$("$VENV/bin/python" -c 'import torch; print(torch.__version__)' 2>/dev/null)" = "2.13.0+cpu" ]
}

"${PIP[@]}" install -qq --upgrade pip || echo "warning: could not upgrade pip; continuing." >&2
echo "Installing torch 2.13.0 (CPU) ..."
"${PIP[@]}" install -qq "torch==2.13.0"
echo "Installing sdv (latest that resolves with torch 2.13.0) ..."
"${PIP[@]}" install -qq -c "$CONSTRAINTS" --upgrade sdv
echo "Installing statsmodels (the fair and randhie tables of bench_anchors.py --table) ..."
"${PIP[@]}" install -qq -c "$CONSTRAINTS" statsmodels
echo "Installing synthtab (editable) ..."
"${PIP[@]}" install -qq -c "$CONSTRAINTS" -e .

echo "Installing mostlyai[local] (optional) ..."
if "${PIP[@]}" install -c "$CONSTRAINTS" "mostlyai[local]" >>"$LOG" 2>&1; then
    # Their CUDA builds break the SDK's import, and the tabular engine needs neither.
    "${PIP[@]}" uninstall -qq -y torchvision torchaudio >>"$LOG" 2>&1 || true
    if "$VENV/bin/python" -c 'from mostlyai.sdk import MostlyAI' >>"$LOG" 2>&1; then
        echo "  mostlyai[local] installed."
    else
        echo "  mostlyai[local] installed but does not import; see $LOG. Benchmarks skip it." >&2
    fi
else
    echo "  mostlyai[local] cannot be installed with torch==2.13.0 pinned; see $LOG:" >&2
    grep -E "ERROR|conflict|requires|depends on" "$LOG" | tail -n 8 >&2 || true
    echo "  Benchmarks skip it." >&2
fi

if ! torch_ok; then
    echo "error: torch in $VENV is not 2.13.0+cpu any more; rebuild with: rm -r $VENV" >&2
    exit 1
fi
# Expected: mostlyai-engine declares torchvision and torchaudio, removed above on purpose.
"${PIP[@]}" check >>"$LOG" 2>&1 || echo "note: pip check reports conflicts (see $LOG)." >&2
touch "$STAMP"
echo "Ready: $VENV/bin/python benchmarks/bench_anchors.py"
