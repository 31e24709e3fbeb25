"""A metric defined and registered outside the package: evaluate() reports it, and it
passes the metric contract's range and calibration checks. This file is all it takes."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from synthtab.evaluation import evaluate
from synthtab.evaluation.base import (
    Direction,
    EvalContext,
    Family,
    Metric,
    MetricResult,
    metric_registry,
)
from tests.contract.metric_contract import at_least_as_good, known_quality_contexts, population


class MissingShareGap(Metric):
    """Mean absolute gap between the real and synthetic share of missing values."""

    name, family, direction = "missing_share_gap", Family.FIDELITY, Direction.LOWER

    def compute(self, ctx: EvalContext) -> MetricResult:
        gaps = (ctx.real.isna().mean() - ctx.synthetic.isna().mean()).abs()
        return self.result(float(gaps.mean()), details=gaps.rename("gap").to_frame())


@pytest.fixture(autouse=True, scope="module")
def registered() -> Iterator[None]:
    metric_registry.add("missing_share_gap", MissingShareGap, description="missing share gap")
    yield
    metric_registry.remove("missing_share_gap")


def test_evaluate_reports_it() -> None:
    real, holdout = population(400, 0), population(400, 1)
    fake = real.assign(y=np.nan)
    scores = evaluate(real, fake, holdout=holdout, figures=False).scores
    assert scores["missing_share_gap"] == pytest.approx(0.9 / (len(real.columns) - 1), abs=0.03)


def test_it_passes_the_contract() -> None:
    metric = MissingShareGap()
    scores = {case: metric.compute(ctx) for case, ctx in known_quality_contexts().items()}
    for result in scores.values():
        assert metric.bounds[0] <= result.score <= metric.bounds[1]
        assert result.direction is metric.direction and result.family is metric.family
    assert at_least_as_good(scores["identical"].score, scores["independent"].score, metric)
