"""Privacy: are synthetic rows closer to the training rows than new real rows are?

All distances are Euclidean on :meth:`EvalContext.numeric_matrix` (min-max
scaled numbers, one-hot labels), via scikit-learn's ``NearestNeighbors``. The
training rows are subsampled to the holdout's size, so that a generator that
does not memorise puts half its rows closer to training and half closer to the
holdout (``dcr_share_closer_to_train`` = 0.5; ties count one half). Every metric
here needs a holdout of real rows that were *not* used to fit the generator.

>>> from synthtab.evaluation.base import metric_registry
>>> "dcr_share_closer_to_train" in metric_registry
True
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from synthtab.errors import DataValidationError
from synthtab.evaluation.base import (
    Direction,
    EvalContext,
    Family,
    Metric,
    MetricResult,
    as_float,
    as_labels,
    metric_registry,
)

#: Synthetic rows (and reference rows) used in nearest-neighbour searches.
PRIVACY_ROWS = 5_000


class _Distances:
    """Nearest-neighbour distances computed once per context and shared by the metrics."""

    def __init__(self, ctx: EvalContext) -> None:
        from sklearn.neighbors import NearestNeighbors

        if ctx.holdout is None:
            raise DataValidationError("The privacy metrics need a holdout table.")
        size = min(len(ctx.holdout), PRIVACY_ROWS)
        self.holdout = ctx.subsample(ctx.holdout, size)
        self.train = ctx.subsample(ctx.real, size)
        self.synthetic = ctx.subsample(ctx.synthetic, PRIVACY_ROWS)
        train_nn = NearestNeighbors(n_neighbors=2).fit(ctx.numeric_matrix(self.train))
        hold_nn = NearestNeighbors(n_neighbors=1).fit(ctx.numeric_matrix(self.holdout))
        syn_x = ctx.numeric_matrix(self.synthetic)
        self.syn_train, _ = train_nn.kneighbors(syn_x)  # (n, 2): nearest, second
        self.syn_hold = hold_nn.kneighbors(syn_x)[0][:, 0]
        self.hold_train, _ = train_nn.kneighbors(ctx.numeric_matrix(self.holdout))
        self.note = (
            f"{len(self.synthetic):,} synthetic rows against {size:,} training rows "
            f"and {size:,} holdout rows"
        )


def distances(ctx: EvalContext) -> _Distances:
    """The shared distances for ``ctx``; raises when there is no holdout."""
    from synthtab.errors import InvalidParameterError

    if ctx.holdout is None:
        raise InvalidParameterError(
            "Privacy metrics need holdout= real rows that were not used to fit the generator."
        )
    if "privacy_distances" not in ctx.cache:  # shared by every privacy metric of one run
        ctx.cache["privacy_distances"] = _Distances(ctx)
    return ctx.cache["privacy_distances"]


def _quantiles(**arrays: np.ndarray) -> pd.DataFrame:
    qs = [0.01, 0.05, 0.25, 0.5, 0.75]
    return pd.DataFrame({k: np.quantile(v, qs) for k, v in arrays.items()}, index=qs)


@metric_registry.register("dcr", description="distance to closest training record")
class DistanceToClosestRecord(Metric):
    """Median distance of synthetic rows to their closest training row (holdout as baseline)."""

    name, family, direction = "dcr", Family.PRIVACY, Direction.HIGHER
    bounds = (0.0, math.inf)

    def compute(self, ctx: EvalContext) -> MetricResult:
        d = distances(ctx)
        syn, hold = d.syn_train[:, 0], d.hold_train[:, 0]
        return self.result(
            np.median(syn),
            details=_quantiles(synthetic_to_train=syn, holdout_to_train=hold),
            extra={
                "holdout_median": float(np.median(hold)),
                "synthetic_p05": float(np.quantile(syn, 0.05)),
                "holdout_p05": float(np.quantile(hold, 0.05)),
                "share_zero": float(np.mean(syn == 0)),
            },
            note=d.note,
        )


@metric_registry.register("dcr_share_closer_to_train", description="share closer to train")
class ShareCloserToTrain(Metric):
    """Share of synthetic rows closer to training than to holdout rows (ties half); 0.5 ideal."""

    name, family = "dcr_share_closer_to_train", Family.PRIVACY
    direction, target = Direction.TARGET, 0.5

    def compute(self, ctx: EvalContext) -> MetricResult:
        d = distances(ctx)
        closer = d.syn_train[:, 0] < d.syn_hold
        ties = d.syn_train[:, 0] == d.syn_hold
        return self.result(
            np.mean(closer) + 0.5 * np.mean(ties),
            extra={"ties": float(np.mean(ties))},
            note=d.note + "; training subsample the size of the holdout, ties count one half",
        )


@metric_registry.register("nndr", description="nearest-neighbour distance ratio")
class NearestNeighbourDistanceRatio(Metric):
    """Median ratio of nearest to second-nearest training distance (near 0: memorised)."""

    name, family, direction = "nndr", Family.PRIVACY, Direction.HIGHER

    def compute(self, ctx: EvalContext) -> MetricResult:
        d = distances(ctx)
        syn, hold = (_ratio(x) for x in (d.syn_train, d.hold_train))
        return self.result(
            np.median(syn), extra={"holdout_median": float(np.median(hold))}, note=d.note
        )


def _ratio(dist: np.ndarray) -> np.ndarray:
    return np.divide(dist[:, 0], dist[:, 1], out=np.ones(len(dist)), where=dist[:, 1] > 0)


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    text = frame.astype("object").where(frame.notna(), None).astype(str)
    return pd.util.hash_pandas_object(text, index=False).to_numpy()


@metric_registry.register("exact_copy_rate", description="synthetic rows equal to a train row")
class ExactCopyRate(Metric):
    """Share of synthetic rows identical to some training row (holdout rate as baseline)."""

    name, family, direction = "exact_copy_rate", Family.PRIVACY, Direction.LOWER

    def compute(self, ctx: EvalContext) -> MetricResult:
        train = _row_hashes(ctx.real)
        rate = float(np.isin(_row_hashes(ctx.synthetic), train).mean())
        extra = {}
        if ctx.holdout is not None:
            extra["holdout_rate"] = float(np.isin(_row_hashes(ctx.holdout), train).mean())
        return self.result(
            rate, extra=extra, note="all rows compared, values as text (holdout_rate: baseline)"
        )


#: Text columns with at least this many distinct real values, and this share of
#: distinct values, are checked for copies (few labels are meant to be reproduced).
COPY_MIN_DISTINCT = 20
COPY_MIN_DISTINCT_SHARE = 0.1
#: A column is flagged when its synthetic values are found among the training
#: values this much more often than unseen real values are (chance).
COPY_EXCESS = 0.1


@metric_registry.register(
    "copied_values", description="synthetic values copied from training rows, per column"
)
class CopiedValues(Metric):
    """Per text column (and every identifier or personal-data column): the share of
    synthetic values found among the training values, against chance, the share of
    unseen real values found there (the holdout's, or half of the real rows against
    the other half). The score is the largest excess; a column past
    :data:`COPY_EXCESS` is flagged: its values are copied, not generated."""

    name, family, direction = "copied_values", Family.PRIVACY, Direction.LOWER
    bounds = (-1.0, 1.0)

    def compute(self, ctx: EvalContext) -> list[MetricResult]:
        raw = ctx.raw_tables()
        columns = [c for c in raw.real.columns if c in raw.excluded or _varied_text(raw.real[c])]
        if not columns:
            return []
        reference, unseen, how = self._reference(ctx, raw)
        rows = []
        for col in columns:
            known = set(_texts(reference[col]))
            copied = _found_share(_texts(raw.synthetic[col]), known)
            chance = _found_share(_texts(unseen[col]), known)
            excess = max(0.0, copied - chance)
            rows.append(
                {"column": col, "copied": copied, "chance": chance, "excess": excess,
                 "flagged": excess > COPY_EXCESS}
            )  # fmt: skip
        details = pd.DataFrame(rows)
        flagged = details[details["flagged"]]
        note = f"chance: {how}"
        if len(flagged):
            shown = ", ".join(
                f"{r.column} ({r.copied:.0%} found in the training rows vs {r.chance:.0%} by "
                "chance)"
                for r in flagged.itertuples()
            )
            note = f"values copied from the training rows: {shown}; {note}"
            ctx.notes.append(f"Copied values: {shown}.")
        return [self.result(float(details["excess"].max()), details=details, note=note)]

    @staticmethod
    def _reference(ctx: EvalContext, raw: Any) -> tuple[pd.DataFrame, pd.DataFrame, str]:
        if raw.holdout is not None:
            return raw.real, raw.holdout, "the share of holdout values found in the training rows"
        order = ctx.rng.permutation(len(raw.real))
        half = len(order) // 2
        first, second = raw.real.iloc[order[:half]], raw.real.iloc[order[half:]]
        return first, second, "half the real rows against the other half (no holdout)"


def _varied_text(series: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(
        series.dtype
    ):
        return False
    values = series.dropna()
    distinct = values.nunique()
    return distinct >= COPY_MIN_DISTINCT and distinct >= COPY_MIN_DISTINCT_SHARE * len(values)


def _texts(series: pd.Series) -> pd.Series:
    return series.dropna().astype(str)


def _found_share(values: pd.Series, known: set[str]) -> float:
    return float(values.isin(known).mean()) if len(values) else 0.0


@metric_registry.register("memorisation", description="ONS memorisation tests")
class Memorisation(Metric):
    """ONS test: are synthetic rows nearer training rows than holdout rows? (p-values).

    The score is the one-sided Mann-Whitney p-value that synthetic-to-train distances
    are smaller than synthetic-to-holdout distances; a small value flags memorisation.
    """

    name, family, direction = "memorisation", Family.PRIVACY, Direction.HIGHER

    def compute(self, ctx: EvalContext) -> MetricResult:
        from scipy import stats

        d = distances(ctx)
        to_train, to_hold = d.syn_train[:, 0], d.syn_hold
        mwu = stats.mannwhitneyu(to_train, to_hold, alternative="less")
        diff = to_train - to_hold
        wil = (
            stats.wilcoxon(diff, alternative="less", zero_method="zsplit").pvalue
            if np.any(diff != 0)
            else 1.0
        )
        kw = stats.kruskal(to_train, to_hold).pvalue if np.ptp(np.r_[to_train, to_hold]) else 1.0
        return self.result(
            mwu.pvalue,
            extra={
                "mannwhitneyu_p": float(mwu.pvalue),
                "wilcoxon_p": float(wil),
                "kruskal_p": float(kw),
            },
            note=d.note + "; one-sided Mann-Whitney and paired Wilcoxon, two-sided Kruskal",
        )


#: Rows per table and attacks per anonymeter evaluator (its attacks scale with both).
ANONYMETER_ROWS = 2_000
ANONYMETER_ATTACKS = 300


def _anonymeter() -> tuple[type, type, type]:
    from synthtab.errors import SynthtabError

    try:
        from anonymeter.evaluators import (
            InferenceEvaluator,
            LinkabilityEvaluator,
            SinglingOutEvaluator,
        )
    except ImportError as exc:
        raise SynthtabError(
            f"anonymeter risks need the optional packages anonymeter, numba and polars ({exc}). "
            "Run `bash scripts/install.sh`, or `pip install numba polars` then "
            "`pip install --no-deps anonymeter==1.1.0` (its numpy<1.27 pin is too strict)."
        ) from exc
    return SinglingOutEvaluator, LinkabilityEvaluator, InferenceEvaluator


def _plain(ctx: EvalContext, frame: pd.DataFrame) -> pd.DataFrame:
    """float64 numbers and object labels: anonymeter's numba code rejects other dtypes."""
    return pd.DataFrame(
        {
            c: as_float(frame[c])
            if c in ctx.numeric_columns
            else as_labels(frame[c]).astype(object)
            for c in frame.columns
        }
    )


