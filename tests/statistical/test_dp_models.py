"""Differentially private statistical models: budgets kept, valid tables, noise that scales."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthtab import DPConfig, Inequality, Synthesizer, load
from synthtab.encoding.layout import Activation, EncodedTable, Layout, Span
from synthtab.errors import PrivacyBudgetError
from synthtab.models.copula import GaussianCopulaModel
from synthtab.models.marginals import MarginalsModel
from synthtab.models.trees import TreesModel
from tests.conftest import make_mixed_frame
from tests.contract.models import NEURAL, PRIVATE


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_mixed_frame(n=6_000, seed=4)


@pytest.mark.parametrize("model", sorted(set(PRIVATE) - NEURAL))
def test_budget_is_kept_and_the_table_is_valid(frame, model) -> None:
    synth = Synthesizer(model, seed=0, privacy=DPConfig(1.0)).fit(frame)
    spent = synth.privacy_report_
    assert spent.epsilon_total <= 1.0 + 1e-12
    assert spent.delta <= spent.delta_target == 1e-5
    assert set(spent.parts) == {"categories", "bounds", "model"}
    out = synth.sample(2_000)
    assert list(out.dtypes) == list(frame.dtypes)
    assert set(out["group"].dropna()) <= set(frame["group"])
    assert out["age"].between(synth.schema_["age"].minimum, synth.schema_["age"].maximum).all()
    assert out["income"].isna().mean() == pytest.approx(0.1, abs=0.05)


def test_rare_label_is_suppressed_under_a_small_budget(frame) -> None:
    synth = Synthesizer("marginals", seed=0, privacy=0.5).fit(frame)
    assert "rare" not in synth.schema_["group"].categories
    assert "rare" not in set(synth.sample(3_000)["group"])


def test_same_seed_same_output_and_save_load_keeps_the_report(frame, tmp_path) -> None:
    first = Synthesizer("copula", seed=7, privacy=2.0).fit(frame)
    second = Synthesizer("copula", seed=7, privacy=2.0).fit(frame)
    pd.testing.assert_frame_equal(first.sample(500), second.sample(500))
    other = Synthesizer("copula", seed=8, privacy=2.0).fit(frame)
    assert not first.sample(500).equals(other.sample(500))
    loaded = load(first.save(tmp_path / "dp.synth"))
    assert loaded.privacy_report_.to_dict() == first.privacy_report_.to_dict()
    assert loaded.privacy == DPConfig(2.0)
    pd.testing.assert_frame_equal(loaded.sample(500), first.sample(500))


def test_non_dp_models_and_rewriting_rules_are_refused_up_front(frame) -> None:
    with pytest.raises(PrivacyBudgetError, match="Trees model cannot train with differential"):
        Synthesizer("trees", privacy=1.0)
    with pytest.raises(PrivacyBudgetError, match=r"\['Inequality'\] rewrite columns"):
        Synthesizer("copula", privacy=1.0, constraints=[Inequality("age", "visits")])
    layout = Layout((Span("x", "value", 1, Activation.LINEAR),))
    table = EncodedTable(np.zeros((10, 1)), layout)
    with pytest.raises(PrivacyBudgetError, match="Trees model cannot train with differential"):
        TreesModel().fit(table, rng=np.random.default_rng(0), privacy=DPConfig(1.0))


def test_auto_chooses_a_dp_model_and_says_so(frame) -> None:
    synth = Synthesizer(seed=0, privacy=3.0).fit(frame)
    assert synth.model_name_ == "copula"
    assert "it can honour privacy" in synth.fit_report_.notes[0]
    assert Synthesizer(seed=0).fit(frame).privacy_report_ is None


def test_declared_facts_are_not_spent_on(frame) -> None:
    groups = ["north", "south", "east", "rare"]
    overrides = {"group": {"categories": groups}, "age": {"minimum": 18, "maximum": 79}}
    synth = Synthesizer("marginals", seed=0, privacy=1.0, overrides=overrides).fit(frame)
    assert synth.schema_["group"].categories == tuple(groups)
    assert (synth.schema_["age"].minimum, synth.schema_["age"].maximum) == (18, 79)


def _encoded_normals(n: int, rho: float, seed: int) -> EncodedTable:
    rng = np.random.default_rng(seed)
    values = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], n)
    layout = Layout(tuple(Span(c, "value", 1, Activation.LINEAR) for c in "ab"))
    return EncodedTable(values, layout)


def test_copula_correlation_noise_grows_as_epsilon_falls() -> None:
    table = _encoded_normals(20_000, 0.7, seed=5)
    errors = {}
    for eps in (0.05, 10.0):
        errors[eps] = np.mean(
            [abs(m.correlation_[0, 1] - 0.7) for m in _fit_copulas(table, eps, seeds=8)]
        )
    assert errors[10.0] < 0.03
    assert errors[0.05] > errors[10.0]


def _fit_copulas(table: EncodedTable, eps: float, *, seeds: int) -> list[GaussianCopulaModel]:
    models = []
    for seed in range(seeds):
        model = GaussianCopulaModel()
        model.fit(table, rng=np.random.default_rng(seed), privacy=DPConfig(eps))
        models.append(model)
    return models


def test_marginal_error_shrinks_with_epsilon() -> None:
    table = _encoded_normals(20_000, 0.0, seed=6)
    levels = np.array([[0.1, 0.1], [0.5, 0.5], [0.9, 0.9]])
    truth = np.array([-1.2816, 0.0, 1.2816])
    error = {}
    for eps in (0.05, 5.0):
        gaps = []
        for seed in range(5):
            model = MarginalsModel()
            model.fit(table, rng=np.random.default_rng(seed), privacy=eps)
            gaps.append(np.abs(model.grid_.inverse(levels)[:, 0] - truth).max())
        error[eps] = float(np.mean(gaps))
    assert error[5.0] < 0.1
    assert error[0.05] > error[5.0]


def test_cli_fit_with_epsilon_and_inspect_show_the_spend(frame, tmp_path) -> None:
    from typer.testing import CliRunner

    from synthtab.cli.app import app

    data = tmp_path / "people.csv"
    frame.drop(columns=["joined"]).to_csv(data, index=False)
    model = tmp_path / "dp.synth"
    runner = CliRunner()
    fitted = runner.invoke(app, ["fit", str(data), "-o", str(model), "--epsilon", "2"])
    assert fitted.exit_code == 0, fitted.output
    assert "Differential privacy: spent epsilon 2 of 2" in fitted.output
    shown = runner.invoke(app, ["inspect", str(model)])
    assert "spent on categories" in shown.output and "epsilon_total" in shown.output
    refused = runner.invoke(
        app, ["fit", str(data), "-o", str(model), "-m", "trees", "--epsilon", "1"]
    )
    assert refused.exit_code == 2
    assert "cannot train with differential privacy" in refused.output
