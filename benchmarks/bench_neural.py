"""Our neural models against SDV's CTGAN and TVAE: same data, same epochs, same evaluator.

Run from the repository root, in the benchmark environment (``bash scripts/bench_env.sh``):

    .bench-venv/bin/python benchmarks/bench_neural.py --epochs 10
    .bench-venv/bin/python benchmarks/bench_neural.py --rows 2000 --epochs 2   (a quick look)
    .bench-venv/bin/python benchmarks/bench_neural.py --models sdv-ctgan sdv-tvae
    .bench-venv/bin/python benchmarks/bench_neural.py --models gan --epochs 20 --set generator_ema=0

By default ctgan, vae and SDV's two; ``--models`` adds our other GANs, ``--set`` passes
parameters (JSON values) to our models.

adult, 80/20 split stratified on income; every model fits the same training rows and
samples as many, on 2 torch threads (``--threads``); ``--seeds`` repeats each fit with
other model seeds and adds mean +- sd. Columns: fit and sample seconds (wall clock) and
the fit's CPU seconds; column shapes (1 best), mean correlation difference (0 best),
detection AUC (0.5 best) and synthtab's overall fidelity from ``synthtab.evaluate``; the
AUC on the real holdout of a classifier trained on the synthetic rows, and its ratio to
training on the real rows; the share of synthetic rows closer to training than to
holdout rows (0.5 ideal). A model of ours that is not registered yet is skipped with a
note. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse

import anchors
import pandas as pd
from anchors import (
    TORCH_THREADS,
    AnchorRun,
    fit_sample_ours,
    fit_sample_sdv,
    limit_torch_threads,
    sdv_available,
)
from common import (
    format_table,
    holdout_scores,
    load_adult,
    mean_sd,
    parse_settings,
    split_adult,
    synthetic_scores,
)

from synthtab.errors import UnknownNameError
from synthtab.models import model_registry

OURS = tuple(model_registry.names_where(lambda caps: caps.needs_torch))
MODELS = {
    **{name: ("ours", name) for name in OURS},
    "sdv-ctgan": ("sdv", "ctgan"),
    "sdv-tvae": ("sdv", "tvae"),
}
DEFAULT_MODELS = ["ctgan", "vae", "sdv-ctgan", "sdv-tvae"]
COLUMNS = [
    ("model", "name", ""),
    ("seed", "seed", ""),
    ("fit s", "fit_s", ".1f"),
    ("fit CPU s", "fit_cpu_s", ".1f"),
    ("sample s", "sample_s", ".2f"),
    ("shapes", "shapes", ".3f"),
    ("corr diff", "corr_diff", ".3f"),
    ("detect AUC", "detection", ".3f"),
    ("fidelity", "fidelity", ".3f"),
    ("TSTR AUC", "tstr_auc", ".3f"),
    ("ratio", "auc_ratio", ".3f"),
    ("DCR share", "dcr_share", ".3f"),
]


def run(
    key: str, train: pd.DataFrame, epochs: int, seed: int, threads: int, params: dict
) -> AnchorRun | None:
    """Fit and sample one model; None, with a printed note, when it is unavailable."""
    source, kind = MODELS[key]
    if source == "sdv":
        if not sdv_available():
            print(f"note: {key} skipped: SDV is not installed here; run scripts/bench_env.sh.")
            return None
        return fit_sample_sdv(kind, train, len(train), epochs=epochs, seed=seed)
    try:
        # as many torch threads as SDV gets: the comparison is "on 2 CPU cores"
        return fit_sample_ours(
            kind, train, len(train), seed=seed, epochs=epochs, threads=threads, **params
        )
    except UnknownNameError as exc:
        print(f"note: {key} skipped: synthtab has no model '{kind}' yet ({exc})")
        return None


def summary(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Mean and standard deviation over the seeds of each model."""
    frame = pd.DataFrame(rows)
    out = []
    for name, group in frame.groupby("name", sort=False):
        row: dict[str, object] = {"name": name, "seed": f"{len(group)} seeds"}
        for _, key, _ in COLUMNS[2:]:
            values = pd.to_numeric(group[key], errors="coerce").dropna().tolist()
            row[key] = mean_sd(values) if values else "-"
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--rows", type=int, default=None, help="cap the training rows")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=DEFAULT_MODELS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="model seeds")
    parser.add_argument("--split-seed", type=int, default=0, help="seed of the 80/20 split")
    parser.add_argument("--threads", type=int, default=TORCH_THREADS, help="torch threads")
    parser.add_argument("--set", nargs="+", default=[], help="our models' parameters, name=value")
    args = parser.parse_args()
    params = parse_settings(parser, args.set)
    anchors.TORCH_THREADS = args.threads
    limit_torch_threads()
    train, holdout = split_adult(load_adult(), rows=args.rows, seed=args.split_seed)
    real_auc = holdout_scores(train, holdout)["auc"]
    print(
        f"adult: {len(train):,} train / {len(holdout):,} holdout rows; {args.epochs} epochs; "
        f"{args.threads} torch threads; AUC trained on the real rows {real_auc:.3f}\n"
    )
    rows = []
    for seed in args.seeds:
        for key in args.models:
            print(f"fitting {key} (seed {seed}) ...", flush=True)
            result = run(key, train, args.epochs, seed, args.threads, params)
            if result is None:
                continue
            row = {
                "name": result.name,
                "seed": seed,
                "fit_s": result.fit_seconds,
                "fit_cpu_s": result.fit_cpu_seconds,
                "sample_s": result.sample_seconds,
                **synthetic_scores(train, holdout, result.data, real_auc),
            }
            rows.append(row)
            print(format_table([row], COLUMNS), flush=True)
    print("\n" + format_table(rows, COLUMNS))
    if len(args.seeds) > 1:
        print("\nmean +- standard deviation over the seeds\n")
        print(format_table(summary(rows), [(h, k, "") for h, k, _ in COLUMNS]))


if __name__ == "__main__":
    main()
