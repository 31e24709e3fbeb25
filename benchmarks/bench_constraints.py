"""Constraints, class mixes and predicates, measured (issue 5).

Run from the repository root:

    .venv/bin/python benchmarks/bench_constraints.py                  (copula and ctgan)
    .venv/bin/python benchmarks/bench_constraints.py --models copula vae --epochs 30

1. Breast cancer (scikit-learn), ``mean X <= worst X`` for every feature X: invalid rows
   in 100,000 sampled rows without and with the constraints, and the accuracy on a real
   holdout (25%) of a random forest trained on synthetic rows.
2. Adult: a ClassMix of 50/50 income, the achieved shares; a predicate that 1% of draws
   pass, its time; a predicate that none pass, the time until the clear error.
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from common import load_adult
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

from synthtab import ClassMix, Inequality, Predicate, Synthesizer
from synthtab.errors import SamplingError
from synthtab.models import model_registry

#: Models on torch (their epochs come from the command line), asked of the registry.
NEURAL = set(model_registry.names_where(lambda caps: caps.needs_torch))


def breast_cancer() -> tuple[pd.DataFrame, pd.DataFrame, list[Inequality]]:
    """Train and holdout frames (target ``diagnosis``) and the mean <= worst rules."""
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.rename(columns={"target": "diagnosis"})
    frame["diagnosis"] = np.where(frame["diagnosis"] == 1, "benign", "malignant")
    train, holdout = train_test_split(
        frame, test_size=0.25, random_state=0, stratify=frame["diagnosis"]
    )
    features = [c.removeprefix("mean ") for c in frame.columns if c.startswith("mean ")]
    rules = [Inequality(f"mean {f}", f"worst {f}") for f in features]
    return train.reset_index(drop=True), holdout.reset_index(drop=True), rules


def invalid_rows(frame: pd.DataFrame, rules: list[Inequality]) -> int:
    """Rows breaking at least one rule."""
    valid = np.ones(len(frame), dtype=bool)
    for rule in rules:
        valid &= rule.is_valid(frame)
    return int((~valid).sum())


def tstr_accuracy(synthetic: pd.DataFrame, holdout: pd.DataFrame) -> float:
    """Accuracy on the real holdout of a forest trained on synthetic rows."""
    model = RandomForestClassifier(n_estimators=200, random_state=0, n_jobs=2)
    model.fit(synthetic.drop(columns="diagnosis"), synthetic["diagnosis"])
    return float((model.predict(holdout.drop(columns="diagnosis")) == holdout["diagnosis"]).mean())


def constraint_table(models: list[str], rows: int, epochs: int) -> None:
    train, holdout, rules = breast_cancer()
    print(f"breast cancer: {len(train)} train / {len(holdout)} holdout rows, {len(rules)} rules")
    print(f"real rows breaking a rule: {invalid_rows(train, rules)}")
    print(f"train-on-real accuracy: {tstr_accuracy(train, holdout):.3f}\n")
    print(f"{'model':<10}{'rules':<8}{'invalid':>10}{'of rows':>10}{'TSTR acc':>10}{'fit s':>8}")
    for name in models:
        extra = {"epochs": epochs} if name in NEURAL else {}
        for constraints in (None, rules):
            started = time.perf_counter()
            synth = Synthesizer(name, seed=0, constraints=constraints, **extra).fit(train)
            fit_s = time.perf_counter() - started
            out = synth.sample(rows)
            label = "with" if constraints else "without"
            print(
                f"{name:<10}{label:<8}{invalid_rows(out, rules):>10,}{rows:>10,}"
                f"{tstr_accuracy(out.sample(len(train), random_state=0), holdout):>10.3f}"
                f"{fit_s:>8.1f}"
            )


def condition_table() -> None:
    adult = load_adult()
    synth = Synthesizer("auto", seed=0).fit(adult)
    print(f"\nadult, model {synth.model_name_}")
    started = time.perf_counter()
    mixed = synth.sample(100_000, conditions=ClassMix("income", {">50K": 0.5, "<=50K": 0.5}))
    shares = mixed["income"].value_counts(normalize=True).round(4).to_dict()
    print(f"ClassMix 50/50 on 100,000 rows: {shares} in {time.perf_counter() - started:.2f} s")
    # predicates checked at sampling only (attached after fit): bounded rejection
    threshold = float(np.quantile(adult["age"], 0.99))
    synth.constraints_ = [Predicate(["age"], lambda df: df["age"] > threshold, name="old")]
    started = time.perf_counter()
    out = synth.sample(10_000)
    print(
        f"predicate age > {threshold:g} (about 1% of draws): 10,000 rows in "
        f"{time.perf_counter() - started:.2f} s, all valid: {bool((out['age'] > threshold).all())}"
    )
    synth.constraints_ = [Predicate(["age"], lambda df: df["age"] < 0, name="negative_age")]
    started = time.perf_counter()
    try:
        synth.sample(1000)
        print("predicate that no draw passes: no error (unexpected)")
    except SamplingError as exc:
        waited = time.perf_counter() - started
        print(f"predicate that no draw passes: SamplingError after {waited:.2f} s")
        print(f"  {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", nargs="*", default=["copula", "ctgan"])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--epochs", type=int, default=100, help="epochs of neural models")
    parser.add_argument("--skip-adult", action="store_true")
    args = parser.parse_args()
    constraint_table(args.models, args.rows, args.epochs)
    if not args.skip_adult:
        condition_table()


if __name__ == "__main__":
    main()
