"""Class-conditional sampling of the label-conditioned GANs on adult.

Run from the repository root:

    .venv/bin/python benchmarks/bench_conditional.py
    .venv/bin/python benchmarks/bench_conditional.py --models cgan --epochs 40 --seeds 0 1 2
    .venv/bin/python benchmarks/bench_conditional.py --models cgan --set generator_ema=0

80/20 split stratified on income. Each model (``cgan``, ``wcgan``, conditioned on
``income``) is fitted on the training rows, then asked for ``--rows`` rows of each
income class through ``Condition``. Printed per model, seed and class: the share of
rows that carry the asked class (the target is 100 %), and the two-sample
Kolmogorov-Smirnov statistic between the synthetic rows' age and hours-per-week and
the real training rows of that class (the target is under 0.1), with the fit time.
Each fit keeps its best epoch by the model's validation signal (``patience`` = the
epochs: a 1-D Wasserstein gap class by class on 10 % held-out rows; a vanilla GAN's
last epoch swings); ``--last-epoch`` keeps the last one instead. torch runs on one
thread per model. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from common import POSITIVE, TARGET, format_table, load_adult, parse_settings, split_adult
from scipy.stats import ks_2samp

from synthtab import Condition, Synthesizer

COLUMNS = [
    ("model", "model", ""),
    ("epochs", "epochs", ""),
    ("seed", "seed", ""),
    ("class", "label", ""),
    ("asked class %", "asked_share", ".1f"),
    ("KS age", "ks_age", ".3f"),
    ("KS hours", "ks_hours", ".3f"),
    ("fit s", "fit_s", ".1f"),
]
MEASURED = ("age", "hours-per-week")


def conditional_rows(
    model: str, train: pd.DataFrame, epochs: int, seed: int, rows: int, **params: object
) -> list[dict[str, object]]:
    """Fit one model and score the rows it generates for each income class."""
    synth = Synthesizer(
        model, seed=seed, epochs=epochs, threads=1, condition_columns=[TARGET], **params
    )
    started = time.perf_counter()
    synth.fit(train)
    fit_s = time.perf_counter() - started
    results = []
    for label in (POSITIVE, *sorted(set(train[TARGET]) - {POSITIVE})):
        synthetic = synth.sample(rows, conditions=Condition({TARGET: label}))
        real = train[train[TARGET] == label]
        ks = {c: ks_2samp(real[c], synthetic[c]).statistic for c in MEASURED}
        results.append(
            {
                "model": model,
                "epochs": epochs,
                "seed": seed,
                "label": label,
                "asked_share": 100.0 * float((synthetic[TARGET] == label).mean()),
                "ks_age": ks["age"],
                "ks_hours": ks["hours-per-week"],
                "fit_s": fit_s,
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=["cgan", "wcgan"])
    parser.add_argument("--epochs", type=int, nargs="+", default=[40, 10], help="one per model")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--rows", type=int, default=5_000, help="rows sampled per class")
    parser.add_argument("--set", nargs="+", default=[], help="model parameters as name=value")
    parser.add_argument("--last-epoch", action="store_true", help="no best-epoch selection")
    args = parser.parse_args()
    epochs = args.epochs * len(args.models) if len(args.epochs) == 1 else args.epochs
    if len(epochs) != len(args.models):
        parser.error("--epochs takes one value, or one per model")
    params = parse_settings(parser, args.set)
    train, _ = split_adult(load_adult(), seed=0)
    results = []
    for model, model_epochs in zip(args.models, epochs, strict=True):
        for seed in args.seeds:
            print(f"fitting {model} ({model_epochs} epochs, seed {seed}) ...", flush=True)
            best = {} if args.last_epoch else {"patience": model_epochs}
            fit_params = {**best, **params}
            results += conditional_rows(model, train, model_epochs, seed, args.rows, **fit_params)
    print()
    print(format_table(results, COLUMNS))


if __name__ == "__main__":
    main()
