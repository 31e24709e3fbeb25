"""The default and its siblings against the anchors (issue 6): SDV and MOSTLY AI's TabularARGN.

Run from the repository root, in the benchmark environment (``bash scripts/bench_env.sh``):

    .bench-venv/bin/python benchmarks/bench_anchors.py --epochs 5
    .bench-venv/bin/python benchmarks/bench_anchors.py --rows 2000 --models auto sdv-copula
    .bench-venv/bin/python benchmarks/bench_anchors.py --models auto mostlyai --mostly-epochs 20

adult, 80/20 split stratified on income; every model fits the same training rows and
samples as many, in this one process, and is scored by the same evaluator. Columns: fit
and sample seconds (wall clock) and the fit's CPU seconds; SDMetrics' QualityReport
score; from ``synthtab.evaluate`` column shapes (1 best), mean correlation difference (0
best), detection AUC (0.5 best) and the overall fidelity; the AUC on the real holdout of
a classifier trained on the synthetic rows and its ratio to training on the real rows;
the share of synthetic rows closer to training than to holdout rows (0.5 ideal); exact
copies of training rows; and the share of rows whose (education, education-num) pair,
one-to-one in the real data, never occurs in the training rows. An anchor that is not
installed is skipped with a note. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse

import pandas as pd
from anchors import (
    AnchorRun,
    fit_sample_mostly,
    fit_sample_ours,
    fit_sample_sdv,
    limit_torch_threads,
    mostly_available,
    quality_score,
    sdv_available,
)
from common import (
    format_table,
    holdout_scores,
    load_adult,
    split_adult,
    synthetic_scores,
    unseen_pair_share,
)

MODELS = {
    "auto": ("ours", "auto"),
    "trees": ("ours", "trees"),
    "copula": ("ours", "copula"),
    "sdv-copula": ("sdv", "gaussian_copula"),
    "sdv-ctgan": ("sdv", "ctgan"),
    "sdv-tvae": ("sdv", "tvae"),
    "mostlyai": ("mostly", "tabularargn"),
}
DEFAULT = ["auto", "trees", "copula", "sdv-copula", "sdv-ctgan", "mostlyai"]
COLUMNS = [
    ("model", "name", ""),
    ("fit s", "fit_s", ".1f"),
    ("fit CPU s", "fit_cpu_s", ".1f"),
    ("sample s", "sample_s", ".2f"),
    ("SDM quality", "quality", ".3f"),
    ("shapes", "shapes", ".3f"),
    ("corr diff", "corr_diff", ".3f"),
    ("detect AUC", "detection", ".3f"),
    ("fidelity", "fidelity", ".3f"),
    ("TSTR AUC", "tstr_auc", ".3f"),
    ("ratio", "auc_ratio", ".3f"),
    ("DCR share", "dcr_share", ".3f"),
    ("copies", "copies", ".2%"),
    ("edu pairs", "unseen_pairs", ".2%"),
]


def run(key: str, train: pd.DataFrame, args: argparse.Namespace) -> AnchorRun | None:
    """Fit and sample one model; None, with a printed note, when it is not installed."""
    source, kind = MODELS[key]
    n = len(train)
    if source == "ours":
        return fit_sample_ours(kind, train, n, seed=args.seed)
    if source == "sdv":
        if not sdv_available():
            print(f"note: {key} skipped: SDV is not installed here; run scripts/bench_env.sh.")
            return None
        return fit_sample_sdv(kind, train, n, epochs=args.epochs, seed=args.seed)
    if not mostly_available():
        print(f"note: {key} skipped: mostlyai[local] is not installed here (scripts/bench_env.sh).")
        return None
    return fit_sample_mostly(train, n, seed=args.seed, max_epochs=args.mostly_epochs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None, help="cap the training rows")
    parser.add_argument("--epochs", type=int, default=5, help="epochs of SDV's CTGAN and TVAE")
    parser.add_argument("--mostly-epochs", type=float, default=5, help="TabularARGN's cap")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=DEFAULT)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    limit_torch_threads()

    train, holdout = split_adult(load_adult(), rows=args.rows, seed=args.seed)
    real_auc = holdout_scores(train, holdout)["auc"]
    print(
        f"adult: {len(train):,} train / {len(holdout):,} holdout rows; AUC trained on the "
        f"real rows {real_auc:.3f}; SDV epochs {args.epochs}, TabularARGN at most "
        f"{args.mostly_epochs:g}\n"
    )
    rows = []
    for key in args.models:
        print(f"fitting {key} ...", flush=True)
        result = run(key, train, args)
        if result is None:
            continue
        row = {
            "name": result.name,
            "fit_s": result.fit_seconds,
            "fit_cpu_s": result.fit_cpu_seconds,
            "sample_s": result.sample_seconds,
            "quality": quality_score(train, result.data) if sdv_available() else None,
            "unseen_pairs": unseen_pair_share(result.data, train, "education", "education-num"),
            **synthetic_scores(train, holdout, result.data, real_auc),
        }
        rows.append(row)
        print(format_table([row], COLUMNS), flush=True)
    print("\n" + format_table(rows, COLUMNS))
    if rows:
        print(f"holdout rows that copy a training row, for scale: {rows[0]['copies_holdout']:.2%}")


if __name__ == "__main__":
    main()
