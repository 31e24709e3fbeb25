"""The default and its siblings against the anchors (issue 6): SDV and MOSTLY AI's TabularARGN.

Run from the repository root, in the benchmark environment (``bash scripts/bench_env.sh``):

    .bench-venv/bin/python benchmarks/bench_anchors.py --epochs 5
    .bench-venv/bin/python benchmarks/bench_anchors.py --rows 2000 --models auto sdv-copula
    .bench-venv/bin/python benchmarks/bench_anchors.py --models auto mostlyai --mostly-epochs 20
    .bench-venv/bin/python benchmarks/bench_anchors.py --table fair

``--table`` picks adult (the default), breast_cancer (scikit-learn), or fair or randhie
(statsmodels; ``pip install statsmodels`` in .bench-venv), with bench_default's loaders,
targets and 80/20 splits stratified on the target (common.TABLES). On the three small
tables the default models add the hybrid and SDV's TVAE, and the default epochs are
raised so that each table finishes in under 10 minutes on 2 shared cores: SDV's CTGAN
and TVAE 50 / 20 / 10 epochs and TabularARGN at most 10 / 5 / 3 on breast_cancer /
fair / randhie (adult: 5 and 5). Every model fits the same training rows and samples
as many, in this one process, and is scored by the same evaluator. Columns: fit
and sample seconds (wall clock) and the fit's CPU seconds; SDMetrics' QualityReport
score; from ``synthtab.evaluate`` column shapes (1 best), mean correlation difference (0
best), detection AUC (0.5 best) and the overall fidelity; the AUC on the real holdout of
a classifier trained on the synthetic rows and its ratio to training on the real rows;
the share of synthetic rows closer to training than to holdout rows (0.5 ideal); exact
copies of training rows; and the table's exact relations (bench_default): on adult the
share of rows whose (education, education-num) pair, one-to-one in the real data, never
occurs in the training rows; on randhie the share of rows with more than one of the
three exclusive health dummies set. An anchor that is not
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
    TABLES,
    Table,
    format_table,
    holdout_scores,
    split_table,
    synthetic_scores,
)

MODELS = {
    "auto": ("ours", "auto"),
    "trees": ("ours", "trees"),
    "hybrid": ("ours", "hybrid"),
    "copula": ("ours", "copula"),
    "sdv-copula": ("sdv", "gaussian_copula"),
    "sdv-ctgan": ("sdv", "ctgan"),
    "sdv-tvae": ("sdv", "tvae"),
    "mostlyai": ("mostly", "tabularargn"),
}
DEFAULT = ["auto", "trees", "copula", "sdv-copula", "sdv-ctgan", "mostlyai"]
# --table: its key in common.TABLES, and the defaults of the small tables:
# (SDV CTGAN/TVAE epochs, TabularARGN's epoch cap), chosen for under 10 minutes a table.
TABLE_KEYS = {"adult": "adult", "breast_cancer": "cancer", "fair": "fair", "randhie": "randhie"}
SMALL_EPOCHS = {"breast_cancer": (50, 10.0), "fair": (20, 5.0), "randhie": (10, 3.0)}
SMALL_DEFAULT = [
    "auto",
    "trees",
    "hybrid",
    "copula",
    "sdv-copula",
    "sdv-ctgan",
    "sdv-tvae",
    "mostlyai",
]
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
    parser.add_argument("--table", choices=list(TABLE_KEYS), default="adult")
    parser.add_argument("--rows", type=int, default=None, help="cap the training rows")
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="epochs of SDV's CTGAN and TVAE (adult 5; breast_cancer 50, fair 20, randhie 10)",
    )
    parser.add_argument(
        "--mostly-epochs",
        type=float,
        default=None,
        help="TabularARGN's cap (adult 5; breast_cancer 10, fair 5, randhie 3)",
    )
    parser.add_argument(
        "--models",
        nargs="+",
        choices=list(MODELS),
        default=None,
        help=f"adult: {' '.join(DEFAULT)}; the other tables: {' '.join(SMALL_DEFAULT)}",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    epochs, mostly_epochs = SMALL_EPOCHS.get(args.table, (5, 5.0))
    args.epochs = epochs if args.epochs is None else args.epochs
    args.mostly_epochs = mostly_epochs if args.mostly_epochs is None else args.mostly_epochs
    if args.models is None:
        args.models = DEFAULT if args.table == "adult" else SMALL_DEFAULT
    limit_torch_threads()

    table: Table = TABLES[TABLE_KEYS[args.table]]
    train, holdout = split_table(table.load(), table.target, rows=args.rows, seed=args.seed)
    real_auc = holdout_scores(train, holdout, table.target, table.positive)["auc"]
    print(
        f"{table.name}: {len(train):,} train / {len(holdout):,} holdout rows, "
        f"{train.shape[1]} columns, target {table.target} = {table.positive!r}; AUC trained "
        f"on the real rows {real_auc:.3f}; SDV epochs {args.epochs}, TabularARGN at most "
        f"{args.mostly_epochs:g}\n"
    )
    relations = list(table.relations(train, train))
    # adult keeps its column header; other tables' relations print under their own names.
    headers = ["edu pairs"] if args.table == "adult" else relations
    columns = COLUMNS + [
        (header, name, ".2%") for header, name in zip(headers, relations, strict=True)
    ]
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
            **table.relations(train, result.data[list(train.columns)]),
            **synthetic_scores(train, holdout, result.data, real_auc, table.target, table.positive),
        }
        rows.append(row)
        if row["tstr_auc"] is None:
            print(f"note: {result.name} sampled one class of {table.target} only: no TSTR AUC.")
        print(format_table([row], columns), flush=True)
    print("\n" + format_table(rows, columns))
    if rows:
        print(f"holdout rows that copy a training row, for scale: {rows[0]['copies_holdout']:.2%}")


if __name__ == "__main__":
    main()
