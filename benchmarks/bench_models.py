"""Fit and sample time, peak memory and fidelity of every model on adult.

Run from the repository root:  .venv/bin/python benchmarks/bench_models.py
It prints figures; it asserts nothing. Times come from an untraced run; peak
memory is tracemalloc's peak (numpy and pandas report their buffers to it) in a
second, traced run of fit and of sampling.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd
from common import load_adult
from scipy import stats

from synthtab import Synthesizer
from synthtab.errors import SynthtabError
from synthtab.models import model_registry


def fidelity(real: pd.DataFrame, synth: pd.DataFrame) -> dict[str, float]:
    """Mean KS (numbers), mean total variation (labels), worst Spearman difference."""
    numeric = real.select_dtypes("number").columns
    labels = real.columns.difference(numeric)
    ks = [stats.ks_2samp(real[c], synth[c]).statistic for c in numeric]
    tvd = [
        0.5
        * real[c]
        .value_counts(normalize=True)
        .subtract(synth[c].value_counts(normalize=True), fill_value=0)
        .abs()
        .sum()
        for c in labels
    ]
    spearman = np.abs(
        real[numeric].corr(method="spearman").to_numpy()
        - synth[numeric].corr(method="spearman").to_numpy()
    )
    return {
        "mean_ks": float(np.mean(ks)),
        "mean_tvd": float(np.mean(tvd)),
        "max_spearman_diff": float(spearman.max()),
    }


def measured(action):
    """Run ``action`` twice: once timed, once traced (tracing slows it). (result, s, MiB)."""
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def import_time() -> tuple[float, bool]:
    code = (
        "import sys, time; t = time.perf_counter(); import synthtab; "
        "print(time.perf_counter() - t, 'torch' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(5)
    ]
    return min(float(r[0]) for r in runs), any(r[1] == "True" for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="rows to sample")
    parser.add_argument("--models", nargs="*", default=None)
    parser.add_argument("--epochs", type=int, default=10, help="epochs of the neural models")
    args = parser.parse_args()
    real = load_adult()
    seconds, torch_loaded = import_time()
    print(f"import synthtab: {seconds * 1000:.0f} ms (best of 5), torch imported: {torch_loaded}")
    print(f"adult: {len(real):,} rows x {real.shape[1]} columns; sampling {args.rows:,} rows\n")
    header = (
        f"{'model':<12}{'fit s':>8}{'fit MiB':>9}{'sample s':>10}{'sample MiB':>11}"
        f"{'rows/s':>12}{'mean KS':>9}{'mean TVD':>10}{'max dSpear':>11}"
    )
    print(header)
    for name in args.models or model_registry.names():
        try:
            neural = model_registry.capabilities(name).needs_torch
            synth = Synthesizer(name, seed=0, **({"epochs": args.epochs} if neural else {}))
        except SynthtabError as exc:
            print(f"{name:<12} unavailable: {exc}")
            continue
        _, fit_s, fit_mb = measured(lambda s=synth: s.fit(real))
        out, sample_s, sample_mb = measured(lambda s=synth: s.sample(args.rows))
        fid = fidelity(real, out)
        print(
            f"{name:<12}{fit_s:>8.2f}{fit_mb:>9.0f}{sample_s:>10.2f}{sample_mb:>11.0f}"
            f"{args.rows / sample_s:>12,.0f}{fid['mean_ks']:>9.3f}{fid['mean_tvd']:>10.3f}"
            f"{fid['max_spearman_diff']:>11.3f}"
        )


if __name__ == "__main__":
    main()
