"""Does rebalancing help? Minority recall and precision on adult's real holdout.

Run from the repository root:  .venv/bin/python benchmarks/bench_rebalance.py
80/20 stratified split; a gradient-boosting classifier is trained on the real
training rows, then on the training rows rebalanced to 50/50 by each strategy,
and tested on the same real holdout. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import time

from common import POSITIVE as MINORITY
from common import TARGET, holdout_scores, load_adult
from sklearn.model_selection import train_test_split

from synthtab import rebalance


def main() -> None:
    real = load_adult()
    train, test = train_test_split(real, test_size=0.2, stratify=real[TARGET], random_state=0)
    print(
        f"adult: {len(train):,} training rows ({(train[TARGET] == MINORITY).mean():.1%} "
        f"{MINORITY}), {len(test):,} holdout rows\n"
    )
    print(f"{'training set':<22}{'seconds':>9}{'recall':>9}{'precision':>11}{'AUC':>8}")
    base = holdout_scores(train, test)
    print(
        f"{'real (imbalanced)':<22}{'':>9}{base['recall']:>9.3f}{base['precision']:>11.3f}"
        f"{base['auc']:>8.3f}"
    )
    for strategy in ("smotenc", "copula"):
        started = time.perf_counter()
        balanced = rebalance(train, TARGET, strategy=strategy, ratio=1.0, seed=0)
        seconds = time.perf_counter() - started
        result = holdout_scores(balanced, test)
        print(
            f"{'rebalanced: ' + strategy:<22}{seconds:>9.1f}{result['recall']:>9.3f}"
            f"{result['precision']:>11.3f}{result['auc']:>8.3f}"
        )


if __name__ == "__main__":
    main()
