"""One suite over every registered metric: family, direction, range and calibration on
tables of known quality (tests/contract/metric_contract.py). A metric registered from
outside the package appears in METRICS and is checked the same way, with no edit here.
"""

from __future__ import annotations

import importlib
import math

import pytest

from synthtab.evaluation.api import METRIC_MODULES
from synthtab.evaluation.base import (
    EvalContext,
    Family,
    MetricResult,
    metric_registry,
)
from tests.contract.metric_contract import at_least_as_good, headline, known_quality_contexts

for _module in METRIC_MODULES:  # registers the built-in metrics
    importlib.import_module(f"synthtab.evaluation.{_module}")
METRICS = metric_registry.names()


@pytest.fixture(scope="module")
def contexts() -> dict[str, EvalContext]:
    return known_quality_contexts()


_COMPUTED: dict[str, dict[str, MetricResult]] = {}


def _scores(name: str, contexts: dict[str, EvalContext]) -> dict[str, MetricResult]:
    """The metric's headline on each table, computed once per session."""
    if name not in _COMPUTED:
        metric = metric_registry.get(name).load()()
        found = {case: headline(metric, ctx) for case, ctx in contexts.items()}
        _COMPUTED[name] = {case: r for case, r in found.items() if r is not None}
    return _COMPUTED[name]


def test_the_registry_holds_every_family() -> None:
    families = {metric_registry.get(n).load().family for n in metric_registry.names()}
    assert families == set(Family)


@pytest.mark.parametrize("name", METRICS)
def test_headline_is_in_range_with_the_declared_direction(name: str, contexts) -> None:
    metric = metric_registry.get(name).load()()
    low, high = metric.bounds
    for case, result in _scores(name, contexts).items():
        assert result.family is metric.family, (name, case)
        assert result.direction is metric.direction, (name, case)
        assert math.isfinite(result.score), (name, case, result.score)
        assert low <= result.score <= high, (name, case, result.score, metric.bounds)


@pytest.mark.parametrize("name", METRICS)
def test_calibration_on_tables_of_known_quality(name: str, contexts) -> None:
    """Fidelity and utility: the training rows score at least as well as the shuffled ones.
    Privacy: fresh rows of the population score at least as well as the training rows."""
    metric = metric_registry.get(name).load()()
    scores = {case: r.score for case, r in _scores(name, contexts).items()}
    if not scores:
        pytest.skip(f"{name} has nothing to compute on these tables")
    if metric.family in (Family.FIDELITY, Family.UTILITY):
        assert at_least_as_good(scores["identical"], scores["independent"], metric), scores
    elif metric.family is Family.PRIVACY:
        assert at_least_as_good(scores["fresh"], scores["identical"], metric), scores
    else:  # validity: the training rows keep every rule; shuffled ones may break some
        assert scores["identical"] == metric.bounds[1], scores
        assert at_least_as_good(scores["identical"], scores["independent"], metric), scores


@pytest.mark.parametrize(
    "name", ["correlation", "association", "mutual_information", "detection", "utility"]
)
def test_dependence_metrics_see_the_shuffle(name: str, contexts) -> None:
    """The metrics of relations between columns are strictly worse on shuffled columns."""
    metric = metric_registry.get(name).load()()
    scores = {case: r.score for case, r in _scores(name, contexts).items()}
    assert not at_least_as_good(scores["independent"], scores["identical"], metric), scores
