"""The privacy-utility curve on adult: epsilon against utility, fidelity and fit time.

Run from the repository root:  .venv/bin/python benchmarks/bench_privacy.py
(``--rows 8000`` for a quick run). 80/20 stratified split; every model is fitted
on the training rows at epsilon 0.5, 1, 3, 10 and without DP, and sampled as
many rows. Figures (``common.synthetic_scores``): train-on-synthetic ROC AUC on
the real holdout and its ratio to training on the real rows, synthtab's
fidelity score, the real-versus-synthetic detection AUC, the share of synthetic
rows closer to training than to holdout rows (a membership signal, 0.5 ideal),
the epsilon actually spent, and the fit time. Models that cannot honour a
budget are listed with their refusal. It prints figures; it asserts nothing.

Two schemas: ``learned`` spends part of the budget on the category sets and
numeric bounds; ``declared`` takes them as public (adult's codebook lists its
labels; bounds are given), so the whole budget goes to the model. A point whose
budget is too small to release a column's labels prints the refusal.

Neural models (``ctgan``) train ``--epochs`` epochs (DP-SGD under a budget) on two
torch threads. The anonymeter risks (singling-out, linkability, attribute inference;
0 best) are printed beside the membership signal. A model without differential
privacy is refused up front and printed as such.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from common import (
    declared_facts,
    format_table,
    holdout_scores,
    load_adult,
    split_adult,
    synthetic_scores,
)

from synthtab import DPConfig, Synthesizer
from synthtab.errors import PrivacyBudgetError
from synthtab.models import model_registry

#: Models on torch (their epochs come from the command line), asked of the registry.
NEURAL = set(model_registry.names_where(lambda caps: caps.needs_torch))

#: Models on the curve (trees refuses a budget, and says why).
MODELS = ["copula", "marginals", "trees", "ctgan"]
EPSILONS: list[float | None] = [0.5, 1.0, 3.0, 10.0, None]

COLUMNS = [
    ("model", "model", ""),
    ("schema", "schema", ""),
    ("epsilon", "epsilon", ""),
    ("spent", "spent", ".3g"),
    ("TSTR AUC", "tstr_auc", ".3f"),
    ("AUC ratio", "auc_ratio", ".3f"),
    ("fidelity", "fidelity", ".3f"),
    ("detection", "detection", ".3f"),
    ("closer to train", "dcr_share", ".3f"),
    ("singling out", "singling_out", ".3f"),
    ("linkability", "linkability", ".3f"),
    ("inference", "inference", ".3f"),
    ("fit s", "fit_s", ".2f"),
]


def run(
    model: str, epsilon: float | None, schema: str, data: dict[str, Any], seed: int
) -> dict[str, object]:
    """One point of the curve, or the model's refusal."""
    row: dict[str, object] = {
        "model": model,
        "schema": schema,
        "epsilon": "none" if epsilon is None else epsilon,
    }
    privacy = None if epsilon is None else DPConfig(epsilon)
    overrides = data["codebook"] if schema == "declared" else None
    train, holdout = data["train"], data["holdout"]
    try:
        extra = {"epochs": data["epochs"], "threads": 2} if model in NEURAL else {}
        synth = Synthesizer(model, seed=seed, privacy=privacy, overrides=overrides, **extra)
        started = time.perf_counter()
        synth.fit(train)
    except PrivacyBudgetError as refusal:
        row["refused"] = str(refusal)
        return row
    row["fit_s"] = time.perf_counter() - started
    row["spent"] = synth.privacy_report_.epsilon_total if synth.privacy_report_ else None
    row.update(synthetic_scores(train, holdout, synth.sample(len(train)), data["real_auc"]))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="cap the training rows")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--epsilons", nargs="+", type=float, default=None, help="DP points only")
    parser.add_argument("--schemas", nargs="+", default=["learned", "declared"])
    parser.add_argument("--epochs", type=int, default=10, help="epochs of neural models")
    args = parser.parse_args()
    train, holdout = split_adult(load_adult(), rows=args.rows, seed=args.seed)
    real_auc = holdout_scores(train, holdout)["auc"]
    data = {
        "train": train,
        "holdout": holdout,
        "real_auc": real_auc,
        "codebook": declared_facts(train, exact_bounds=False),
        "epochs": args.epochs,
    }
    print(
        f"adult: {len(train):,} training rows, {len(holdout):,} holdout rows; "
        f"real-data AUC {real_auc:.3f}"
    )
    rows, refusals = [], {}
    for model in args.models:
        epsilons = EPSILONS if args.epsilons is None else [*args.epsilons, None]
        for schema, epsilon in [(s, e) for s in args.schemas for e in epsilons]:
            if schema == "declared" and epsilon is None:
                continue
            row = run(model, epsilon, schema, data, args.seed)
            if "refused" in row:
                refusals[f"{model} ({schema}, epsilon {row['epsilon']})"] = row["refused"]
                continue
            rows.append(row)
            print(format_table([row], COLUMNS).splitlines()[1], flush=True)
    print()
    print(format_table(rows, COLUMNS))
    for model, reason in refusals.items():
        print(f"\n{model}: refused: {reason}")


if __name__ == "__main__":
    main()