@metric_registry.register("anonymeter", description="singling-out, linkability, inference risk")
class AnonymeterRisks(Metric):
    """Attack-based risks from anonymeter (0 best), holdout rows as the control set."""

    name, family, direction = "anonymeter", Family.PRIVACY, Direction.LOWER

    def compute(self, ctx: EvalContext) -> list[MetricResult]:
        if ctx.holdout is None:
            distances(ctx)  # raises the shared "needs a holdout" error
        singling, linking, inferring = _anonymeter()
        ori, syn, control = (
            _plain(ctx, ctx.subsample(f, ANONYMETER_ROWS))
            for f in (ctx.real, ctx.synthetic, ctx.holdout)
        )
        cols = list(ctx.real.columns)
        secret = ctx.target or cols[-1]
        kwargs = {"ori": ori, "syn": syn, "control": control}
        n = min(ANONYMETER_ATTACKS, len(control) - 1)
        half = len(cols) // 2
        seed = int(ctx.rng.integers(2**31 - 1))
        evaluations = {
            "singling_out_risk": lambda: singling(**kwargs, n_attacks=n, seed=seed).evaluate(
                mode="univariate"
            ),
            "linkability_risk": lambda: linking(
                **kwargs, n_attacks=n, aux_cols=(cols[:half], cols[half:]), n_neighbors=10
            ).evaluate(n_jobs=2),
            "inference_risk": lambda: inferring(
                **kwargs, aux_cols=[c for c in cols if c != secret], secret=secret, n_attacks=n
            ).evaluate(n_jobs=2),
        }
        note = (
            f"anonymeter 1.1.0 on {len(ori):,} rows per table, {n} attacks; "
            f"inference secret '{secret}'; singling-out's row sample uses polars' own "
            "unseeded generator, so that risk may vary slightly between runs"
        )
        results = []
        with _numpy_global_seed(seed):  # anonymeter samples its attacks from numpy's global RNG
            for name, run in evaluations.items():
                with _anonymeter_messages() as said_list:  # its evaluation and risk() both warn
                    risk = run().risk()
                said = "; ".join(dict.fromkeys(said_list))
                results.append(self._one(name, risk, f"{note}; {said}" if said else note))
        return results

    def _one(self, name: str, risk: Any, note: str) -> MetricResult:
        low, high = (float(v) for v in risk.ci)
        return MetricResult(
            name,
            self.family,
            float(risk.value),
            self.direction,
            extra={"ci_low": low, "ci_high": high},
            note=note,
        )


@contextmanager
def _anonymeter_messages() -> Iterator[list[str]]:
    """Collect anonymeter's warnings and log records for the metric's note, so they do not
    reach the user's terminal (its logger has no handler, so Python would print them)."""
    said: list[str] = []
    logger = logging.getLogger("anonymeter")
    handler = _ListHandler(said)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield said
        said.extend(str(w.message) for w in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


@contextmanager
def _numpy_global_seed(seed: int) -> Iterator[None]:
    """Seed numpy's global generator for a block, then put the caller's state back."""
    saved = np.random.get_state()  # noqa: NPY002 - anonymeter reads the legacy global RNG
    np.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(saved)  # noqa: NPY002
