"""Do the evaluation suite's privacy risks fall as epsilon falls? A VAE that memorises.

Run from the repository root (about 10 minutes on one core; ``--repeats 1`` for 4):

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python benchmarks/bench_privacy_risks.py

On full adult every model's risks are already near 0 without DP (bench_privacy.py),
so nothing can fall. Here each repeat draws three disjoint samples of adult,
stratified on income: ``--rows`` training rows, as many holdout rows (the attacks'
controls) and ``--samples`` fresh rows. A VAE set up to memorise a small table
(``VAE``: 300 epochs, learning rate 3e-3, reconstruction weighted 10 to 1 against
the KL term) is fitted on the training rows without DP and at each epsilon, with
the same settings; the category sets and numeric ranges are declared public
(adult's codebook), so DP-SGD gets the whole budget. ``--samples`` rows are drawn
and scored by ``synthtab.evaluate`` (``common.synthetic_scores``) against the
training rows, the holdout rows being the attacks' controls.

Two references need no fit: "copies of train" (training rows drawn with
replacement) leaks everything, "fresh real rows" (real rows never seen) leaks
nothing and shows each figure's floor and noise at this size.

Risks: share of synthetic rows closer to a training row than to a holdout row (a
membership signal, 0.5 = none); the memorisation test's p-value (small:
memorised); median distance to the closest training row; exact copies of training
rows; anonymeter's singling-out, linkability and inference risks (secret: income;
0 best). Utility: synthtab's fidelity score, real-versus-synthetic detection AUC
(0.5 best), train-on-synthetic ROC AUC on the holdout (the header gives training on
the real training rows), epsilon spent, fit time.
Cells are means over the repeats +- their standard deviation. Every random choice
(samples, model seeds, sampling, evaluation) derives from ``--seed``. It prints
figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from common import (
    TARGET,
    declared_facts,
    format_table,
    holdout_scores,
    load_adult,
    mean_sd,
    synthetic_scores,
)
from sklearn.model_selection import train_test_split

from synthtab import DPConfig, Synthesizer

#: The VAE's settings in every run, chosen so that it memorises without DP.
VAE = {"epochs": 300, "batch_size": 100, "lr": 3e-3, "latent_dim": 32, "loss_factor": 10.0}
EPSILONS = [100.0, 10.0, 3.0, 1.0, 0.5]
COPIES, FRESH = "copies of train", "fresh real rows"

RISKS = [
    ("closer to train", "dcr_share", ".3f"),
    ("MWU p", "mwu_p", ".3f"),
    ("DCR median", "dcr", ".2f"),
    ("exact copies", "copies", ".3f"),
    ("singling out", "singling_out", ".3f"),
    ("linkability", "linkability", ".3f"),
    ("inference", "inference", ".3f"),
]
UTILITY = [
    ("fidelity", "fidelity", ".3f"),
    ("detection", "detection", ".3f"),
    ("TSTR AUC", "tstr_auc", ".3f"),
    ("spent", "spent", ".2f"),
    ("fit s", "fit_s", ".0f"),
]


def draw(real: pd.DataFrame, rows: int, fresh: int, seed: int) -> dict[str, pd.DataFrame]:
    """Disjoint training, holdout and fresh rows, each stratified on the target."""

    def cut(frame: pd.DataFrame, size: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        return train_test_split(frame, test_size=size, stratify=frame[TARGET], random_state=seed)

    pool = cut(real, 2 * rows + fresh)[1]
    rest, train = cut(pool, rows)
    fresh_rows, holdout = cut(rest, rows)
    return {"train": train, "holdout": holdout, "fresh": fresh_rows}


def fit_vae(
    train: pd.DataFrame, epsilon: float | None, facts: dict, seed: int, samples: int
) -> tuple[pd.DataFrame, dict[str, float | None]]:
    """The VAE's synthetic rows, its epsilon spent and its fit time."""
    privacy = None if epsilon is None else DPConfig(epsilon)
    synth = Synthesizer("vae", seed=seed, privacy=privacy, overrides=facts, threads=1, **VAE)
    started = time.perf_counter()
    synth.fit(train)
    report = synth.privacy_report_
    spent = report.epsilon_total if report is not None else None
    return synth.sample(samples), {"fit_s": time.perf_counter() - started, "spent": spent}


def one_repeat(
    real: pd.DataFrame, args: argparse.Namespace, seed: int
) -> dict[str, dict[str, float | None]]:
    """Every source's scores on one draw of the rows."""
    data = draw(real, args.rows, args.samples, seed)
    train, holdout = data["train"], data["holdout"]
    facts = declared_facts(real, exact_bounds=True)  # looser bounds left DP worse
    sources: dict[str, tuple[pd.DataFrame, dict]] = {
        COPIES: (train.sample(args.samples, replace=True, random_state=seed), {}),
        FRESH: (data["fresh"], {}),
    }
    for epsilon in [None, *args.epsilons]:
        sources[label(epsilon)] = fit_vae(train, epsilon, facts, seed, args.samples)
    real_auc = holdout_scores(train, holdout)["auc"]
    out = {}
    for name, (rows, extra) in sources.items():
        scores = synthetic_scores(train, holdout, rows, real_auc, seed=seed)
        out[name] = {**scores, **extra, "real_auc": real_auc}
        print(f"seed {seed}: {name:<16} closer to train {out[name]['dcr_share']:.3f}", flush=True)
    return out


def label(epsilon: float | None) -> str:
    """The row label of a VAE fit."""
    return "VAE, no DP" if epsilon is None else f"VAE, epsilon {epsilon:g}"


def summarise(repeats: list[dict], names: list[str], columns: list) -> list[dict[str, object]]:
    """One row per source: each figure's mean +- standard deviation over the repeats."""
    rows = []
    for name in names:
        row: dict[str, object] = {"source": name}
        for _, key, spec in columns:
            values = [r[name][key] for r in repeats if r[name].get(key) is not None]
            if values:
                row[key] = mean_sd(values, spec)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="the root of every random choice")
    parser.add_argument("--repeats", type=int, default=3, help="independent draws and fits")
    parser.add_argument("--rows", type=int, default=200, help="training rows (and holdout rows)")
    parser.add_argument("--samples", type=int, default=2000, help="synthetic and fresh rows")
    parser.add_argument("--epsilons", nargs="+", type=float, default=EPSILONS)
    args = parser.parse_args()
    real = load_adult()
    seeds = [int(s) for s in np.random.SeedSequence(args.seed).generate_state(args.repeats)]
    repeats = [one_repeat(real, args, seed) for seed in seeds]
    names = [COPIES, label(None), *map(label, args.epsilons), FRESH]
    print(
        f"\nadult: {args.rows} training rows, {args.rows} holdout rows, {args.samples} "
        f"synthetic rows; {args.repeats} repeats (mean +- sd); holdout rows' DCR median "
        f"{np.mean([r[FRESH]['dcr_holdout'] for r in repeats]):.2f}; training on the real "
        f"training rows: AUC {np.mean([r[FRESH]['real_auc'] for r in repeats]):.3f}\n"
    )
    source = [("source", "source", "")]
    print(format_table(summarise(repeats, names, RISKS), source + _text(RISKS)))
    print()
    print(format_table(summarise(repeats, names, UTILITY), source + _text(UTILITY)))


def _text(columns: list) -> list[tuple[str, str, str]]:
    """Columns of pre-formatted cells, right-aligned."""
    return [(header, key, "s") for header, key, _ in columns]


if __name__ == "__main__":
    main()
