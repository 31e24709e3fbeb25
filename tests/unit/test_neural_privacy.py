"""DP-SGD for the neural models: budgets honoured, nothing private left in the history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("opacus")

from synthtab import Synthesizer  # noqa: E402
from synthtab.errors import InvalidParameterError  # noqa: E402
from synthtab.models.neural.private import DPPlan, PrivateGradients  # noqa: E402
from synthtab.privacy import DPConfig  # noqa: E402
from tests.contract.models import NEURAL, PRIVATE, fast_params  # noqa: E402


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 3000
    label = rng.choice(["no", "yes"], size=n, p=[0.7, 0.3])
    x = rng.normal(size=n) + (label == "yes") * 2.0
    return pd.DataFrame(
        {"x": x.round(3), "y": (x * 0.5 + rng.normal(size=n)).round(3), "label": label}
    )


@pytest.mark.parametrize("name", sorted(NEURAL & set(PRIVATE)))
def test_private_training_spends_at_most_the_budget(name: str, table: pd.DataFrame) -> None:
    extra = {**fast_params(name), "steps": 4}
    synth = Synthesizer(name, seed=0, privacy=DPConfig(epsilon=2.0), **extra)
    synth.fit(table)
    report = synth.privacy_report_
    assert report.epsilon_total <= 2.0 + 1e-9
    mechanisms = [m for part in report.parts.values() for m in part.mechanisms]
    assert any(m.startswith("DP-SGD on") for m in mechanisms)
    assert any("DP-SGD on" in note for note in synth.fit_report_.notes)
    # losses computed on real rows without noise would leak: only the generator's is kept
    assert not {"critic_loss", "wasserstein_estimate", "loss"} & set(synth.fit_report_.history)
    out = synth.sample(300)
    assert list(out.columns) == list(table.columns)
    pd.testing.assert_frame_equal(out, synth.sample(300))


def test_early_stopping_is_refused_under_privacy(table: pd.DataFrame) -> None:
    synth = Synthesizer("vae", seed=0, privacy=DPConfig(epsilon=2.0), patience=2)
    with pytest.raises(InvalidParameterError, match="cannot stop early under differential"):
        synth.fit(table)


def test_per_unit_gradients_are_clipped_before_noise() -> None:
    plan = DPPlan(epsilon=1.0, delta=1e-5, sample_rate=0.1, steps=1, noise_multiplier=0.0)
    layer = torch.nn.Linear(3, 1, bias=False)
    private = PrivateGradients(layer, plan, expected_units=1.0)
    rows = torch.tensor([[100.0, 0.0, 0.0], [0.0, 100.0, 0.0]])

    def unit_loss(params: dict, row: torch.Tensor) -> torch.Tensor:
        return torch.func.functional_call(layer, params, (row[None],)).sum()

    private.apply(unit_loss, rows)
    # each row's gradient (the row itself) is clipped to norm 1, then the two are summed
    assert torch.allclose(layer.weight.grad, torch.tensor([[1.0, 1.0, 0.0]]), atol=1e-4)


def test_noise_grows_as_epsilon_shrinks() -> None:
    loose = DPPlan.for_budget(epsilon=10.0, delta=1e-5, rows=10_000, batch=100, steps=500)
    tight = DPPlan.for_budget(epsilon=0.5, delta=1e-5, rows=10_000, batch=100, steps=500)
    assert tight.noise_multiplier > loose.noise_multiplier
    assert tight.spent(500) <= 0.5
    assert tight.spent(250) < tight.spent(500)
