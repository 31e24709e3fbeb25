"""The privacy building blocks: budget, ledger, mechanisms, private schema, accountant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab.errors import InvalidParameterError, PrivacyBudgetError
from synthtab.privacy import DPConfig, PrivacyLedger, PrivacyReport, as_dp_config
from synthtab.privacy.mechanisms import (
    dp_bounds,
    dp_correlation,
    gaussian_delta,
    gaussian_sigma,
    noisy_histograms,
)
from synthtab.privacy.pipeline import split_budget
from synthtab.privacy.schema import declared_columns, private_schema, public_frame
from synthtab.schema import infer_schema


def test_dpconfig_validates_with_exact_messages() -> None:
    with pytest.raises(InvalidParameterError) as err:
        DPConfig(0)
    assert str(err.value) == (
        "The 'epsilon' parameter of DPConfig must be a float in (0, 100]. Got 0 instead."
    )
    with pytest.raises(InvalidParameterError, match="'delta' parameter of DPConfig"):
        DPConfig(1.0, delta=1.5)
    with pytest.raises(InvalidParameterError, match="'privacy' parameter"):
        as_dp_config("lots")


def test_default_delta_is_below_one_over_n() -> None:
    assert DPConfig(1.0).resolve_delta(1_000) == 1e-5
    assert DPConfig(1.0).resolve_delta(1_000_000) == pytest.approx(1e-7)
    assert DPConfig(1.0, delta=1e-9).resolve_delta(10) == 1e-9
    assert as_dp_config(2).epsilon == 2.0


def test_ledger_refuses_overspending_and_sums_parts() -> None:
    ledger = PrivacyLedger(epsilon=1.0, delta=1e-6)
    ledger.allocate(split_budget(DPConfig(1.0), 1e-6, categories=True, bounds=False))
    ledger.spend("categories", epsilon=0.2, delta=5e-7, mechanism="Laplace")
    with pytest.raises(PrivacyBudgetError, match=r"only epsilon=0\.8"):
        ledger.spend("model", epsilon=0.9)
    ledger.spend("model", epsilon=0.8, delta=5e-7)
    report = ledger.report()
    assert report.epsilon_total == pytest.approx(1.0)
    assert report.delta == pytest.approx(1e-6)
    assert PrivacyReport.from_dict(report.to_dict()).to_dict() == report.to_dict()


def test_analytic_gaussian_sigma_meets_delta_tightly() -> None:
    for eps in (0.1, 1.0, 5.0):
        sigma = gaussian_sigma(epsilon=eps, delta=1e-6, sensitivity=2.0)
        assert gaussian_delta(sigma, epsilon=eps, sensitivity=2.0) <= 1e-6
        assert gaussian_delta(0.98 * sigma, epsilon=eps, sensitivity=2.0) > 1e-6


def test_histogram_noise_has_the_laplace_scale() -> None:
    rng = np.random.default_rng(0)
    values = np.repeat(np.arange(4.0), 5_000).reshape(-1, 2)  # 2 columns, large counts
    bounds = np.array([[0.0, 3.0], [0.0, 3.0]])
    exact = noisy_histograms(values, bounds, bins=np.array([4, 4]), epsilon=1e9, rng=rng)
    draws = np.array(
        [
            np.concatenate(noisy_histograms(values, bounds, bins=[4, 4], epsilon=0.5, rng=rng))
            for _ in range(400)
        ]
    )
    # two columns at epsilon 0.5: Laplace scale 4, standard deviation 4 * sqrt(2)
    std = (draws - np.concatenate(exact)).std()
    assert std == pytest.approx(4 * np.sqrt(2), rel=0.1)


def test_dp_bounds_cover_the_bulk_and_ignore_nan() -> None:
    rng = np.random.default_rng(1)
    x = np.column_stack([rng.normal(100, 10, 20_000), rng.exponential(5, 20_000)])
    x[::10, 1] = np.nan
    bounds = dp_bounds(x, epsilon=1.0, rng=rng)
    assert bounds[0, 0] <= 70 and bounds[0, 1] >= 130
    assert 0.0 <= bounds[1, 0] < 0.1 and bounds[1, 1] >= 16


def test_dp_correlation_is_close_at_large_epsilon_and_noisier_at_small() -> None:
    rng = np.random.default_rng(2)
    cov = np.array([[1.0, 0.6], [0.6, 1.0]])
    z = rng.multivariate_normal([0, 0], cov, 20_000)
    near = dp_correlation(z, epsilon=10.0, delta=1e-6, rng=rng)[0, 1]
    errors = [
        abs(dp_correlation(z, epsilon=0.05, delta=1e-6, rng=rng)[0, 1] - 0.6) for _ in range(20)
    ]
    assert near == pytest.approx(0.6, abs=0.03)
    assert np.mean(errors) > abs(near - 0.6)


def test_private_schema_suppresses_rare_labels_and_spends_its_allowance() -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "city": rng.choice(["a", "b", "rare"], 5_000, p=[0.6, 0.399, 0.001]),
            "x": rng.normal(0, 1, 5_000),
        }
    )
    schema = infer_schema(frame)
    ledger = PrivacyLedger(epsilon=1.0, delta=1e-6)
    ledger.allocate(split_budget(DPConfig(1.0), 1e-6, categories=True, bounds=True))
    private, rows = private_schema(schema, frame, ledger, declared=set(), rng=rng)
    assert private["city"].categories == ("a", "b")
    assert set(rows["city"]) == {"a", "b"} and len(rows) == len(frame)
    assert private["x"].minimum <= -2 and private["x"].maximum >= 2
    assert ledger.report().epsilon_total == pytest.approx(0.2)


def test_declared_columns_cost_nothing() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "c": ["a", "b"]})
    schema = infer_schema(frame, overrides={"x": {"minimum": 0.0, "maximum": 5.0}})
    assert declared_columns(schema, {"x": {"minimum": 0.0, "maximum": 5.0}}) == {"x"}
    assert declared_columns(schema, {"c": "categorical"}) == set()


def test_unreleasable_column_is_refused_with_advice() -> None:
    frame = pd.DataFrame({"id_like": [f"v{i}" for i in range(300)], "x": np.arange(300.0)})
    schema = infer_schema(frame, overrides={"id_like": "categorical"})
    ledger = PrivacyLedger(epsilon=1.0, delta=1e-6)
    ledger.allocate(split_budget(DPConfig(1.0), 1e-6, categories=True, bounds=True))
    with pytest.raises(PrivacyBudgetError, match=r"column\(s\) \['id_like'\].*Declare"):
        private_schema(schema, frame, ledger, declared=set(), rng=np.random.default_rng(0))


def test_public_frame_holds_every_label_and_the_bounds(mixed_frame) -> None:
    schema = infer_schema(mixed_frame)
    frame = public_frame(schema)
    assert set(frame["group"].dropna()) == set(schema["group"].categories)
    assert frame["age"].min() == schema["age"].minimum
    assert frame["age"].max() == schema["age"].maximum
    assert list(frame.dtypes.astype(str)) == [str(d) for d in mixed_frame.dtypes]


def test_noise_multiplier_reaches_the_target_epsilon() -> None:
    pytest.importorskip("opacus")
    from synthtab.privacy import epsilon_spent, noise_multiplier_for

    sigma = noise_multiplier_for(epsilon=2.0, delta=1e-5, sample_rate=0.02, steps=500)
    spent = epsilon_spent(sigma, delta=1e-5, sample_rate=0.02, steps=500)
    assert 1.8 <= spent <= 2.0
    with pytest.raises(InvalidParameterError, match="'sample_rate'"):
        noise_multiplier_for(epsilon=1.0, delta=1e-5, sample_rate=0.0, steps=10)


def test_values_at_a_bound_stay_a_point_mass() -> None:
    from synthtab.privacy.mechanisms import histogram_edges, histogram_quantiles

    rng = np.random.default_rng(4)
    x = np.where(rng.random(20_000) < 0.9, 0.0, rng.uniform(0, 100, 20_000)).reshape(-1, 1)
    (counts,) = noisy_histograms(
        x, np.array([[0.0, 100.0]]), bins=[16], epsilon=1.0, rng=rng, ends=[True]
    )
    assert counts.size == 18 and counts[0] / counts.sum() == pytest.approx(0.9, abs=0.01)
    edges = histogram_edges(0.0, 100.0, counts.size, ends=True)
    quantiles = histogram_quantiles(counts, edges, np.array([0.0, 0.5, 0.89, 0.99]))
    assert quantiles[:3].tolist() == [0.0, 0.0, 0.0] and 50 < quantiles[3] <= 100
